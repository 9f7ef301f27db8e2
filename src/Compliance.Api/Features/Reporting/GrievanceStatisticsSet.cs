using System.ComponentModel.DataAnnotations;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;


namespace Compliance.Api.Features.Reporting;

/// <summary>
/// One released cell of one unit (site × complete month) for one grouping (<c>Value</c> is the month, category or indicator code): <c>Dimension</c> is <c>month</c> (the
/// unit's total), <c>category</c> or <c>indicator</c>. Computed by the one worker-voice
/// <see cref="StatisticsSuppression.Compute"/> per unit, so a row here is exactly the REST figure for
/// <c>siteId</c> = the site, that month and that <c>groupBy</c>; suppressed cells (fewer than 5) have no row.
/// Counts measure reporting, not prevalence.
/// </summary>
public sealed class GrievanceStatisticsRow
{
    [Key]
    public DateOnly Month { get; set; }

    [Key]
    public Guid SiteId { get; set; }

    [Key]
    public required string Dimension { get; set; }

    [Key]
    public required string Value { get; set; }

    public Guid SupplierId { get; set; }

    public int Count { get; set; }

    public int AcknowledgedOnTime { get; set; }

    public int AcknowledgedLate { get; set; }

    public int AwaitingAcknowledgement { get; set; }
}

/// <summary>Owner, compliance and auditor keys only, as <c>GET /api/v1/grievance-statistics</c>; the last 24 complete months.</summary>
[Authorize(Policy = Policies.TenantReports)]
public sealed class GrievanceStatisticsController(ComplianceDbContext db, TimeProvider clock) : ReportingController<GrievanceStatisticsRow>(db)
{
    public const int MonthsBack = 24;

    protected override IQueryable<GrievanceStatisticsRow> Rows()
    {
        var now = clock.GetUtcNow();
        var (from, to) = GrievanceStatisticsApi.Period(null, null, now, MonthsBack);
        var facts = GrievanceFacts.LoadAsync(Db.Set<Grievance>().AsNoTracking(), from, to, HttpContext.RequestAborted).GetAwaiter().GetResult();
        var rows = new List<GrievanceStatisticsRow>();
        foreach (var unit in facts.GroupBy(f => (f.SiteId, f.SupplierId, f.Month)))
        {
            foreach (var dimension in GrievanceStatisticsApi.GroupBys)
            {
                var (_, cells) = StatisticsSuppression.Compute(
                    unit.Select(f => f.ToRow(dimension, GrievanceFacts.ClockCutoff(now))), GrievanceStatisticsApi.Universe(dimension, unit.Key.Month, unit.Key.Month));
                rows.AddRange(cells.Where(c => c.Count is not null).Select(c => new GrievanceStatisticsRow
                {
                    Month = unit.Key.Month,
                    SiteId = unit.Key.SiteId,
                    SupplierId = unit.Key.SupplierId,
                    Dimension = dimension,
                    Value = c.Key,
                    Count = c.Count!.Value,
                    AcknowledgedOnTime = c.AcknowledgedOnTime ?? 0,
                    AcknowledgedLate = c.AcknowledgedLate ?? 0,
                    AwaitingAcknowledgement = c.AwaitingAcknowledgement ?? 0,
                }));
            }
        }

        return rows.AsQueryable();
    }
}
