using System.Globalization;
using System.Text.Json;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Pdf;
using Compliance.Api.Infrastructure.Templates;
using Compliance.Domain.Reference;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Enforcement;

/// <summary>
/// <c>/api/v1/dossiers</c>: owner and compliance make and read frozen enforcement dossiers; the HTML and PDF are the same
/// dossier for people, with its hash and signature. The consented testimony annex is for the handling office only.
/// </summary>
public static class DossiersApi
{
    public const int MaxSites = 50;
    public const int MaxStatementLength = 20_000;
    public const int MaxPeriodDays = 3 * 366;

    public sealed record DossierRequest(string? Regime, IReadOnlyList<Guid>? SiteIds, DateOnly? PeriodFrom, DateOnly? PeriodTo, string? StatementOfReasons, bool? ConsentedTestimony) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.OneOf("regime", Regime, DossierRegime.All);
            if (v.Required("siteIds", SiteIds))
            {
                v.Check(SiteIds!.Count is > 0 and <= MaxSites, "siteIds", $"Give 1 to {MaxSites} sites.");
            }

            if (v.Required("periodFrom", PeriodFrom) & v.Required("periodTo", PeriodTo))
            {
                v.Check(PeriodTo >= PeriodFrom, "periodTo", "Must be on or after periodFrom.");
                v.Check(PeriodTo!.Value.DayNumber - PeriodFrom!.Value.DayNumber <= MaxPeriodDays, "periodTo", "A dossier covers at most three years.");
            }

