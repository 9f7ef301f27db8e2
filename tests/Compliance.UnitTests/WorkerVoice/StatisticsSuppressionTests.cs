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

    private static UnitCounts Unit(int total, params (string Key, int[] Outcomes)[] cells) =>
        new(Guid.NewGuid(), Nov, total, cells.ToDictionary(c => c.Key, c => c.Outcomes, StringComparer.Ordinal));

    [Fact]
    public void AKeyWithNoReportInAUnit_DoesNotCountAsASmallCell()
    {
        var (total, cells) = StatisticsSuppression.Compute([Unit(5, ("wages", [5, 0, 0]), ("housing", [0, 0, 0]))], ["wages", "housing"]);

        Assert.Equal(5, total);
        Assert.Equal(new StatisticsCell("wages", 5, 5, 0, 0), cells[0]);
        Assert.Null(cells[1].Count);
    }

    [Fact]
    public void ACellIsJudgedByItsWholeCount_NotItsLargestClockPart()
    {
        // housing is 5 reports (3 on time, 2 late): a cell of 5, released, while its clock split (2) is not.
        var (_, cells) = StatisticsSuppression.Compute([Unit(5, ("wages", [5, 0, 0]), ("housing", [3, 2, 0]))], ["wages", "housing"]);

        Assert.Equal(new StatisticsCell("wages", 5, 0, 0, 0), cells[0]);
        Assert.Equal(new StatisticsCell("housing", 5, 0, 0, 0), cells[1]);
    }

    [Fact]
    public void AMultiKeyExcessOfExactlyK_IsReleased_OneBelowIsNot()
    {
        var atK = StatisticsSuppression.Compute([Unit(5, ("wages", [5, 0, 0]), ("deducted", [5, 0, 0]))], ["wages", "deducted"]);
        var belowK = StatisticsSuppression.Compute([Unit(6, ("wages", [5, 0, 0]), ("deducted", [5, 0, 0]))], ["wages", "deducted"]);

        Assert.All(atK.Cells, c => Assert.Equal(5, c.Count));
        Assert.All(belowK.Cells, c => Assert.Null(c.Count));
        Assert.Equal(6, belowK.Total);
    }

    [Fact]
    public void ClockFigures_OfReleasedUnits_AddUpPerOutcome()
    {
        var (total, cells) = StatisticsSuppression.Compute(
            [Unit(10, ("2026-11", [5, 5, 0])), Unit(12, ("2026-11", [0, 5, 7]))], ["2026-11"]);

        Assert.Equal(22, total);
        Assert.Equal(new StatisticsCell("2026-11", 22, 5, 10, 7), Assert.Single(cells));
    }

    [Fact]
    public void AUnitBelowK_AddsNothing_NotEvenToTheTotal()
    {
        var (total, cells) = StatisticsSuppression.Compute([Unit(4, ("2026-11", [4, 0, 0])), Unit(5, ("2026-11", [5, 0, 0]))], ["2026-11"]);

        Assert.Equal(5, total);
        Assert.Equal(5, Assert.Single(cells).Count);
    }

    [Fact]
    public void NoUnitReleased_GivesANullTotal_NotZero()
    {
        var (total, cells) = StatisticsSuppression.Compute([Unit(4, ("2026-11", [4, 0, 0]))], ["2026-11"]);

        Assert.Null(total);
        Assert.Null(Assert.Single(cells).Count);
    }

    [Fact]
    public void ToUnits_FoldsSqlRowsIntoUnits_TotalsApartFromKeyCounts_PerOutcome()
    {
        var site = Guid.NewGuid();
        var supplier = Guid.NewGuid();
        GrievanceUnitRow[] rows =
        [
            new(site, supplier, Nov, null, 0, 7),
            new(site, supplier, Nov, "wages", 0, 4),
            new(site, supplier, Nov, "wages", 1, 2),
            new(site, supplier, Nov, "housing", 2, 3),
            new(site, supplier, Dec, null, 0, 1),
            new(site, supplier, Dec, "wages", 2, 1),
        ];

        var units = GrievanceUnits.ToUnits(rows).ToList();

        Assert.Equal(2, units.Count);
        var (supplierId, nov) = units.Single(u => u.Units.Month == Nov);
        Assert.Equal(supplier, supplierId);
        Assert.Equal(7, nov.Total);
        Assert.Equal([4, 2, 0], nov.Cells["wages"]);
        Assert.Equal([0, 0, 3], nov.Cells["housing"]);
        Assert.Equal(1, units.Single(u => u.Units.Month == Dec).Units.Total);
    }

    [Theory]
    [InlineData(null, null, "2025-12-01", "2026-11-30")]
    [InlineData("2026-03-15", "2026-05-02", "2026-03-01", "2026-05-31")]
    [InlineData(null, "2026-11-30", "2025-12-01", "2026-11-30")]
    [InlineData("2026-01-01", "2027-03-01", "2026-01-01", "2026-11-30")]
    public void Period_IsWholeMonths_EndingNoLaterThanLastCompleteMonth(string? from, string? to, string start, string end)
    {
        var now = new DateTimeOffset(2026, 12, 6, 10, 0, 0, TimeSpan.Zero);

        var period = GrievanceStatisticsApi.Period(
            from is null ? null : DateOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture),
            to is null ? null : DateOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture),
            now,
            monthsBack: 12);

        Assert.Equal(DateOnly.Parse(start, System.Globalization.CultureInfo.InvariantCulture), period.From);
        Assert.Equal(DateOnly.Parse(end, System.Globalization.CultureInfo.InvariantCulture), period.To);
    }

    [Fact]
    public void Universe_ByMonth_ListsEveryMonthOfThePeriod()
    {
        Assert.Equal(["2026-09", "2026-10", "2026-11"], GrievanceStatisticsApi.Universe("month", new(2026, 9, 1), new(2026, 11, 30)));
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
