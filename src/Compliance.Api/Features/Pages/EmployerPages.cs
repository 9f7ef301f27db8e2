using System.Globalization;
using System.Text.Json;
using Compliance.Api.Features.Effectiveness;
using Compliance.Api.Features.Enforcement;
using Compliance.Api.Features.Foundation;
using Compliance.Api.Features.Recruitment;
using Compliance.Api.Features.Risk.Assessment;
using Compliance.Api.Features.Risk.Audits;
using Compliance.Api.Features.Risk.Escalations;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Domain.Reference;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Features.Pages;

/// <summary>
/// The console's read-only pages for owners and compliance officers (issue #19): sites by risk level with each level's
/// explanation and history, grievance statistics, escalations with their delivery attempts, overdue corrective actions
/// and remediation per supplier. Every page reads through the API's own handlers (the same queries, the same
/// k-suppression and disclosure) under the policy the API endpoint declares. No page shows testimony, and every date
/// is a day (DNH-3, DNH-4).
/// </summary>
public static class EmployerPages
{
    public const string Sites = "/console/sites";
    public const string Statistics = "/console/statistics";
    public const string Escalations = "/console/escalations";
    public const string CorrectiveActions = "/console/corrective-actions";
    public const string Remediation = "/console/remediation";
    public const string Dossiers = "/console/dossiers";

    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/sites", SitesAsync).RequireAuthorization(Policies.EmployerRead);
        pages.MapGet("/sites/{id:guid}", SiteAsync).RequireAuthorization(Policies.EmployerRead);
        pages.MapGet("/statistics", StatisticsAsync).RequireAuthorization(Policies.TenantReports);
        pages.MapGet("/effectiveness", EffectivenessAsync).RequireAuthorization(Policies.TenantReports);
        pages.MapGet("/escalations", EscalationsAsync).RequireAuthorization(Policies.TenantReports);
        pages.MapGet("/corrective-actions", CorrectiveActionsAsync).RequireAuthorization(Policies.EmployerRead);
        pages.MapGet("/remediation", RemediationAsync).RequireAuthorization(Policies.EmployerRead);
        pages.MapGet("/dossiers", DossiersAsync).RequireAuthorization(Policies.ComplianceAdmin);
    }

    public sealed record SiteRow(Guid Id, string Name, string CountryCode, string Sector, string Supplier, string? Level, string? LevelName, int? Score, string? ModelVersion, string? AssessedOn);

    public sealed record LevelGroup(string? Level, string Heading, IReadOnlyList<SiteRow> Sites);

    private static async Task<IResult> SitesAsync(HttpContext http, ComplianceDbContext db, ConsoleStrings t, IAuthorizationService auth, int? page, CancellationToken ct)
    {
        var paging = PageData.Paging(page);
        var sites = PageData.Value(await SitesApi.ListAsync(paging, new SitesApi.SiteFilter(null, null), db, ct));
        var suppliers = await PageData.SupplierNamesAsync(db, ct);
        var readsRisk = await ReadsRiskAsync(http, auth);
        var levels = readsRisk ? await RiskApi.LatestPerSiteAsync(db, ct) : [];
        var rows = sites.Items.Select(s =>
        {
            var latest = levels.GetValueOrDefault(s.Id);
            return new SiteRow(
                s.Id, s.Name, s.CountryCode, s.Sector, suppliers.GetValueOrDefault(s.SupplierId, string.Empty), latest?.Level,
                latest is null ? null : LevelName(t, latest.Level), latest?.Score, latest?.ModelVersion, latest is null ? null : PageData.Day(latest.AssessedAt));
        }).ToList();

        // Critical first; sites never assessed last, so a reader never mistakes "no assessment" for "low".
        var groups = readsRisk
            ? SvgChart.Levels.Reverse().Append(null)
                .Select(level => new LevelGroup(level, level is null ? t["sites_not_assessed"] : LevelName(t, level), [.. rows.Where(r => r.Level == level)]))
                .Where(g => g.Sites.Count > 0).ToList()
            : [new LevelGroup(null, t["sites_all"], rows)];
        return ConsoleView.Page(http, t["sites_title"], "employer/sites", new
        {
            Groups = groups,
            ReadsRisk = readsRisk,
            Pager = PageData.Pager(sites, Sites, t),
        });
    }

    public sealed record EvidenceLine(
        string Indicator, string IndicatorName, string RuleId, string Measured, string Measure, string Threshold, int Weight, string Strength, int Points,
        string Floor, int Employer, string Worker, int Audit, string Explanation);

    public sealed record DiscrepancyLine(string Code, string Indicator, string IndicatorName, string Explanation);

    public sealed record HistoryRow(string AssessedOn, string Level, string LevelName, int Score, string ModelVersion);

    private static async Task<IResult> SiteAsync(Guid id, HttpContext http, ComplianceDbContext db, ConsoleStrings t, IAuthorizationService auth, CancellationToken ct)
    {
        if (PageData.Value(await SitesApi.GetAsync(id, db, ct)) is not SitesApi.SiteView site)
        {
            return ConsoleView.NotFound(http);
        }

        var suppliers = await PageData.SupplierNamesAsync(db, ct);
        var readsRisk = await ReadsRiskAsync(http, auth);
        RiskApi.AssessmentView? latest = null;
        List<HistoryRow> history = [];
        if (readsRisk)
        {
            latest = PageData.Value(await RiskApi.LatestAsync(id, db, ct));
            var past = PageData.Value(await RiskApi.HistoryAsync(id, new PageQuery(1, PageQuery.MaxPageSize), db, ct));
            history = [.. (past?.Items ?? []).Reverse().Select(a => new HistoryRow(PageData.Day(a.AssessedAt), a.Level, LevelName(t, a.Level), a.Score, a.ModelVersion))];
        }

        var discrepancies = latest is null ? [] : Discrepancies(latest.Discrepancies);
        var levelNames = SvgChart.Levels.ToDictionary(l => l, l => LevelName(t, l), StringComparer.Ordinal);
        var chart = SvgChart.LevelHistory(
            "risk-history",
            string.Format(CultureInfo.InvariantCulture, t["site_chart_title"], site.Name),
            [.. history.Select(h => new SvgChart.LevelPoint(DateOnly.ParseExact(h.AssessedOn, "yyyy-MM-dd", CultureInfo.InvariantCulture), h.Level))],
            t["site_chart_empty"],
            levelNames);
        return ConsoleView.Page(http, site.Name, "employer/site", new
        {
            Site = site,
            Supplier = suppliers.GetValueOrDefault(site.SupplierId, string.Empty),
            ReadsRisk = readsRisk,
            Latest = latest is null ? null : new
            {
                latest.Level,
                LevelName = LevelName(t, latest.Level),
                latest.Score,
                latest.PointsTotal,
                latest.ModelVersion,
                latest.Period,
                Floor = LevelName(t, latest.Floor),
                AssessedOn = PageData.Day(latest.AssessedAt),
            },
            Evidence = latest is null ? [] : Evidence(latest.Evidence, t),
            Discrepancies = discrepancies,
            CleanAuditFlag = discrepancies.Any(d => d.Code == global::Compliance.Domain.Risk.Discrepancies.CleanAuditVsWorkerReports),
            Chart = chart,
            History = history,
        });
    }

    public sealed record StatisticsRow(string Key, string Label, string Count, string OnTime, string Late, string Awaiting);

    public sealed record StatisticsChart(string GroupBy, string Heading, string Chart, IReadOnlyList<StatisticsRow> Rows);

    /// <summary>The statistics page's filters (period, site) from the query string, validated by the API's own rules.</summary>
    private static (GrievanceStatisticsApi.StatisticsQuery Query, IDictionary<string, string[]> Errors) StatisticsFilter(IQueryCollection q)
    {
        var v = new Validator();
        var from = PageData.ParseDay(v, "from", q["from"].ToString());
        var to = PageData.ParseDay(v, "to", q["to"].ToString());
        Guid? site = q["siteId"].ToString() is { Length: > 0 } s ? v.Check(Guid.TryParse(s, out var id), "siteId", "Not a site.") ? id : null : null;
        var query = new GrievanceStatisticsApi.StatisticsQuery(site, null, from, to, null);
        if (v.IsValid)
        {
            query.Validate(v);
        }

        return (query, v.Errors);
    }

    private static async Task<IResult> StatisticsAsync(
        HttpContext http, ComplianceDbContext db, ConsoleStrings t, EffectivenessReviews effectiveness, TimeProvider clock, CancellationToken ct)
    {
        var (filter, errors) = StatisticsFilter(http.Request.Query);
        var siteOptions = (await PageData.SiteNamesAsync(db, ct)).OrderBy(x => x.Value, StringComparer.Ordinal)
            .Select(x => new { Id = x.Key.ToString(), Name = x.Value, Selected = x.Key == filter.SiteId }).ToList();
        if (errors.Count > 0)
        {
            return ConsoleView.Page(http, t["stats_title"], "employer/statistics", new
            {
                Charts = Array.Empty<StatisticsChart>(),
                Errors = errors.Select(e => new { Field = e.Key, Message = string.Join(" ", e.Value) }).ToList(),
                Sites = siteOptions,
                FilterFrom = http.Request.Query["from"].ToString(),
                FilterTo = http.Request.Query["to"].ToString(),
            }, StatusCodes.Status400BadRequest);
        }

        if (filter.SiteId is Guid siteId && siteOptions.All(x => x.Id != siteId.ToString()))
        {
            return ConsoleView.NotFound(http);
        }

        var fewer = t["stats_fewer_than"];
        string Shown(int? count) => count is int n ? n.ToString(CultureInfo.InvariantCulture) : fewer;
        var charts = new List<StatisticsChart>();
        GrievanceStatisticsApi.StatisticsView? any = null;
        foreach (var groupBy in GrievanceStatisticsApi.GroupBys)
        {
            var view = (await GrievanceStatisticsApi.GetAsync(filter with { GroupBy = groupBy }, db, clock, ct)).Value!;
            any = view;
            var rows = view.Cells.Select(c => new StatisticsRow(
                c.Key, Label(groupBy, c.Key), Shown(c.Count), Shown(c.AcknowledgedOnTime), Shown(c.AcknowledgedLate), Shown(c.AwaitingAcknowledgement))).ToList();
            var heading = t[$"stats_by_{groupBy}"];
            var chart = SvgChart.Bars($"stats-{groupBy}", heading, [.. view.Cells.Select(c => new SvgChart.Bar(Label(groupBy, c.Key), c.Count, fewer))], t["stats_empty"]);
            charts.Add(new StatisticsChart(groupBy, heading, chart, rows));
        }

        return ConsoleView.Page(http, t["stats_title"], "employer/statistics", new
        {
            Charts = charts,
            From = PageData.Day(any!.From),
            To = PageData.Day(any.To),
            Total = Shown(any.Total),
            any.MinimumCellSize,
            Effectiveness = await effectiveness.ConsoleSectionAsync(ct),
            Errors = Array.Empty<object>(),
            Sites = siteOptions,
            FilterFrom = http.Request.Query["from"].ToString(),
            FilterTo = http.Request.Query["to"].ToString(),
        });
    }

    /// <summary>The effectiveness review's figures (issue #21), as the REST route and the review release them.</summary>
    private static async Task<IResult> EffectivenessAsync(HttpContext http, ConsoleStrings t, EffectivenessReviews effectiveness, CancellationToken ct) =>
        ConsoleView.Page(http, t["eff_title"], "employer/effectiveness", new { Effectiveness = await effectiveness.ConsoleSectionAsync(ct) });

    public sealed record AttemptRow(int Attempt, string Day, string Status, string? Error);

    public sealed record EscalationRow(string CreatedOn, string Site, string Level, string LevelName, string Subject, string Status, string? DeliveredOn, string ModelVersion, IReadOnlyList<AttemptRow> Attempts);

    private static async Task<IResult> EscalationsAsync(HttpContext http, ComplianceDbContext db, ConsoleStrings t, int? page, CancellationToken ct)
    {
        var escalations = PageData.Value(await EscalationsApi.ListAsync(PageData.Paging(page), new EscalationsApi.EscalationFilter(null, null, null, null), db, ct));
        var attempts = await EscalationsApi.AttemptsOfAsync(db, [.. escalations.Items.Select(e => e.Id)], ct);
        var sites = await PageData.SiteNamesAsync(db, ct);
        var rows = escalations.Items.Select(e => new EscalationRow(
            PageData.Day(e.CreatedAt),
            sites.GetValueOrDefault(e.SiteId, string.Empty),
            e.Level,
            LevelName(t, e.Level),
            e.SubjectKind,
            e.Status,
            e.DeliveredAt is { } delivered ? PageData.Day(delivered) : null,
            e.ModelVersion,
            [.. attempts.GetValueOrDefault(e.Id, []).Select(a => new AttemptRow(
                a.Attempt,
                PageData.Day(a.AttemptedAt),
                a.StatusCode is int code ? string.Format(CultureInfo.InvariantCulture, t["esc_http_status"], code) : t["esc_no_response"],
                a.Error))])).ToList();
        return ConsoleView.Page(http, t["esc_title"], "employer/escalations", new { Escalations = rows, Pager = PageData.Pager(escalations, Escalations, t) });
    }

    public sealed record ActionRow(string DueOn, int DaysOverdue, string Site, string Description, string Status);

    private static async Task<IResult> CorrectiveActionsAsync(HttpContext http, ComplianceDbContext db, ConsoleStrings t, TimeProvider clock, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var overdue = await CorrectiveActionsApi.OverdueAsync(db, today, ct);
        var sites = await PageData.SiteNamesAsync(db, ct);
        var rows = overdue.Select(a => new ActionRow(
            PageData.Day(a.DueOn), today.DayNumber - a.DueOn.DayNumber, sites.GetValueOrDefault(a.SiteId, string.Empty), a.Description, a.Status)).ToList();
        return ConsoleView.Page(http, t["ca_title"], "employer/corrective-actions", new { Actions = rows, Today = PageData.Day(today) });
    }

    public sealed record RemediationRow(string Supplier, string Currency, int WorkersOwed, string Owed, string Reimbursed, string Outstanding, int WorkersOverdue, string? EarliestDueOn);

    private static async Task<IResult> RemediationAsync(
        HttpContext http, ComplianceDbContext db, ConsoleStrings t, TimeProvider clock, IOptions<RecruitmentOptions> options, CancellationToken ct)
    {
        var bySupplier = await RemediationApi.BySupplierAsync(db, options.Value, clock.GetUtcNow(), ct);
        var suppliers = await PageData.SupplierNamesAsync(db, ct);
        var rows = bySupplier
            .Select(r => new RemediationRow(
                suppliers.GetValueOrDefault(r.SupplierId, string.Empty), r.Currency, r.WorkersOwed, Money(r.Owed), Money(r.Reimbursed), Money(r.Outstanding),
                r.WorkersOverdue, r.EarliestDueOn is { } due ? PageData.Day(due) : null))
            .OrderBy(r => r.Supplier, StringComparer.CurrentCulture).ThenBy(r => r.Currency, StringComparer.Ordinal).ToList();
        return ConsoleView.Page(http, t["rem_title"], "employer/remediation", new { Rows = rows });
    }

    public sealed record DossierRow(string Id, string CreatedOn, string Regime, string Sites, string PeriodFrom, string PeriodTo, string Sha256);

    /// <summary>
    /// The tenant's enforcement dossiers (issue #22), newest first, under the API list's policy, each with links to its
    /// page, PDF and signed bytes. Made through the API; the page says how.
    /// </summary>
    private static async Task<IResult> DossiersAsync(HttpContext http, ComplianceDbContext db, ConsoleStrings t, int? page, CancellationToken ct)
    {
        var dossiers = PageData.Value(await DossiersApi.ListAsync(PageData.Paging(page), db, ct));
        var sites = await PageData.SiteNamesAsync(db, ct);
        var rows = dossiers.Items.Select(d => new DossierRow(
            d.Id.ToString(),
            PageData.Day(d.CreatedAt),
            DossierRegime.For(d.Regime).Title,
            string.Join(", ", d.SiteIds.Select(id => sites.GetValueOrDefault(id, string.Empty))),
            PageData.Day(d.PeriodFrom),
            PageData.Day(d.PeriodTo),
            d.Sha256)).ToList();
        return ConsoleView.Page(http, t["dos_title"], "employer/dossiers", new { Dossiers = rows, Pager = PageData.Pager(dossiers, Dossiers, t) });
    }

    /// <summary>Whether this person may read risk assessments: the policy of the API's risk endpoints (suppliers may not).</summary>
    private static async Task<bool> ReadsRiskAsync(HttpContext http, IAuthorizationService auth) =>
        (await auth.AuthorizeAsync(http.User, Policies.TenantReports)).Succeeded;

    internal static string LevelName(ConsoleStrings t, string level) =>
        t.All.TryGetValue("emp_level_" + level, out var name) ? name : level;

    private static string Label(string groupBy, string key) =>
        groupBy == "indicator" && Indicators.Names.TryGetValue(key, out var name) ? $"{key} {name}" : key;

    private static string Money(decimal amount) => amount.ToString("#,0.00", CultureInfo.InvariantCulture);

    private static List<EvidenceLine> Evidence(JsonElement evidence, ConsoleStrings t)
    {
        var lines = new List<EvidenceLine>();
        if (evidence.ValueKind != JsonValueKind.Array)
        {
            return lines;
        }

        foreach (var e in evidence.EnumerateArray())
        {
            var withheld = new Dictionary<string, string>(StringComparer.Ordinal);
            if (e.TryGetProperty("withheld", out var w) && w.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in w.EnumerateArray())
                {
                    withheld[Text(item, "field")] = Text(item, "shown");
                }
            }

            var sources = e.GetProperty("sources");
            var indicator = Text(e, "indicator");
            lines.Add(new EvidenceLine(
                indicator,
                Indicators.Names.GetValueOrDefault(indicator, indicator),
                Text(e, "ruleId"),
                Number(e, "measured") ?? withheld.GetValueOrDefault("measured", t["stats_fewer_than"]),
                Text(e, "measure"),
                Number(e, "threshold") ?? string.Empty,
                e.GetProperty("weight").GetInt32(),
                Text(e, "strength"),
                e.GetProperty("points").GetInt32(),
                LevelName(t, Text(e, "floor")),
                sources.GetProperty("employer").GetInt32(),
                Number(sources, "worker") ?? withheld.GetValueOrDefault("sources.worker", t["stats_fewer_than"]),
                sources.GetProperty("audit").GetInt32(),
                Text(e, "explanation")));
        }

        return lines;
    }

    private static List<DiscrepancyLine> Discrepancies(JsonElement discrepancies) =>
        discrepancies.ValueKind != JsonValueKind.Array
            ? []
            : [.. discrepancies.EnumerateArray().Select(d =>
            {
                var indicator = Text(d, "indicator");
                return new DiscrepancyLine(Text(d, "code"), indicator, Indicators.Names.GetValueOrDefault(indicator, indicator), Text(d, "explanation"));
            })];

    private static string Text(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString()! : string.Empty;

    private static string? Number(JsonElement e, string name) =>
        e.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDecimal().ToString(CultureInfo.InvariantCulture) : null;
}