            v.Check(StatementOfReasons is null || StatementOfReasons.Length <= MaxStatementLength, "statementOfReasons", $"At most {MaxStatementLength} characters.");
        }
    }

    public sealed record DossierSummary(Guid Id, string Regime, IReadOnlyList<Guid> SiteIds, DateOnly PeriodFrom, DateOnly PeriodTo, string Sha256, string KeyId, DateTimeOffset CreatedAt)
    {
        public static DossierSummary From(Dossier d) => new(d.Id, d.Regime, d.SiteIds, d.PeriodFrom, d.PeriodTo, d.Sha256, d.KeyId, d.CreatedAt);
    }

    /// <param name="Dossier">The signed body, parsed; its exact bytes are served by <c>GET /api/v1/dossiers/{id}.json</c>.</param>
    public sealed record DossierView(Guid Id, string Regime, IReadOnlyList<Guid> SiteIds, DateOnly PeriodFrom, DateOnly PeriodTo, string Sha256, string Signature, string KeyId, DateTimeOffset CreatedAt, JsonElement Dossier)
    {
        public static DossierView From(Dossier d) => new(
            d.Id, d.Regime, d.SiteIds, d.PeriodFrom, d.PeriodTo, d.Sha256, d.Signature, d.KeyId, d.CreatedAt, JsonDocument.Parse(d.CanonicalJson).RootElement.Clone());
    }

    public sealed record AnnexItem(string Commitment, string Salt, string Language, string Narrative);

    /// <param name="Missing">Committed cases left out because their worker withdrew consent since (or their words are gone); null when the body holds an aggregate that no longer matches.</param>
    /// <param name="AggregateSalt">When the body holds an aggregate commitment (fewer than 5 cases): its salt, hex, given only when the items match it.</param>
    /// <param name="Note">Why nothing is exported, when the aggregate no longer matches the consenting cases.</param>
    public sealed record TestimonyAnnex(Guid DossierId, string Sha256, IReadOnlyList<AnnexItem> Items, int? Missing, string? AggregateSalt, string? Note);

    public static RouteGroupBuilder MapDossiers(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/dossiers").WithTags("Dossiers").AddEndpointFilter<UnitOfWorkFilter>();
        group.MapPost("/", CreateAsync).RequireAuthorization(Policies.ComplianceAdmin).WithSummary("Make a frozen, signed dossier for CBP, the EU portal or BAFA.");
        group.MapGet("/", ListAsync).RequireAuthorization(Policies.ComplianceAdmin).WithSummary("List dossiers, newest first.");
        group.MapGet("/{id:guid}", GetAsync).RequireAuthorization(Policies.ComplianceAdmin).WithSummary("A dossier in its regime's structure, with its hash and signature.");
        group.MapGet("/{id:guid}.json", CanonicalAsync).RequireAuthorization(Policies.ComplianceAdmin).WithSummary("The exact signed bytes (canonical JSON).");
        group.MapGet("/{id:guid}.html", HtmlAsync).RequireAuthorization(Policies.ComplianceAdmin).WithSummary("The dossier as a printable page.");
        group.MapGet("/{id:guid}.pdf", PdfAsync).RequireAuthorization(Policies.ComplianceAdmin).WithSummary("The dossier's page printed to PDF.");
        group.MapGet("/{id:guid}/testimony", AnnexAsync).RequireAuthorization(Policies.CaseHandler).WithSummary("For the handling office: the consented testimony a dossier commits to, with salts.");
        return group;
    }

    private static async Task<Results<Created<DossierView>, ValidationProblem>> CreateAsync(DossierRequest request, DossierMaker maker, CancellationToken ct)
    {
        var made = await maker.MakeAsync(request, ct);
        return made.Dossier is { } d
            ? TypedResults.Created($"/api/v1/dossiers/{d.Id}", DossierView.From(d))
            : TypedResults.ValidationProblem(made.Missing!, title: "The dossier is not complete for this regime; nothing was written.");
    }

    /// <summary>Newest first; the console's dossier page reads through this too.</summary>
    internal static async Task<Ok<Paged<DossierSummary>>> ListAsync([AsParameters] PageQuery paging, ComplianceDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.Set<Dossier>().AsNoTracking().OrderByDescending(d => d.CreatedAt).ThenBy(d => d.Id).ToPagedAsync(paging, DossierSummary.From, ct));

    private static async Task<Results<Ok<DossierView>, NotFound>> GetAsync(Guid id, ComplianceDbContext db, CancellationToken ct) =>
        await FindAsync(db, id, ct) is { } d ? TypedResults.Ok(DossierView.From(d)) : TypedResults.NotFound();

    private static async Task<IResult> CanonicalAsync(Guid id, ComplianceDbContext db, HttpContext http, CancellationToken ct)
    {
        if (await FindAsync(db, id, ct) is not { } d)
        {
            return TypedResults.NotFound();
        }

        http.Response.Headers["X-Dossier-Sha256"] = d.Sha256;
        http.Response.Headers["X-Dossier-Signature"] = d.Signature;
        http.Response.Headers["X-Dossier-Key-Id"] = d.KeyId;
        return TypedResults.Bytes(System.Text.Encoding.UTF8.GetBytes(d.CanonicalJson), "application/json", $"dossier-{d.Id}.json");
    }

    private static async Task<IResult> HtmlAsync(Guid id, ComplianceDbContext db, TemplateStore templates, CancellationToken ct) =>
        await FindAsync(db, id, ct) is { } d ? TypedResults.Content(Render(templates, d), "text/html; charset=utf-8") : TypedResults.NotFound();

    private static async Task<IResult> PdfAsync(Guid id, ComplianceDbContext db, TemplateStore templates, PdfPrinter printer, CancellationToken ct) =>
        await FindAsync(db, id, ct) is { } d ? await PdfResults.PdfAsync(printer, Render(templates, d), $"dossier-{d.Id}.pdf", ct) : TypedResults.NotFound();

    /// <summary>
    /// The handling office's export: for each case of the dossier's sites and period whose worker consents to
    /// trade-authority now, the narrative (a logged read, DNH-12) with its salt, when its commitment is in the dossier.
    /// A case whose worker withdrew consent since is left out and counted in <c>missing</c>. When the body holds an
    /// aggregate (fewer than 5 cases), the cases and the aggregate's salt are given only while they still match it.
    /// </summary>
    private static async Task<Results<Ok<TestimonyAnnex>, NotFound>> AnnexAsync(Guid id, ComplianceDbContext db, TestimonyReader reader, CancellationToken ct)
    {
        if (await FindAsync(db, id, ct) is not { } d)
        {
            return TypedResults.NotFound();
        }

        var testimony = JsonSerializer.Deserialize<DossierBody>(d.CanonicalJson, CanonicalJson.Options)!.Testimony;
        var (start, end) = DossierEvidence.Months(d.PeriodFrom, d.PeriodTo);
        var cases = await db.Set<Grievance>().AsNoTracking()
            .Where(g => d.SiteIds.Contains(g.SiteId) && !g.HeldForReview && g.ConsentTradeAuthority && g.ReceivedAt >= start && g.ReceivedAt < end)
            .OrderBy(g => g.Id).Select(g => g.Id).ToListAsync(ct);
        // Every case consenting now is opened (each a logged handler read, DNH-12) and kept only if the body commits to it.
        var opened = new List<AnnexItem>();
        foreach (var caseId in cases)
        {
            if (await reader.OpenCommittedForHandlerAsync(caseId, DestinationKinds.TradeAuthority, ct) is { } t)
            {
                opened.Add(new AnnexItem(t.Commitment, t.Salt, t.Language, t.Narrative));
            }
        }

        opened.Sort((x, y) => string.CompareOrdinal(x.Commitment, y.Commitment));
        if (testimony.Aggregate is { } aggregate)
        {
            // Below 5 the body names no case: the export holds only if the cases consenting now are exactly the set
            // the aggregate was made over.
            var salt = reader.DossierAggregateSalt(DossierTestimony.Context(d.Regime, d.SiteIds, d.PeriodFrom, d.PeriodTo));
            return DossierTestimony.Aggregate(salt, opened.Select(i => i.Commitment)) == aggregate
                ? TypedResults.Ok(new TestimonyAnnex(d.Id, d.Sha256, opened, 0, Convert.ToHexStringLower(salt), null))
                : TypedResults.Ok(new TestimonyAnnex(d.Id, d.Sha256, [], null, null, "The cases whose worker consents to trade-authority have changed since this dossier was made, so its aggregate commitment can no longer be matched. Make the dossier again."));
        }

        var committed = testimony.Commitments.ToHashSet(StringComparer.Ordinal);
        var items = opened.Where(i => committed.Contains(i.Commitment)).ToList();
        return TypedResults.Ok(new TestimonyAnnex(d.Id, d.Sha256, items, committed.Count - items.Count, null, null));
    }

    private static Task<Dossier?> FindAsync(ComplianceDbContext db, Guid id, CancellationToken ct) =>
        db.Set<Dossier>().AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct);

    /// <summary>The regime's cover (its own template) inside the shared page that lists every section, fact and source.</summary>
    internal static string Render(TemplateStore templates, Dossier d)
    {
        var body = JsonSerializer.Deserialize<DossierBody>(d.CanonicalJson, CanonicalJson.Options)!;
        var model = new
        {
            Id = d.Id.ToString(),
            CreatedOn = d.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            d.Sha256,
            d.Signature,
            d.KeyId,
            Body = body,
        };
        var cover = templates.Render(DossierRegime.For(d.Regime).Template, model);
        return templates.Render("dossiers/_dossier.html.sbn", new { Dossier = model, Cover = cover });
    }
}
