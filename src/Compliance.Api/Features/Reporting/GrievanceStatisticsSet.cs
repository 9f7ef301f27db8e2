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

    protected override IQueryable<GrievanceStatisticsRow> Rows() => throw new NotSupportedException("Computed asynchronously: see RowsAsync.");

    /// <summary>Counted in SQL per unit (<see cref="GrievanceUnits"/>): memory holds cells, never grievances.</summary>
    protected override async Task<IQueryable<GrievanceStatisticsRow>> RowsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (from, to) = GrievanceStatisticsApi.Period(null, null, now, MonthsBack);
        var rows = new List<GrievanceStatisticsRow>();
        var k = await WorkerVoiceSettingsApi.MinimumCellSizeAsync(Db, ct);
        foreach (var dimension in GrievanceStatisticsApi.GroupBys)
        {
            var counted = await GrievanceUnits.QueryAsync(Db, dimension, from, to, null, null, now, ct);
            foreach (var (supplierId, unit) in GrievanceUnits.ToUnits(counted))
            {
                var (_, cells) = StatisticsSuppression.Compute([unit], GrievanceStatisticsApi.Universe(dimension, unit.Month, unit.Month), k);
                rows.AddRange(cells.Where(c => c.Count is not null).Select(c => new GrievanceStatisticsRow
                {
                    Month = unit.Month,
                    SiteId = unit.SiteId,
                    SupplierId = supplierId,
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
