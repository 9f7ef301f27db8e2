using System.Globalization;
using Compliance.Api.Features.Reporting;
using Compliance.Api.Features.Risk.Audits;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Domain.Reference;

namespace Compliance.Api.Features.Pages;

/// <summary>
/// The console's read-only pages for auditors (issue #19): audits with their findings and corrective actions, the
/// narrative access log (who read testimony, at day precision, never what: DNH-12, DNH-3), and how to open the OData
/// feed in Excel and Power BI. Read through the API's own handlers, under the policies their endpoints declare.
/// </summary>
public static class AuditorPages
{
    public const string Audits = "/console/audits";
    public const string AccessLog = "/console/access-log";
    public const string OData = "/console/odata";

    /// <summary>Audits per page: each brings its findings and their actions, so fewer than the other lists.</summary>
    private const int AuditsPerPage = 20;

    public static void Map(RouteGroupBuilder pages)
    {
        pages.MapGet("/audits", AuditsAsync).RequireAuthorization(Policies.EmployerRead);
        pages.MapGet("/access-log", AccessLogAsync).RequireAuthorization(Policies.TenantReports);

        // The feed's own policy (ReportingController): every employer-side reader may open it.
        pages.MapGet("/odata", ODataPage).RequireAuthorization(Policies.EmployerRead);
    }

    public sealed record ActionRow(string Description, string DueOn, string Status, string? ClosedOn, string? VerificationNote);

    public sealed record FindingRow(string Indicator, string IndicatorName, string Severity, string Description, string RecordedOn, IReadOnlyList<ActionRow> Actions);

    public sealed record AuditRow(Guid Id, string Site, string AuditorOrganisation, string Kind, string StartedOn, string EndedOn, int WorkersInterviewed, IReadOnlyList<FindingRow> Findings);

    private static async Task<IResult> AuditsAsync(HttpContext http, ComplianceDbContext db, ConsoleStrings t, int? page, CancellationToken ct)
    {
        var paging = new PageQuery(page is > 0 and < 100_000 ? page : 1, AuditsPerPage);
        var audits = PageData.Value(await AuditsApi.ListAsync(paging, new AuditsApi.AuditFilter(null, null, null), db, ct));
        var sites = await PageData.SiteNamesAsync(db, ct);
        var all = new PageQuery(1, PageQuery.MaxPageSize);
        var rows = new List<AuditRow>();
        foreach (var audit in audits.Items)
        {
            var findings = new List<FindingRow>();
            var found = PageData.Value(await AuditsApi.ListFindingsAsync(audit.Id, all, db, ct));
            foreach (var f in found?.Items ?? [])
            {
                var actions = PageData.Value(await CorrectiveActionsApi.ListAsync(f.Id, all, db, ct));
                findings.Add(new FindingRow(
                    f.Indicator,
                    Indicators.Names.GetValueOrDefault(f.Indicator, f.Indicator),
                    f.Severity,
                    f.Description,
                    PageData.Day(f.CreatedAt),
                    [.. (actions?.Items ?? []).Select(a => new ActionRow(
                        a.Description, PageData.Day(a.DueOn), a.Status, a.ClosedOn is { } closed ? PageData.Day(closed) : null, a.VerificationNote))]));
            }

            rows.Add(new AuditRow(
                audit.Id, sites.GetValueOrDefault(audit.SiteId, string.Empty), audit.AuditorOrganisation, audit.Kind, PageData.Day(audit.StartedOn),
                PageData.Day(audit.EndedOn), audit.WorkersInterviewed, findings));
        }

        return ConsoleView.Page(http, t["aud_title"], "auditor/audits", new { Audits = rows, Pager = PageData.Pager(audits, Audits, t) });
    }

    public sealed record AccessRow(string ReadOn, string CaseReference, string Reader, string Office, string Key);

    private static async Task<IResult> AccessLogAsync(HttpContext http, ComplianceDbContext db, ConsoleStrings t, int? page, CancellationToken ct)
    {
        var log = PageData.Value(await NarrativeAccessLogApi.ListAsync(PageData.Paging(page), db, ct));
        var rows = log.Items.Select(a => new AccessRow(
            PageData.Day(a.ReadAt), a.CaseReference, a.ReaderName ?? t["aud_log_system"], a.ReaderOffice ?? string.Empty, a.ApiKeyName ?? string.Empty)).ToList();
        return ConsoleView.Page(http, t["aud_log_title"], "auditor/access-log", new { Reads = rows, Pager = PageData.Pager(log, AccessLog, t) });
    }

    private static IResult ODataPage(HttpContext http, ConsoleStrings t, ReportingModel model)
    {
        var feed = $"{http.Request.Scheme}://{http.Request.Host.Value}/{ReportingModule.RoutePrefix}";
        return ConsoleView.Page(http, t["odata_title"], "auditor/odata", new
        {
            Feed = feed,
            Example = feed + "/Sites",
            PowerQuery = string.Format(CultureInfo.InvariantCulture, "OData.Feed(\"{0}/Sites\", null, [Headers = [Authorization = \"Bearer <key>\"]])", feed),
            Sets = model.Sets.Select(s => new { s.Name, s.TenantReportsOnly }).ToList(),
        });
    }
}
