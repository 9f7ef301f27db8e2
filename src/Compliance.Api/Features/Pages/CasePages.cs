using System.Globalization;
using Compliance.Api.Features.Effectiveness;
using Compliance.Api.Features.Foundation;
using Compliance.Api.Features.Risk.Escalations;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Compliance.Domain.Reference;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Pages;

/// <summary>
/// The case handler's console (issue #19): an inbox over every tenant the office is linked to, earliest due first,
/// and a case page (worker thread, internal notes, private notes) with reply, triage, status, consent, referral and
/// close. Every action goes through <see cref="Casework"/>, the code the API uses; every page posts and redirects, and
/// works without JavaScript. Opening a case is a logged read (DNH-12) through <see cref="TestimonyReader"/>.
/// Case links carry <c>?tenant=</c>: an office works on one tenant per request (<see cref="People.PersonScopeMiddleware"/>).
/// </summary>
public static class CasePages
{
    public const string Inbox = "/console/cases";
    public const int PageSize = 50;

    /// <summary>The most open cases the inbox reads per linked tenant; past it the page says so.</summary>
    public const int MaxPerTenant = 2000;

    public static readonly IReadOnlyList<string> Tabs = ["thread", "internal", "private"];

    public static void Map(RouteGroupBuilder pages)
    {
        var cases = pages.MapGroup("/cases").RequireAuthorization(Policies.CaseHandler);
        cases.MapGet("/", InboxAsync);
        cases.MapGet("/{id:guid}", CaseAsync);
        cases.MapPost("/{id:guid}/reply", ReplyAsync);
        cases.MapPost("/{id:guid}/notes", AddNoteAsync);
        cases.MapPost("/{id:guid}/triage", TriageAsync);
        cases.MapPost("/{id:guid}/status", StatusAsync);
        cases.MapPost("/{id:guid}/referrals", ReferAsync);
        cases.MapPost("/{id:guid}/referrals/{referralId:guid}", UpdateReferralAsync);
        cases.MapPost("/{id:guid}/remedies", RecordRemedyAsync);
    }

    /// <summary>The inbox's filters, as the query string carries them; an unknown value is a 400 naming it.</summary>
    public sealed record InboxFilter(string? Status, string? Indicator, string? Language, Guid? Site, string? Channel, string? Clock, int Page)
    {
        public static (InboxFilter Filter, IDictionary<string, string[]> Errors) Parse(IQueryCollection q)
        {
            var v = new Validator();
            string? Pick(string name, IEnumerable<string> allowed)
            {
                var value = q[name].ToString();
                return value.Length == 0 ? null : v.OneOf(name, value, allowed) ? value : null;
            }

            var status = Pick("status", GrievanceStatuses.All);
            var indicator = Pick("indicator", Indicators.All);
            var language = Pick("language", Languages.Supported);
            var channel = Pick("channel", ReportChannels.All);
            var clock = Pick("clock", GrievanceClocks.States);
            Guid? site = null;
            if (q["site"].ToString() is { Length: > 0 } s)
            {
                site = v.Check(Guid.TryParse(s, out var id), "site", "Not a site id.") ? id : null;
            }

            var page = 1;
            if (q["page"].ToString() is { Length: > 0 } p)
            {
                v.Check(int.TryParse(p, NumberStyles.None, CultureInfo.InvariantCulture, out page) && page >= 1, "page", "A page number from 1.");
            }

            return (new InboxFilter(status, indicator, language, site, channel, clock, Math.Max(page, 1)), v.Errors);
        }
    }

    /// <summary>One row of the inbox.</summary>
    public sealed record InboxRow(
        Guid Id, Guid TenantId, string TenantName, string CaseReference, string SiteName, string Language, string Channel, string Status,
        string? SubStatus, IReadOnlyList<string> Indicators, bool Critical, string? ClockState, DateTimeOffset? Due, bool DueSoon, bool ReferralOverdue);

