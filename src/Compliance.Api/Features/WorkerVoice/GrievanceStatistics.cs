using System.Globalization;
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

    public static (int? Total, IReadOnlyList<StatisticsCell> Cells) Compute(IEnumerable<StatisticsRow> rows, IReadOnlyList<string> keys, int k = MinimumCellSize)
    {
        var counts = keys.ToDictionary(key => key, _ => new int[4], StringComparer.Ordinal);
        var total = 0;
        foreach (var unit in rows.GroupBy(r => (r.SiteId, r.Month)))
        {
            var members = unit.ToList();
            if (members.Count < k)
            {
                continue;
            }

            total += members.Count;
            var cells = members.SelectMany(r => r.Keys.Select(key => (key, r.Outcome))).GroupBy(x => x.key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Select(x => x.Outcome).ToList(), StringComparer.Ordinal);
            var excess = cells.Values.Sum(c => c.Count) - members.Count;
            if (cells.Values.Any(c => c.Count < k) || excess is > 0 and < MinimumCellSize)
            {
                continue;
            }

            var clockShown = cells.Values.All(c => Enum.GetValues<AcknowledgementOutcome>().All(o => Safe(c.Count(x => x == o), k)));
            foreach (var (key, outcomes) in cells)
            {
                if (!counts.TryGetValue(key, out var sums))
                {
                    continue;
                }

                sums[0] += outcomes.Count;
                if (clockShown)
                {
                    sums[1] += outcomes.Count(o => o == AcknowledgementOutcome.OnTime);
                    sums[2] += outcomes.Count(o => o == AcknowledgementOutcome.Late);
                    sums[3] += outcomes.Count(o => o == AcknowledgementOutcome.Pending);
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

/// <summary>What statistics read of one grievance: never text, only its unit (site, month), keys and clock.</summary>
public sealed record GrievanceFacts(Guid SiteId, Guid SupplierId, DateTimeOffset ReceivedAt, string[] Categories, string[] Indicators, DateTimeOffset? AcknowledgedAt, DateTimeOffset AcknowledgeBy)
{
    public DateOnly Month => new(ReceivedAt.UtcDateTime.Year, ReceivedAt.UtcDateTime.Month, 1);

    /// <summary>The grievances received in the complete months <paramref name="from"/>..<paramref name="to"/>.</summary>
    public static Task<List<GrievanceFacts>> LoadAsync(IQueryable<Grievance> grievances, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        return grievances.Where(g => g.ReceivedAt >= start && g.ReceivedAt < end)
            .Select(g => new GrievanceFacts(g.SiteId, g.SupplierId, g.ReceivedAt, g.Categories, g.Indicators, g.AcknowledgedAt, g.AcknowledgeBy))
            .ToListAsync(ct);
    }

    /// <summary>Clock figures are computed as of the end of the last complete day (UTC), so they never move within a day (issue 16, hole 4).</summary>
    public static DateTimeOffset ClockCutoff(DateTimeOffset now) => new(now.UtcDateTime.Date, TimeSpan.Zero);

    /// <param name="asOf">The end of the last complete day (<see cref="ClockCutoff"/>).</param>
    public StatisticsRow ToRow(string groupBy, DateTimeOffset asOf)
    {
        IReadOnlyList<string> keys = groupBy switch
        {
            "category" => Categories,
            "indicator" => Indicators,
            _ => [GrievanceStatisticsApi.MonthKey(Month)],
        };
        var outcome = AcknowledgedAt is { } at && at < asOf
            ? (at <= AcknowledgeBy ? AcknowledgementOutcome.OnTime : AcknowledgementOutcome.Late)
            : (AcknowledgeBy < asOf ? AcknowledgementOutcome.Late : AcknowledgementOutcome.Pending);
        return new StatisticsRow(SiteId, Month, keys, outcome);
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
            .RequireAuthorization(Infrastructure.Auth.Policies.TenantReports).AddEndpointFilter<UnitOfWorkFilter>()
            .WithSummary("Grievance counts and acknowledgement-clock compliance by month, category or indicator; cells below 5 suppressed.");

    private static async Task<Ok<StatisticsView>> GetAsync([AsParameters] StatisticsQuery query, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (from, to) = Period(query.From, query.To, now, monthsBack: 12);
        var groupBy = query.GroupBy ?? "month";
        var grievances = db.Set<Grievance>().AsNoTracking();
        if (query.SiteId is Guid siteId)
        {
            grievances = grievances.Where(g => g.SiteId == siteId);
        }

        if (query.SupplierId is Guid supplierId)
        {
            grievances = grievances.Where(g => g.SupplierId == supplierId);
        }

        var facts = await GrievanceFacts.LoadAsync(grievances, from, to, ct);
        var (total, cells) = StatisticsSuppression.Compute(facts.Select(g => g.ToRow(groupBy, GrievanceFacts.ClockCutoff(now))), Universe(groupBy, from, to));
        return TypedResults.Ok(new StatisticsView(
            groupBy, from, to, StatisticsSuppression.MinimumCellSize, total, cells,
            "Counts measure reporting, not prevalence. A null count means fewer than 5 or none. Figures include only site-months " +
            "whose own cells are all 0 or at least 5, so they can be lower than the true count. Only complete months are shown."));
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
