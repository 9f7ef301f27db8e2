using System.Globalization;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Domain.Reference;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>How a grievance stands against the acknowledgement clock.</summary>
public enum AcknowledgementOutcome
{
    OnTime,
    Late,
    Pending,
}

/// <summary>One grievance as statistics see it: its site, its month and the keys it counts under.</summary>
public sealed record StatisticsRow(Guid SiteId, DateOnly Month, IReadOnlyList<string> Keys, AcknowledgementOutcome Outcome);

/// <summary>One unit (site × month) counted: its grievances and, per key, how many are on time, late and pending (in <see cref="AcknowledgementOutcome"/> order).</summary>
public sealed record UnitCounts(Guid SiteId, DateOnly Month, int Total, IReadOnlyDictionary<string, int[]> Cells);

/// <summary>A released cell. Null means "fewer than the minimum, or none": the two are never told apart.</summary>
public sealed record StatisticsCell(string Key, int? Count, int? AcknowledgedOnTime, int? AcknowledgedLate, int? AwaitingAcknowledgement);

/// <summary>
/// k-anonymous grievance counts (DNH-4). Subtraction across rows, totals, sites, suppliers or overlapping
/// periods is defeated by construction rather than by per-query checks:
/// <list type="number">
/// <item>Every released number is a sum over fixed <em>units</em> (one site × one calendar month). A query
/// filter (site, supplier, period) only chooses which whole units are summed; it never splits one.</item>
/// <item>A unit is used or not by a rule that looks only at the unit itself, so every query sees the same
/// decision: its total needs at least k grievances; its breakdown (by category or indicator) is used only
/// if every non-zero cell has at least k, and the multi-key excess (sum of cells − total) is 0 or at least k,
/// otherwise none of its breakdown is used (complementary suppression of the whole unit); its clock
/// figures are used only if each of on time / late / pending is 0 or at least k.</item>
/// <item>Hence any difference of released numbers is a signed sum of whole-unit values that are each 0 or
/// at least k; a suppressed value never enters any released number, so it cannot be recovered.</item>
/// </list>
/// Only complete months are released, so new filings do not change released numbers between queries.
/// </summary>
public static class StatisticsSuppression
{
    public const int MinimumCellSize = 5;

    public static (int? Total, IReadOnlyList<StatisticsCell> Cells) Compute(IEnumerable<StatisticsRow> rows, IReadOnlyList<string> keys, int k = MinimumCellSize) =>
        Compute(rows.GroupBy(r => (r.SiteId, r.Month)).Select(unit => new UnitCounts(
            unit.Key.SiteId,
            unit.Key.Month,
            unit.Count(),
            unit.SelectMany(r => r.Keys.Select(key => (key, r.Outcome))).GroupBy(x => x.key, StringComparer.Ordinal).ToDictionary(
                g => g.Key, g => Enum.GetValues<AcknowledgementOutcome>().Select(o => g.Count(x => x.Outcome == o)).ToArray(), StringComparer.Ordinal))),
            keys,
            k);

    /// <summary>
    /// The same rule over units already counted (in SQL): memory is bounded by the number of cells, never by the
    /// number of grievances.
    /// </summary>
    public static (int? Total, IReadOnlyList<StatisticsCell> Cells) Compute(IEnumerable<UnitCounts> units, IReadOnlyList<string> keys, int k = MinimumCellSize)
    {
        ArgumentNullException.ThrowIfNull(units);
        var counts = keys.ToDictionary(key => key, _ => new int[4], StringComparer.Ordinal);
        var total = 0;
        foreach (var unit in units)
        {
            if (unit.Total < k)
            {
                continue;
            }

            total += unit.Total;
            var cells = unit.Cells.Where(c => c.Value.Sum() > 0).ToList();
            var excess = cells.Sum(c => c.Value.Sum()) - unit.Total;
            if (cells.Any(c => c.Value.Sum() < k) || (excess > 0 && excess < k))
            {
                continue;
            }

            var clockShown = cells.All(c => c.Value.All(n => Safe(n, k)));
            foreach (var (key, outcomes) in cells)
            {
                if (!counts.TryGetValue(key, out var sums))
                {
                    continue;
                }

                sums[0] += outcomes.Sum();
                if (clockShown)
                {
                    sums[1] += outcomes[(int)AcknowledgementOutcome.OnTime];
                    sums[2] += outcomes[(int)AcknowledgementOutcome.Late];
                    sums[3] += outcomes[(int)AcknowledgementOutcome.Pending];
                }
            }
        }

        var released = keys.Select(key =>
        {
            var s = counts[key];
            return s[0] == 0
                ? new StatisticsCell(key, null, null, null, null)
                : new StatisticsCell(key, s[0], s[1], s[2], s[3]);
        }).ToList();
        return (total == 0 ? null : total, released);
    }