    private static async Task<IResult> InboxAsync(
        HttpContext http, TenantContext scope, OfficeLinks links, IServiceScopeFactory scopes, TimeProvider clock, CancellationToken ct)
    {
        var (filter, errors) = InboxFilter.Parse(http.Request.Query);
        if (scope.OfficeId is not Guid office)
        {
            return ConsoleView.NotFound(http);
        }

        var now = clock.GetUtcNow();
        var rows = new List<InboxRow>();
        var sites = new List<(Guid Id, string Name)>();
        var truncated = false;
        if (errors.Count == 0)
        {
            foreach (var tenant in await links.LiveTenantsAsync(office, ct))
            {
                var (tenantRows, tenantSites, full) = await TenantInboxAsync(scopes, scope, tenant, filter, now, ct);
                rows.AddRange(tenantRows);
                sites.AddRange(tenantSites);
                truncated |= full;
            }
        }

        var shown = rows
            .Where(r => filter.Clock is null || r.ClockState == filter.Clock)
            .OrderBy(r => r.Due is null)
            .ThenBy(r => r.Due)
            .ThenBy(r => r.CaseReference, StringComparer.Ordinal)
            .ToList();
        var pageRows = shown.Skip((filter.Page - 1) * PageSize).Take(PageSize).ToList();
        return ConsoleView.Page(
            http,
            "Inbox",
            "cases/inbox",
            new
            {
                Filter = filter,
                Errors = errors.Select(e => new { Field = e.Key, Message = string.Join(" ", e.Value) }).ToList(),
                Rows = pageRows.Select(r => RowModel(r)).ToList(),
                Total = shown.Count,
                DueSoon = rows.Count(r => r.DueSoon),
                ReferralsOverdue = rows.Count(r => r.ReferralOverdue),
                Truncated = truncated,
                Page = filter.Page,
                HasPrevious = filter.Page > 1,
                HasNext = filter.Page * PageSize < shown.Count,
                PreviousUrl = PageUrl(http, filter.Page - 1),
                NextUrl = PageUrl(http, filter.Page + 1),
                Statuses = GrievanceStatuses.All,
                IndicatorOptions = Indicators.All.Select(c => new { Code = c, Name = Indicators.Names[c] }).ToList(),
                LanguageOptions = Languages.Supported,
                Channels = ReportChannels.All,
                ClockStates = GrievanceClocks.States,
                Sites = sites.OrderBy(s => s.Name, StringComparer.Ordinal).Select(s => new { Id = s.Id.ToString(), s.Name }).ToList(),
                Site = filter.Site?.ToString(),
            },
            errors.Count == 0 ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private static string PageUrl(HttpContext http, int page)
    {
        var query = http.Request.Query.Where(q => q.Key != "page").Select(q => KeyValuePair.Create(q.Key, (string?)q.Value.ToString())).ToList();
        query.Add(KeyValuePair.Create("page", (string?)page.ToString(CultureInfo.InvariantCulture)));
        return Inbox + Microsoft.AspNetCore.Http.QueryString.Create(query);
    }

    /// <summary>One linked tenant's part of the inbox, read in that tenant's scope (a unit of work serves one tenant).</summary>
    private static async Task<(List<InboxRow> Rows, List<(Guid, string)> Sites, bool Truncated)> TenantInboxAsync(
        IServiceScopeFactory scopes, TenantContext caller, Guid tenantId, InboxFilter filter, DateTimeOffset now, CancellationToken ct)
    {
        await using var unit = scopes.CreateAsyncScope();
        unit.ServiceProvider.GetRequiredService<TenantContext>().SetForOffice(tenantId, caller.OfficeId!.Value, caller.PersonId, caller.ApiKeyId, caller.Role!);
        var db = unit.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        await using var tx = await JoinedTransaction.JoinOrBeginAsync(db, ct);
        var tenantName = await db.Set<Tenant>().AsNoTracking().Select(t => t.Name).FirstOrDefaultAsync(ct) ?? tenantId.ToString();
        var sites = await db.Set<Site>().AsNoTracking().Select(s => new { s.Id, s.Name }).ToListAsync(ct);
        var query = db.Set<Grievance>().AsNoTracking();
        query = filter.Status is { } status ? query.Where(g => g.Status == status) : query.Where(g => g.Status != GrievanceStatuses.Closed);
        if (filter.Indicator is { } indicator)
        {
            query = query.Where(g => g.Indicators.Contains(indicator));
        }

        if (filter.Language is { } language)
        {
            query = query.Where(g => g.Language == language);
        }

        if (filter.Site is Guid site)
        {
            query = query.Where(g => g.SiteId == site);
        }

        if (filter.Channel is { } channel)
        {
            query = query.Where(g => g.Channel == channel);
        }

        var grievances = await query.OrderBy(g => g.ReceivedAt).Take(MaxPerTenant + 1).ToListAsync(ct);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var referralsOverdue = (await db.Set<CaseReferral>().AsNoTracking()
            .Where(r => r.State != CaseReferral.Closed && r.State != CaseReferral.Declined && r.FollowUpBy < today)
            .Select(r => r.GrievanceId).ToListAsync(ct)).ToHashSet();
        await tx.CommitIfOwnedAsync(ct);
        var siteNames = sites.ToDictionary(s => s.Id, s => s.Name);
        var rows = grievances.Take(MaxPerTenant).Select(g => new InboxRow(
            g.Id, tenantId, tenantName, g.CaseReference, siteNames.GetValueOrDefault(g.SiteId, string.Empty), g.Language, g.Channel, g.Status, g.SubStatus,
            g.Indicators, g.Critical, GrievanceClocks.StateOf(g, now), GrievanceClocks.Running(g)?.Due, g.DueSoon, referralsOverdue.Contains(g.Id))).ToList();
        return (rows, [.. sites.Select(s => (s.Id, s.Name))], grievances.Count > MaxPerTenant);
    }

    private static object RowModel(InboxRow r) => new
    {
        Url = CaseUrl(r.Id, r.TenantId),
        r.CaseReference,
        r.TenantName,
        r.SiteName,
        r.Language,
        r.Channel,
        r.Status,
        r.SubStatus,
        Indicators = string.Join(", ", r.Indicators),
        r.Critical,
        r.ClockState,
        Due = r.Due is { } due ? PageData.Day(due) : null,
        r.DueSoon,
        r.ReferralOverdue,
    };

    public static string CaseUrl(Guid id, Guid tenantId, string? tab = null) =>
        $"{Inbox}/{id}?tenant={tenantId}" + (tab is null ? string.Empty : $"&tab={tab}");


    private static async Task<IResult> CaseAsync(Guid id, HttpContext http, CaseView view, CancellationToken ct)
    {
        var tab = http.Request.Query["tab"].ToString() is { Length: > 0 } t ? t : Tabs[0];
        return Tabs.Contains(tab) ? await view.RenderAsync(http, id, tab, new CaseForm(), ct) : ConsoleView.NotFound(http);
    }

    private static async Task<IResult> ReplyAsync(Guid id, HttpContext http, Casework casework, CaseView view, TimeProvider clock, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var text = ConsoleView.Field(form, "text");
        var template = ConsoleView.Field(form, "template");
        var request = new CaseHandlingApi.ReplyRequest(text, template);
        if (Invalid(request) is { } errors)
        {
            return await view.RenderAsync(http, id, "thread", new CaseForm { Errors = errors, ReplyText = text, ReplyTemplate = template }, ct, StatusCodes.Status400BadRequest);
        }

        if (form["action"].ToString() == "preview")
        {
            return await view.RenderAsync(http, id, "thread", new CaseForm { ReplyText = text, ReplyTemplate = template, Preview = true }, ct);
        }

        return await AfterAsync(http, id, view, "thread", await casework.ReplyAsync(id, text, template, ct), ct);
    }

    private static async Task<IResult> AddNoteAsync(Guid id, HttpContext http, Casework casework, CaseView view, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var request = new CaseHandlingApi.NoteRequest(ConsoleView.Field(form, "visibility"), ConsoleView.Field(form, "text"));
        var tab = request.Visibility == CaseNote.Private ? "private" : "internal";
        if (Invalid(request) is { } errors)
        {
            return await view.RenderAsync(http, id, tab, new CaseForm { Errors = errors, NoteText = request.Text }, ct, StatusCodes.Status400BadRequest);
        }

        return await AfterAsync(http, id, view, tab, await casework.AddNoteAsync(id, request.Visibility!, request.Text!, ct), ct);
    }

    private static async Task<IResult> TriageAsync(Guid id, HttpContext http, Casework casework, CaseView view, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var request = new CaseHandlingApi.TriageRequest([.. form["indicators"].Select(s => s ?? string.Empty)], ConsoleView.Field(form, "severity"), ConsoleView.Field(form, "subStatus"));
        if (Invalid(request) is { } errors)
        {
            return await view.RenderAsync(http, id, "thread", new CaseForm { Errors = errors }, ct, StatusCodes.Status400BadRequest);
        }

        return await AfterAsync(http, id, view, "thread", await casework.TriageAsync(id, request.Indicators!, request.Severity!, request.SubStatus, ct), ct);
    }

    private static async Task<IResult> StatusAsync(Guid id, HttpContext http, Casework casework, CaseView view, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var request = new CaseHandlingApi.StatusRequest(ConsoleView.Field(form, "status"), ConsoleView.Field(form, "reviewNote"));
        if (Invalid(request) is { } errors)
        {
            return await view.RenderAsync(http, id, "thread", new CaseForm { Errors = errors, ReviewNote = request.ReviewNote }, ct, StatusCodes.Status400BadRequest);
        }

        var done = await casework.ChangeStatusAsync(id, request.Status!, request.ReviewNote, ct);
        return await AfterAsync(http, id, view, "thread", done, ct, new CaseForm { ReviewNote = request.ReviewNote });
    }

    private static async Task<IResult> ReferAsync(Guid id, HttpContext http, Casework casework, CaseView view, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var destination = ConsoleView.Field(form, "destinationId");
        var followUp = ConsoleView.Field(form, "followUpBy");
        var v = new Validator();
        Guid? destinationId = destination is null ? null : v.Check(Guid.TryParse(destination, out var d), "destinationId", "Not a destination.") ? d : null;
        var followUpBy = PageData.ParseDay(v, "followUpBy", followUp);
        var organisation = destination is null ? ConsoleView.Field(form, "organisation") : null;
        var request = new CaseHandlingApi.ReferralRequest(destinationId, organisation, organisation is null ? null : ConsoleView.Field(form, "kind"), followUpBy);
        if (v.IsValid)
        {
            request.Validate(v);
        }

        if (!v.IsValid)
        {
            return await view.RenderAsync(http, id, "thread", new CaseForm { Errors = Joined(v.Errors) }, ct, StatusCodes.Status400BadRequest);
        }

        return await AfterAsync(http, id, view, "thread", await casework.ReferAsync(id, destinationId, organisation, request.Kind, followUpBy!.Value, ct), ct);
    }

    private static async Task<IResult> UpdateReferralAsync(Guid id, Guid referralId, HttpContext http, Casework casework, CaseView view, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var v = new Validator();
        var followUp = ConsoleView.Field(form, "followUpBy");
        var followUpBy = PageData.ParseDay(v, "followUpBy", followUp);
        var request = new CaseHandlingApi.ReferralUpdate(ConsoleView.Field(form, "state"), followUpBy);
        request.Validate(v);
        if (!v.IsValid)
        {
            return await view.RenderAsync(http, id, "thread", new CaseForm { Errors = Joined(v.Errors) }, ct, StatusCodes.Status400BadRequest);
        }

        return await AfterAsync(http, id, view, "thread", await casework.UpdateReferralAsync(id, referralId, request.State!, followUpBy, ct), ct);
    }

    /// <summary>A remedy on the case (issue #21), with the API's own rules (<see cref="RemedyRequest"/>).</summary>
    private static async Task<IResult> RecordRemedyAsync(Guid id, HttpContext http, RemedyRecords remedies, CaseView view, CancellationToken ct)
    {
        var form = await http.Request.ReadFormAsync(ct);
        var v = new Validator();
        Guid? IdOf(string field) =>
            ConsoleView.Field(form, field) is { } text ? v.Check(Guid.TryParse(text, out var parsed), field, "Not a record id.") ? parsed : null : null;
        decimal? amount = ConsoleView.Field(form, "amount") is { } a
            ? v.Check(decimal.TryParse(a, NumberStyles.Number, CultureInfo.InvariantCulture, out var parsedAmount), "amount", "Not an amount.") ? parsedAmount : null
            : null;
        var request = new RemedyRequest(ConsoleView.Field(form, "kind"), amount, ConsoleView.Field(form, "currency"), IdOf("reimbursementId"), IdOf("custodyId"));
        if (v.IsValid)
        {
            request.Validate(v);
        }

        if (!v.IsValid)
        {
            return await view.RenderAsync(http, id, "thread", new CaseForm { Errors = Joined(v.Errors) }, ct, StatusCodes.Status400BadRequest);
        }

        return await AfterAsync(http, id, view, "thread", await remedies.RecordAsync(id, request, ct), ct);
    }

    /// <summary>Done: back to the case (303). Refused: the case again with the reason beside its field, nothing written.</summary>
    private static async Task<IResult> AfterAsync<T>(HttpContext http, Guid id, CaseView view, string tab, CaseResult<T> done, CancellationToken ct, CaseForm? kept = null)
    {
        if (done.Problem is null)
        {
            var tenant = http.RequestServices.GetRequiredService<TenantContext>().RequiredTenantId;
            return ConsoleView.SeeOther(CaseUrl(id, tenant, tab) + "#" + (tab == "thread" ? "thread" : "notes"));
        }

        if (done.Problem.Status == StatusCodes.Status404NotFound)
        {
            return ConsoleView.NotFound(http);
        }

        var form = kept ?? new CaseForm();
        form.Errors = new Dictionary<string, string> { [done.Problem.Field ?? "case"] = done.Problem.Title };
        return await view.RenderAsync(http, id, tab, form, ct, done.Problem.Status);
    }

    private static Dictionary<string, string>? Invalid(IValidatable request)
    {
        var v = new Validator();
        request.Validate(v);
        return v.IsValid ? null : Joined(v.Errors);
    }

    private static Dictionary<string, string> Joined(IDictionary<string, string[]> errors) =>
        errors.ToDictionary(e => e.Key, e => string.Join(" ", e.Value), StringComparer.Ordinal);
}

/// <summary>What a refused form keeps, so the handler does not retype it; and the errors beside their fields.</summary>
public sealed class CaseForm
{
    public Dictionary<string, string> Errors { get; set; } = [];

    public string? ReplyText { get; set; }

    public string? ReplyTemplate { get; set; }

    public bool Preview { get; set; }

    public string? NoteText { get; set; }

    public string? ReviewNote { get; set; }
}

/// <summary>Renders the case page: opens the case as a logged read, then its office records, in the request's tenant.</summary>
public sealed class CaseView(TestimonyReader reader, Casework casework, RemedyRecords remedies, ComplianceDbContext db, TimeProvider clock)
{
    public async Task<IResult> RenderAsync(HttpContext http, Guid id, string tab, CaseForm form, CancellationToken ct, int status = StatusCodes.Status200OK)
    {
        // A refused form (4xx) rolls its unit of work back, read log included; so it shows the forms and the reason,
        // never the worker's words or the notes: testimony is shown only where its read is logged (DNH-12).
        var showTestimony = status < StatusCodes.Status400BadRequest;
        var opened = showTestimony
            ? await reader.ReadForHandlerAsync(id, ct)
            : await reader.FindForHandlerAsync(id, ct) is { } found ? new OpenedTestimony(found, null, null, []) : null;
        if (opened is null)
        {
            return ConsoleView.NotFound(http);
        }

        var g = opened.Grievance;
        var now = clock.GetUtcNow();
        var notes = showTestimony ? await casework.NotesAsync(g, ct) : [];
        var referrals = (await casework.ReferralsAsync(id, ct)).Value ?? [];
        var remedyRows = (await remedies.ListAsync(id, ct)).Value ?? [];
        var consent = (await casework.ConsentHistoryAsync(id, ct)).Value ?? [];
        var site = await db.Set<Site>().AsNoTracking().Where(s => s.Id == g.SiteId).Select(s => s.Name).FirstOrDefaultAsync(ct);
        var tenant = await db.Set<Tenant>().AsNoTracking().Select(t => t.Name).FirstOrDefaultAsync(ct);
        var destinations = await db.Set<EscalationDestination>().AsNoTracking().Where(d => d.Active).OrderBy(d => d.Name)
            .Select(d => new { Id = d.Id.ToString(), d.Name, d.Kind }).ToListAsync(ct);
        var tenantId = db.Tenant.RequiredTenantId;
        var running = GrievanceClocks.Running(g);
        var replyText = form.Preview ? casework.ReplyText(g, form.ReplyText, form.ReplyTemplate) : null;
        var model = new
        {
            Id = g.Id.ToString(),
            Tab = tab,
            Action = $"{CasePages.Inbox}/{g.Id}",
            TenantQuery = $"?tenant={tenantId}",
            TabLinks = CasePages.Tabs.Select(t => new { Name = t, Url = CasePages.CaseUrl(g.Id, tenantId, t), Current = t == tab }).ToList(),
            g.CaseReference,
            TenantName = tenant,
            SiteName = site,
            g.Language,
            g.Channel,
            g.Status,
            g.SubStatus,
            g.Severity,
            g.Critical,
            Categories = string.Join(", ", g.Categories),
            Indicators = g.Indicators,
            ReceivedOn = PageData.Day(g.ReceivedAt),
            ClockState = GrievanceClocks.StateOf(g, now),
            Due = running is { } r ? PageData.Day(r.Due) : null,
            ClockName = running is null ? null : g.AcknowledgedAt is null ? "acknowledge" : "feedback",
            ShowTestimony = showTestimony,
            TestimonyDeleted = g.TestimonyDeletedAt is not null || g.WrappedKey is null,
            opened.Narrative,
            opened.ReviewNote,
            Messages = opened.Messages.Select(m => new { m.Author, SentOn = PageData.Day(m.SentAt), m.Text }).ToList(),
            Notes = tab == "thread" ? [] : notes.Where(n => n.Visibility == tab).Select(NoteModel).ToList(),
            Referrals = referrals.Select(x => new
            {
                Id = x.Id.ToString(),
                x.To,
                x.Kind,
                x.State,
                FollowUpBy = PageData.Day(x.FollowUpBy),
                CreatedOn = PageData.Day(x.CreatedOn),
                x.FollowUpOverdue,
            }).ToList(),
            ReferralStates = CaseReferral.States,
            Remedies = remedyRows.Select(x => new
            {
                x.Kind,
                Amount = x.Amount is decimal m ? $"{m.ToString("0.####", CultureInfo.InvariantCulture)} {x.Currency}" : null,
                Linked = x.ReimbursementId?.ToString() ?? x.CustodyId?.ToString(),
                RecordedOn = PageData.Day(x.RecordedOn),
            }).ToList(),
            RemedyKinds = EffectivenessMetrics.RemedyKinds,
            Destinations = destinations.Where(d => g.ConsentsTo(d.Kind)).ToList(),
            Consent = g.Consent().Select(c => new { Kind = c.Key, Given = c.Value }).ToList(),
            ConsentHistory = consent.Select(c => new { c.Kind, c.Given, OnDay = PageData.Day(c.OnDay) }).ToList(),
            ConsentedKinds = DestinationKinds.All.Where(g.ConsentsTo).ToList(),
            Templates = CaseHandlingApi.ReplyTemplates,
            NextStatuses = GrievanceStatuses.All.Where(s => GrievanceStatuses.CanMove(g.Status, s)).ToList(),
            IndicatorOptions = Indicators.All.Select(c => new { Code = c, Name = Indicators.Names[c], Checked = g.Indicators.Contains(c) }).ToList(),
            Severities = Severities.All,
            NeedsReview = g.Indicators.Contains(Indicators.ChildUnder18),
            Today = PageData.Day(now),
            Form = form,
            PreviewText = replyText,
        };
        http.Response.Headers.CacheControl = "no-store";
        return ConsoleView.Page(http, g.CaseReference, "cases/case", model, status);
    }

    private static object NoteModel(CaseNoteView n) => new { n.Author, At = n.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture), n.Text };

}
