using System.ComponentModel.DataAnnotations;
using Compliance.Api.Features.Effectiveness;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Microsoft.AspNetCore.Authorization;

namespace Compliance.Api.Features.Reporting;

/// <summary>
/// One released effectiveness figure (issue #21): pre-aggregated and k-suppressed by the one
/// <see cref="EffectivenessSuppression"/>, for every complete month, quarter and year of the last two calendar years,
/// the tenant and each supplier and site (<c>GroupKind</c> <c>tenant</c>, <c>supplier</c>, <c>site</c>; <c>Group</c> is
/// <c>tenant</c> or the supplier's or site's id, never the tenant's own id, which the feed does not carry). A row here is
/// exactly the REST figure of <c>GET /api/v1/effectiveness?period={Period}&amp;groupBy={GroupKind}</c>. <c>$apply</c> is
/// refused on this set: re-aggregating rows is how withheld cells would be rebuilt.
/// </summary>
public sealed class EffectivenessMetricRow
{
    [Key]
    public required string Period { get; set; }

    [Key]
    public required string GroupKind { get; set; }

    [Key]
    public required string Group { get; set; }

    public Guid? SupplierId { get; set; }

    public Guid? SiteId { get; set; }

    [Key]
    public required string Metric { get; set; }

    [Key]
    public required string Key { get; set; }

    public required string Criterion { get; set; }

    public int? Count { get; set; }

    public int? Of { get; set; }

    public decimal? Value { get; set; }
}

/// <summary>Owner, compliance and auditor keys only, as <c>GET /api/v1/effectiveness</c>.</summary>
[Authorize(Policy = Policies.TenantReports)]
public sealed class EffectivenessMetricsController(ComplianceDbContext db, TimeProvider clock) : ReportingController<EffectivenessMetricRow>(db)
{
    protected override IQueryable<EffectivenessMetricRow> Rows() => throw new NotSupportedException("Computed asynchronously: see RowsAsync.");

    protected override async Task<IQueryable<EffectivenessMetricRow>> RowsAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var rows = new List<EffectivenessMetricRow>();
        var periods = Periods(now).ToList();
        if (periods.Count == 0)
        {
            return rows.AsQueryable();
        }

        // One query for the whole window: every period inside it is a choice of whole months.
        var loaded = await EffectivenessFigures.LoadAsync(Db, new EffectivenessPeriod("window", periods.Min(p => p.From), periods.Max(p => p.To)), now, ct);
        foreach (var period in periods)
        {
            foreach (var groupBy in EffectivenessFigures.GroupBys)
            {
                var table = loaded.Table(period, groupBy);
                if (groupBy == EffectivenessFigures.BySupplier)
                {
                    rows.AddRange(RowsOf(period, table.Tenant));
                }

                foreach (var group in table.Groups)
                {
                    rows.AddRange(RowsOf(period, group));
                }
            }
        }

        return rows.AsQueryable();
    }

    /// <summary>Every month, quarter and year of this year and last year with at least one complete month.</summary>
    public static IEnumerable<EffectivenessPeriod> Periods(DateTimeOffset now)
    {
        var year = now.UtcDateTime.Year;
        foreach (var y in new[] { year - 1, year })
        {
            var names = Enumerable.Range(1, 12).Select(m => $"{y}-{m:00}").Concat(Enumerable.Range(1, 4).Select(q => $"{y}-Q{q}")).Append($"{y}");
            foreach (var name in names)
            {
                if (EffectivenessPeriod.Parse(name)!.Complete(now) is { } period)
                {
                    yield return period;
                }
            }
        }
    }

    private static IEnumerable<EffectivenessMetricRow> RowsOf(EffectivenessPeriod period, GroupFigures figures) =>
        figures.Metrics.Where(m => m.Count is not null || m.Value is not null).Select(m => new EffectivenessMetricRow
        {
            Period = period.Name,
            GroupKind = figures.Group.Kind,
            Group = figures.Group.Id?.ToString() ?? figures.Group.Kind,
            SupplierId = figures.Group.Kind == EffectivenessFigures.BySupplier ? figures.Group.Id : null,
            SiteId = figures.Group.Kind == EffectivenessFigures.BySite ? figures.Group.Id : null,
            Metric = m.Metric,
            Key = m.Key ?? string.Empty,
            Criterion = m.Criterion,
            Count = m.Count,
            Of = m.Of,
            Value = m.Value,
        });
}