/// <summary>Helpers the console's read pages share: unwrapping the API's typed results, days, paging, names.</summary>
internal static class PageData
{
    public sealed record PagerView(int Page, int Pages, string? Previous, string? Next, string Text);

    /// <summary>The value of a handler's <see cref="Ok{TValue}"/>; null for its 404.</summary>
    public static T? Value<T>(Results<Ok<T>, NotFound> result)
        where T : class => result.Result is Ok<T> ok ? ok.Value : null;

    public static T Value<T>(Ok<T> result) => result.Value!;

    /// <summary>A day, never a time (DNH-3): the UTC date as yyyy-MM-dd.</summary>
    public static string Day(DateTimeOffset at) => Day(DateOnly.FromDateTime(at.UtcDateTime));

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A day typed into a form or a query (yyyy-MM-dd): null when absent; when unreadable, an error on <paramref name="field"/> and null.</summary>
    public static DateOnly? ParseDay(Validator v, string field, string? text) =>
        string.IsNullOrEmpty(text) ? null
        : v.Check(DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day), field, "A date as yyyy-MM-dd.") ? day : null;

    /// <summary>A page of a console list: the API's largest page size, so most tenants see one page.</summary>
    public static PageQuery Paging(int? page) => new(page is > 0 and < 100_000 ? page : 1, PageQuery.MaxPageSize);

    public static PagerView? Pager<T>(Paged<T> paged, string path, ConsoleStrings t)
    {
        var pages = Math.Max(1, (paged.TotalCount + paged.PageSize - 1) / paged.PageSize);
        if (pages == 1 && paged.Page == 1)
        {
            return null;
        }

        return new PagerView(
            paged.Page,
            pages,
            paged.Page > 1 ? $"{path}?page={(paged.Page - 1).ToString(CultureInfo.InvariantCulture)}" : null,
            paged.Page < pages ? $"{path}?page={(paged.Page + 1).ToString(CultureInfo.InvariantCulture)}" : null,
            string.Format(CultureInfo.InvariantCulture, t["emp_pager_text"], paged.Page, pages));
    }

    /// <summary>Names of every site the caller may see, through the sites API's list.</summary>
    public static Task<Dictionary<Guid, string>> SiteNamesAsync(ComplianceDbContext db, CancellationToken ct) =>
        NamesAsync(async page => Value(await SitesApi.ListAsync(page, new SitesApi.SiteFilter(null, null), db, ct)), s => (s.Id, s.Name));

    /// <summary>Names of every supplier the caller may see, through the suppliers API's list.</summary>
    public static Task<Dictionary<Guid, string>> SupplierNamesAsync(ComplianceDbContext db, CancellationToken ct) =>
        NamesAsync(async page => Value(await SuppliersApi.ListAsync(page, new SuppliersApi.SupplierFilter(null), db, ct)), s => (s.Id, s.Name));

    private static async Task<Dictionary<Guid, string>> NamesAsync<T>(Func<PageQuery, Task<Paged<T>>> list, Func<T, (Guid Id, string Name)> name)
    {
        var names = new Dictionary<Guid, string>();
        for (var page = 1; ; page++)
        {
            var items = await list(new PageQuery(page, PageQuery.MaxPageSize));
            foreach (var (id, text) in items.Items.Select(name))
            {
                names[id] = text;
            }

            if (page * items.PageSize >= items.TotalCount)
            {
                return names;
            }
        }
    }
}