    private static bool Safe(int count, int k) => count == 0 || count >= k;
}

/// <summary>The instant statistics read the clocks at.</summary>
public static class GrievanceFacts
{
    /// <summary>Clock figures are computed as of the end of the last complete day (UTC), so they never move within a day (issue 16, hole 4).</summary>
    public static DateTimeOffset ClockCutoff(DateTimeOffset now) => new(now.UtcDateTime.Date, TimeSpan.Zero);
}

/// <summary>One aggregated row of <see cref="GrievanceUnits"/>: a unit's total (<c>Key</c> null) or one key × outcome count.</summary>
public sealed record GrievanceUnitRow(Guid SiteId, Guid SupplierId, DateOnly Month, string? Key, int Outcome, int Count);

/// <summary>
/// Grievance statistics counted in SQL (issue 16 hole 11): one statement returns, per unit (site × UTC month), its
/// total and its counts per key and clock outcome; nothing per grievance leaves the database. Grievances are keyed by
/// site only, and a site's supplier is the one it has now, read from <c>sites</c> at query time (hole 8): the
/// supplier stored on a grievance when it was filed is never used, so moving a site between suppliers and back
/// cannot split its units. Grievances held for review (hole 7) are left out until a case handler confirms them.
/// </summary>
public static class GrievanceUnits
{
    public static async Task<List<UnitCounts>> CountAsync(
        ComplianceDbContext db, string groupBy, DateOnly from, DateOnly to, Guid? siteId, Guid? supplierId, DateTimeOffset now, CancellationToken ct)
    {
        var rows = await QueryAsync(db, groupBy, from, to, siteId, supplierId, now, ct);
        return ToUnits(rows).Select(u => u.Units).ToList();
    }

    /// <summary>Each unit with its site's current supplier.</summary>
    public static IEnumerable<(Guid SupplierId, UnitCounts Units)> ToUnits(IEnumerable<GrievanceUnitRow> rows) =>
        rows.GroupBy(r => (r.SiteId, r.Month)).Select(unit =>
        {
            var cells = new Dictionary<string, int[]>(StringComparer.Ordinal);
            var total = 0;
            foreach (var r in unit)
            {
                if (r.Key is null)
                {
                    total += r.Count;
                    continue;
                }

                if (!cells.TryGetValue(r.Key, out var outcomes))
                {
                    cells[r.Key] = outcomes = new int[3];
                }

                outcomes[r.Outcome] += r.Count;
            }

            return (unit.First().SupplierId, new UnitCounts(unit.Key.SiteId, unit.Key.Month, total, cells));
        });

    public static Task<List<GrievanceUnitRow>> QueryAsync(
        ComplianceDbContext db, string groupBy, DateOnly from, DateOnly to, Guid? siteId, Guid? supplierId, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(db);
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var asOf = GrievanceFacts.ClockCutoff(now);
        var dimension = groupBy is "category" or "indicator" ? groupBy : "month";
        var filterSite = siteId.HasValue;
        var site = siteId ?? Guid.Empty;
        var filterSupplier = supplierId.HasValue;
        var supplier = supplierId ?? Guid.Empty;

        // Outcome: 0 on time, 1 late, 2 pending (AcknowledgementOutcome), as of the end of the last complete day.
        return db.Database.SqlQuery<GrievanceUnitRow>($"""
            with g as (
              select g.site_id, s.supplier_id,
                     date_trunc('month', g.received_at at time zone 'UTC')::date as month,
                     case {dimension} when 'category' then g.categories when 'indicator' then g.indicators
                          else array[to_char(g.received_at at time zone 'UTC', 'YYYY-MM')] end as keys,
                     case when g.acknowledged_at is not null and g.acknowledged_at < {asOf}
                          then case when g.acknowledged_at <= g.acknowledge_by then 0 else 1 end
                          when g.acknowledge_by < {asOf} then 1 else 2 end as outcome
              from grievances g join sites s on s.id = g.site_id
              where g.received_at >= {start} and g.received_at < {end} and not g.held_for_review
                and (not {filterSite} or g.site_id = {site}) and (not {filterSupplier} or s.supplier_id = {supplier})
            )
            select site_id, supplier_id, month, null::text as key, 0 as outcome, count(*)::int as count
            from g group by site_id, supplier_id, month
            union all
            select site_id, supplier_id, month, k.key, outcome, count(*)::int
            from g cross join lateral unnest(g.keys) as k(key) group by site_id, supplier_id, month, k.key, outcome
            """).ToListAsync(ct);
    }
}

