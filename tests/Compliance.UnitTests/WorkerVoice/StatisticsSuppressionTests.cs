using Compliance.Api.Features.WorkerVoice;

namespace Compliance.UnitTests.WorkerVoice;

public class StatisticsSuppressionTests
{
    private static readonly DateOnly Nov = new(2026, 11, 1);
    private static readonly DateOnly Dec = new(2026, 12, 1);

    private static IEnumerable<StatisticsRow> Rows(Guid site, DateOnly month, string key, int n, AcknowledgementOutcome outcome = AcknowledgementOutcome.OnTime) =>
        Enumerable.Range(0, n).Select(_ => new StatisticsRow(site, month, [key], outcome));

    [Fact]
    public void Dnh4_AUnitWithASmallCell_ReleasesNoneOfItsBreakdown_SoTheTotalMinusRowsRecoversNothing()
    {
        var site = Guid.NewGuid();
        var rows = Rows(site, Nov, "wages", 7).Concat(Rows(site, Nov, "housing", 2)).ToList();

        var (total, cells) = StatisticsSuppression.Compute(rows, ["wages", "housing"]);

        Assert.Equal(9, total);
        Assert.All(cells, c => Assert.Null(c.Count));
    }

    [Fact]
    public void Dnh4_SmallMultiKeyOverlap_WithholdsTheBreakdown()
    {
        var site = Guid.NewGuid();
        // 10 reports; 2 ticked both boxes: wages 6, deducted 6 → 6 + 6 − 10 = 2 would be derivable.
        var rows = Enumerable.Range(0, 4).Select(_ => new StatisticsRow(site, Nov, ["wages"], AcknowledgementOutcome.OnTime))
            .Concat(Enumerable.Range(0, 4).Select(_ => new StatisticsRow(site, Nov, ["deducted"], AcknowledgementOutcome.OnTime)))
            .Concat(Enumerable.Range(0, 2).Select(_ => new StatisticsRow(site, Nov, ["wages", "deducted"], AcknowledgementOutcome.OnTime)));

        var (_, cells) = StatisticsSuppression.Compute(rows, ["wages", "deducted"]);

        Assert.All(cells, c => Assert.Null(c.Count));
    }

    [Fact]
    public void ClockFigures_AreWithheldWhenAnyPartIsSmall_ButTheCountStays()
    {
        var site = Guid.NewGuid();
        var rows = Rows(site, Nov, "2026-11", 6).Concat(Rows(site, Nov, "2026-11", 1, AcknowledgementOutcome.Late));

        var cell = Assert.Single(StatisticsSuppression.Compute(rows, ["2026-11"]).Cells);

        Assert.Equal(7, cell.Count);
        Assert.Equal(0, cell.AcknowledgedOnTime);
        Assert.Equal(0, cell.AcknowledgedLate);
    }

    /// <summary>
    /// The subtraction attack, exhaustively: for random data, every query over any set of sites and any period
    /// releases, per key, exactly the sum of the unit values that pass the unit rule; so the difference of any two
    /// released figures is a sum of whole units of at least 5 and never a suppressed count.
    /// </summary>
    [Fact]
    public void Dnh4_EveryReleasedFigureIsASumOfWholeUnitsOfAtLeast5_AcrossSitesAndPeriods()
    {
        var random = new Random(4);
        var sites = Enumerable.Range(0, 4).Select(_ => Guid.NewGuid()).ToArray();
        var months = new[] { Nov, Dec, new DateOnly(2027, 1, 1) };
        var keys = new[] { "a", "b", "c" };
        var rows = new List<StatisticsRow>();
        foreach (var site in sites)
        {
            foreach (var month in months)
            {
                foreach (var key in keys)
                {
                    rows.AddRange(Rows(site, month, key, random.Next(0, 9)));
                }
            }
        }

        var unitsReleased = rows.GroupBy(r => (r.SiteId, r.Month)).ToDictionary(
            g => g.Key,
            g => g.Count() >= 5 && g.GroupBy(r => r.Keys[0]).All(k => k.Count() >= 5));

        for (var mask = 1; mask < 1 << sites.Length; mask++)
        {
            for (var from = 0; from < months.Length; from++)
            {
                for (var to = from; to < months.Length; to++)
                {
                    var chosen = rows.Where(r => (mask & (1 << Array.IndexOf(sites, r.SiteId))) != 0 && r.Month >= months[from] && r.Month <= months[to]).ToList();
                    var (_, cells) = StatisticsSuppression.Compute(chosen, keys);
                    foreach (var cell in cells)
                    {
                        var expected = chosen.Where(r => r.Keys[0] == cell.Key && unitsReleased[(r.SiteId, r.Month)]).Count();
                        Assert.Equal(expected == 0 ? null : expected, cell.Count);
                    }
                }
            }
        }

        Assert.Contains(unitsReleased.Values, released => !released);
        Assert.Contains(unitsReleased.Values, released => released);
    }
}