/// <summary><c>GET /api/v1/grievance-statistics</c>: counts and clock compliance, k-suppressed, never testimony.</summary>
public static class GrievanceStatisticsApi
{
    public static readonly IReadOnlyList<string> GroupBys = ["month", "category", "indicator"];

    public sealed record StatisticsQuery(Guid? SiteId, Guid? SupplierId, DateOnly? From, DateOnly? To, string? GroupBy) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.OneOf("groupBy", GroupBy, GroupBys, required: false);
            v.Check(From is null || To is null || From <= To, "from", "Must not be after 'to'.");
        }
    }

    public sealed record StatisticsView(
        string GroupBy,
        DateOnly From,
        DateOnly To,
        int MinimumCellSize,
        int? Total,
        IReadOnlyList<StatisticsCell> Cells,
        string Note);

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/grievance-statistics", GetAsync).WithTags("Grievance statistics")
            .RequireAuthorization(Infrastructure.Auth.Policies.TenantReports).HiddenFrom(Infrastructure.Auth.Roles.Supplier).AddEndpointFilter<UnitOfWorkFilter>()
            .WithSummary("Grievance counts and acknowledgement-clock compliance by month, category or indicator; cells below the tenant's k (at least 5) suppressed.");

    internal static async Task<Ok<StatisticsView>> GetAsync([AsParameters] StatisticsQuery query, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (from, to) = Period(query.From, query.To, now, monthsBack: 12);
        var groupBy = query.GroupBy ?? "month";
        var units = await GrievanceUnits.CountAsync(db, groupBy, from, to, query.SiteId, query.SupplierId, now, ct);
        var k = await WorkerVoiceSettingsApi.MinimumCellSizeAsync(db, ct);
        var (total, cells) = StatisticsSuppression.Compute(units, Universe(groupBy, from, to), k);
        var min = k.ToString(CultureInfo.InvariantCulture);
        return TypedResults.Ok(new StatisticsView(
            groupBy, from, to, k, total, cells,
            $"Counts measure reporting, not prevalence. A null count means fewer than {min} or none. Figures include only site-months " +
            $"whose own cells are all 0 or at least {min}, so they can be lower than the true count. Only complete months are shown."));
    }

    /// <summary>Complete calendar months only: <paramref name="to"/> is capped at the end of last month; <paramref name="from"/> defaults to <paramref name="monthsBack"/> months before.</summary>
    public static (DateOnly From, DateOnly To) Period(DateOnly? from, DateOnly? to, DateTimeOffset now, int monthsBack)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var lastComplete = new DateOnly(today.Year, today.Month, 1).AddDays(-1);
        var end = to is { } t && t < lastComplete ? t : lastComplete;
        end = new DateOnly(end.Year, end.Month, 1).AddMonths(1).AddDays(-1);
        var start = from is { } f ? new DateOnly(f.Year, f.Month, 1) : new DateOnly(end.Year, end.Month, 1).AddMonths(1 - monthsBack);
        return (start, end);
    }

    /// <summary>Every key a grouping can release, so absent and suppressed cells look the same.</summary>
    public static IReadOnlyList<string> Universe(string groupBy, DateOnly from, DateOnly to) => groupBy switch
    {
        "category" => GrievanceCategories.All,
        "indicator" => Indicators.All,
        _ => [.. Months(from, to).Select(MonthKey)],
    };

    public static string MonthKey(DateOnly month) => month.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    private static IEnumerable<DateOnly> Months(DateOnly from, DateOnly to)
    {
        for (var m = new DateOnly(from.Year, from.Month, 1); m <= to; m = m.AddMonths(1))
        {
            yield return m;
        }
    }
}
