using System.Globalization;
using System.Text;
using Compliance.Api.Features.Effectiveness;
using Compliance.Api.Features.WorkerVoice;

namespace Compliance.UnitTests.Effectiveness;

/// <summary>
/// The suppression attack on the effectiveness figures (issue #21), the way <c>StatisticsSuppressionTests</c> proves
/// grievance counts: small synthetic tenants of 1 to 12 cases (with remedies and survey answers) over three sites of two
/// suppliers and the three months of a quarter. Every table the product publishes is computed: each month, the quarter
/// and the year, for the tenant, per supplier and per site, every metric.
/// <list type="bullet">
/// <item>Indistinguishability: a tenant whose withheld data (a unit under k, a small share, mix, duration, remedy or
/// answer cell) is changed publishes exactly the same tables, so no combination of published tables, however an
/// attacker subtracts or joins them, can tell the two apart.</item>
/// <item>Subtraction, explicitly: for every pair of published tables where one covers a subset of the other's units
/// (site ⊂ supplier ⊂ tenant, month ⊂ quarter ⊂ year), every difference of counts is 0 or at least k.</item>
/// </list>
/// </summary>
public class EffectivenessSuppressionTests
{
    private const int K = 5;
    private static readonly DateOnly[] Months = [new(2026, 7, 1), new(2026, 8, 1), new(2026, 9, 1)];
    private static readonly Guid[] Sites = [new("00000000-0000-0000-0000-00000000000a"), new("00000000-0000-0000-0000-00000000000b"), new("00000000-0000-0000-0000-00000000000c")];
    private static readonly string[] Channels = ["web", "sms"];
    private static readonly string[] CaseLanguages = ["en", "ne"];
    private static readonly string[] Shares = [.. EffectivenessMetrics.Shares.Keys];

    /// <summary>One synthetic case with everything the figures count of it, and its remedy and survey answer if any.</summary>
    private sealed record Case(
        int Site, int Month, string Channel, string Language, bool[] Shares, int?[] Days,
        string? Remedy, int RemedyMonth, string? Currency, decimal Amount,
        int? Satisfaction, string? Reprisal, int AnswerMonth);

    private static Case RandomCase(Random r)
    {
        var c = new Case(
            r.Next(3), r.Next(3), Channels[r.Next(2)], CaseLanguages[r.Next(2)],
            [.. Shares.Select(_ => r.Next(3) == 0)],
            [.. EffectivenessMetrics.Durations.Select(_ => r.Next(3) == 0 ? (int?)null : r.Next(0, 20))],
            r.Next(2) == 0 ? null : EffectivenessMetrics.RemedyKinds[r.Next(3)], r.Next(3), r.Next(2) == 0 ? "MYR" : null, r.Next(1, 5) * 100m,
            r.Next(2) == 0 ? null : r.Next(1, 6), null, r.Next(3));
        return c.Satisfaction is null ? c : c with { Reprisal = EffectivenessMetrics.ReprisalAnswers[r.Next(3)] };
    }

    /// <summary>What <see cref="EffectivenessFacts"/>' SQL returns for these cases: counts per unit, never a case.</summary>
    private static List<EffectivenessFact> Facts(IReadOnlyList<Case> cases)
    {
        var facts = new List<EffectivenessFact>();
        void Count(int site, int month, string fact, string key, int value = 0, decimal amount = 0) =>
            facts.Add(new EffectivenessFact(Sites[site], Months[month], fact, key, value, 1, amount));

        foreach (var c in cases)
        {
            Count(c.Site, c.Month, EffectivenessFacts.Cases, string.Empty);
            Count(c.Site, c.Month, EffectivenessFacts.Channel, c.Channel);
            Count(c.Site, c.Month, EffectivenessFacts.Language, c.Language);
            for (var i = 0; i < Shares.Length; i++)
            {
                if (c.Shares[i])
                {
                    Count(c.Site, c.Month, EffectivenessFacts.Share, Shares[i]);
                }
            }

            for (var i = 0; i < c.Days.Length; i++)
            {
                if (c.Days[i] is int days)
                {
                    Count(c.Site, c.Month, EffectivenessFacts.Days, EffectivenessMetrics.Durations[i], days);
                }
            }

            if (c.Remedy is not null)
            {
                Count(c.Site, c.RemedyMonth, EffectivenessFacts.Remedy, c.Remedy);
                if (c.Currency is not null)
                {
                    Count(c.Site, c.RemedyMonth, EffectivenessFacts.RemedyMoney, c.Currency, amount: c.Amount);
                }
            }

            if (c.Satisfaction is int s)
            {
                Count(c.Site, c.AnswerMonth, EffectivenessFacts.Satisfaction, s.ToString(CultureInfo.InvariantCulture));
                Count(c.Site, c.AnswerMonth, EffectivenessFacts.Reprisal, c.Reprisal!);
            }
        }

        // SQL groups: one fact per unit, key and value with its count and amount.
        return [.. facts.GroupBy(f => (f.SiteId, f.Month, f.Fact, f.Key, f.Value))
            .Select(g => g.First() with { Count = g.Sum(f => f.Count), Amount = g.Sum(f => f.Amount) })];
    }

    private static readonly EffectivenessGroup Tenant = new("tenant", null, "All", Sites, 40);
    private static readonly EffectivenessGroup[] Groups =
    [
        Tenant,
        new("supplier", Guid.Parse("00000000-0000-0000-0000-0000000000a1"), "A", [Sites[0], Sites[1]], 30),
        new("supplier", Guid.Parse("00000000-0000-0000-0000-0000000000b1"), "B", [Sites[2]], 10),
        new("site", Sites[0], "s0", [Sites[0]], 10),
        new("site", Sites[1], "s1", [Sites[1]], 20),
        new("site", Sites[2], "s2", [Sites[2]], 10),
    ];

    /// <summary>Every published period: each month, the quarter, the year (as month indexes covered).</summary>
    private static readonly (string Name, int[] Months)[] Periods = [("2026-07", [0]), ("2026-08", [1]), ("2026-09", [2]), ("2026-Q3", [0, 1, 2]), ("2026", [0, 1, 2])];

    private static List<(string Period, int[] Months, GroupFigures Figures)> Publish(IReadOnlyList<Case> cases)
    {
        var facts = Facts(cases);
        return [.. Periods.SelectMany(p => Groups.Select(g =>
            (p.Name, p.Months, EffectivenessSuppression.Compute(facts.Where(f => p.Months.Contains(Array.IndexOf(Months, f.Month))), g, K))))];
    }

    private static string Canonical(IReadOnlyList<Case> cases)
    {
        var text = new StringBuilder();
        foreach (var (period, _, figures) in Publish(cases))
        {
            text.Append(CultureInfo.InvariantCulture, $"{period}/{figures.Group.Name} flag={EffectivenessSuppression.ReprisalFlag(figures, K)}\n");
            foreach (var m in figures.Metrics)
            {
                text.Append(CultureInfo.InvariantCulture, $"  {m.Metric}:{m.Key} {m.Count} {m.Of} {m.Value}\n");
            }
        }

        return text.ToString();
    }

    private static IEnumerable<List<Case>> Tenants()
    {
        for (var n = 1; n <= 12; n++)
        {
            var random = new Random(n * 7919);
            for (var i = 0; i < 40; i++)
            {
                yield return [.. Enumerable.Range(0, n).Select(_ => RandomCase(random))];
            }

            // And the tenant whose cases all share one unit, where the small-cell boundary is sharpest.
            yield return [.. Enumerable.Range(0, n).Select(j => RandomCase(random) with { Site = 0, Month = 0, RemedyMonth = 0, AnswerMonth = 0 })];
        }
    }

    private static bool Withheld(int count, int total) => (count is > 0 and < K) || (total - count is > 0 and < K);

    /// <summary>
    /// Changes to withheld data, each of which must leave every published table unchanged: (tenant, index of the
    /// changed case, the case as changed, what was changed).
    /// </summary>
    private static IEnumerable<(List<Case> Changed, string What)> WithheldChanges(List<Case> cases)
    {
        for (var i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            var unit = cases.Where(x => x.Site == c.Site && x.Month == c.Month).ToList();
            List<Case> With(Case changed) => [.. cases.Select((x, j) => j == i ? changed : x)];

            if (unit.Count < K)
            {
                // A unit under k: nothing about its cases counts, not even how many there are.
                yield return (With(c with { Channel = c.Channel == "web" ? "sms" : "web", Language = "en", Shares = [.. c.Shares.Select(s => !s)], Days = [3, null, 40] }), "case in a small unit");
                // Its remedy and answer count in their own units, so only a case without either is taken away.
                if (unit.Count > 1 && c.Remedy is null && c.Satisfaction is null)
                {
                    yield return ([.. cases.Where((_, j) => j != i)], "one case fewer in a small unit");
                }

                if (unit.Count + 1 < K)
                {
                    yield return ([.. cases, c with { Remedy = null, Satisfaction = null, Reprisal = null }], "one case more in a small unit");
                }

                continue;
            }

            for (var s = 0; s < Shares.Length; s++)
            {
                var yes = unit.Count(x => x.Shares[s]);
                var after = yes + (c.Shares[s] ? -1 : 1);
                if (Withheld(yes, unit.Count) && Withheld(after, unit.Count))
                {
                    var flipped = (bool[])c.Shares.Clone();
                    flipped[s] = !flipped[s];
                    yield return (With(c with { Shares = flipped }), $"withheld share {Shares[s]}");
                }
            }

            foreach (var (mix, other) in new[] { ("channel", c.Channel == "web" ? "sms" : "web"), ("language", c.Language == "en" ? "ne" : "en") })
            {
                string Of(Case x) => mix == "channel" ? x.Channel : x.Language;
                var moved = unit.Select(x => ReferenceEquals(x, c) ? (mix == "channel" ? x with { Channel = other } : x with { Language = other }) : x).ToList();
                bool Unsafe(List<Case> u) => u.GroupBy(Of).Any(g => g.Count() < K);
                if (Unsafe(unit) && Unsafe(moved))
                {
                    yield return (With(mix == "channel" ? c with { Channel = other } : c with { Language = other }), $"withheld {mix} mix");
                }
            }

            for (var d = 0; d < c.Days.Length; d++)
            {
                var with = unit.Count(x => x.Days[d] is not null);
                if (Withheld(with, unit.Count) && c.Days[d] is int days)
                {
                    var changed = (int?[])c.Days.Clone();
                    changed[d] = days + 17;
                    yield return (With(c with { Days = changed }), $"withheld {EffectivenessMetrics.Durations[d]} value");
                }
            }
        }

        foreach (var change in WithheldRemediesAndAnswers(cases))
        {
            yield return change;
        }
    }

    private static IEnumerable<(List<Case> Changed, string What)> WithheldRemediesAndAnswers(List<Case> cases)
    {
        for (var i = 0; i < cases.Count; i++)
        {
            var c = cases[i];
            List<Case> With(Case changed) => [.. cases.Select((x, j) => j == i ? changed : x)];
            if (c.Remedy is not null)
            {
                var unit = cases.Where(x => x.Remedy is not null && x.Site == c.Site && x.RemedyMonth == c.RemedyMonth).ToList();
                var other = c with { Remedy = c.Remedy == "other" ? "apology" : "other", Currency = c.Currency is null ? "MYR" : null };
                var after = unit.Select(x => ReferenceEquals(x, c) ? other : x).ToList();
                bool Unsafe(List<Case> u) => u.Count < K || u.GroupBy(x => x.Remedy).Any(g => g.Count() < K);
                if (Unsafe(unit) && Unsafe(after))
                {
                    yield return (With(other), "withheld remedy");
                }

                if (!Unsafe(unit) && unit.GroupBy(x => x.Currency).Any(g => g.Count() < K))
                {
                    yield return (With(c with { Amount = c.Amount + 1234 }), "withheld remedy money");
                }
            }

            if (c.Satisfaction is int score)
            {
                var unit = cases.Where(x => x.Satisfaction is not null && x.Site == c.Site && x.AnswerMonth == c.AnswerMonth).ToList();
                var other = c with { Satisfaction = (score % 5) + 1, Reprisal = c.Reprisal == "yes" ? "no" : "yes" };
                var after = unit.Select(x => ReferenceEquals(x, c) ? other : x).ToList();
                bool Unsafe(List<Case> u) => u.Count < K || (u.GroupBy(x => x.Satisfaction).Any(g => g.Count() < K) && u.GroupBy(x => x.Reprisal).Any(g => g.Count() < K));
                if (Unsafe(unit) && Unsafe(after))
                {
                    yield return (With(other), "withheld survey answer");
                }
            }
        }
    }

    [Fact]
    public void Dnh4_ChangingAnyWithheldValue_LeavesEveryPublishedTableUnchanged_ForTenantsOf1To12Cases()
    {
        var changes = 0;
        var kinds = new HashSet<string>(StringComparer.Ordinal);
        foreach (var tenant in Tenants())
        {
            var published = Canonical(tenant);
            foreach (var (changed, what) in WithheldChanges(tenant))
            {
                Assert.True(published == Canonical(changed), $"A published table changed with withheld data ({what}) in a tenant of {tenant.Count} cases.");
                changes++;
                kinds.Add(what);
            }
        }

        // The attack reached every kind of withheld value, many times.
        Assert.True(changes > 1000, $"Only {changes} withheld changes tried.");
        foreach (var what in new[] { "case in a small unit", "one case fewer in a small unit", "one case more in a small unit", "withheld share reopened", "withheld channel mix", "withheld language mix", "withheld days-to-close value", "withheld remedy", "withheld survey answer" })
        {
            Assert.Contains(what, kinds);
        }
    }

    [Fact]
    public void Dnh4_EveryDifferenceOfNestedPublishedCounts_IsZeroOrAtLeastK_ForTenantsOf1To12Cases()
    {
        var released = 0;
        foreach (var tenant in Tenants())
        {
            var tables = Publish(tenant);
            foreach (var (periodA, monthsA, a) in tables)
            {
                foreach (var (periodB, monthsB, b) in tables)
                {
                    var nested = monthsB.All(monthsA.Contains) && b.Group.SiteIds.All(a.Group.SiteIds.Contains);
                    if (!nested)
                    {
                        continue;
                    }

                    foreach (var m in a.Metrics.Where(m => m.Metric is not (EffectivenessMetrics.SitesWithNoReport or EffectivenessMetrics.RemedyAmount or EffectivenessMetrics.ReportsPer100Workers)))
                    {
                        var n = b.Find(m.Metric, m.Key);
                        foreach (var (x, y) in new[] { (m.Count, n?.Count), (m.Of - m.Count, n?.Of - n?.Count), (m.Of, n?.Of) })
                        {
                            var difference = (x ?? 0) - (y ?? 0);
                            Assert.True(
                                difference == 0 || difference >= K,
                                $"{periodA}/{a.Group.Name} − {periodB}/{b.Group.Name}: {m.Metric}:{m.Key} differs by {difference} in a tenant of {tenant.Count} cases.");
                            released += x is > 0 ? 1 : 0;
                        }
                    }
                }
            }
        }

        Assert.True(released > 0);
    }

    [Fact]
    public void AUnitOfExactlyK_IsReleased_WithItsShares_Durations_AndMixes()
    {
        var cases = Enumerable.Range(0, K).Select(i => new Case(
            0, 0, "web", "ne", [.. Shares.Select(s => s == EffectivenessMetrics.AcknowledgedOnTime)], [i, i * 2, null], null, 0, null, 0, 5, "yes", 0)).ToList();
        var figures = EffectivenessSuppression.Compute(Facts(cases), Tenant, K);

        Assert.Equal(K, figures.Find(EffectivenessMetrics.Reports)!.Count);
        Assert.Equal(100m, figures.Find(EffectivenessMetrics.AcknowledgedOnTime)!.Value);
        Assert.Equal(0, figures.Find(EffectivenessMetrics.Reopened)!.Count);
        Assert.Equal(2, figures.Find(EffectivenessMetrics.DaysToAcknowledge, "median")!.Value);
        Assert.Equal(4, figures.Find(EffectivenessMetrics.DaysToAcknowledge, "p90")!.Value);
        Assert.Null(figures.Find(EffectivenessMetrics.DaysToClose, "median")!.Count);
        Assert.Equal(K, figures.Find(EffectivenessMetrics.Language, "ne")!.Count);
        Assert.Equal(K, figures.Find(EffectivenessMetrics.Reprisal, "yes")!.Count);
        Assert.True(EffectivenessSuppression.ReprisalFlag(figures, K));
        Assert.Equal(12.5m, figures.Find(EffectivenessMetrics.ReportsPer100Workers)!.Value);

        var fewer = EffectivenessSuppression.Compute(Facts(cases.Skip(1).ToList()), Tenant, K);
        Assert.Null(fewer.Find(EffectivenessMetrics.Reports)!.Count);
        Assert.False(EffectivenessSuppression.ReprisalFlag(fewer, K));
        Assert.Equal(3, fewer.Find(EffectivenessMetrics.SitesWithNoReport)!.Count);
    }

    [Theory]
    [InlineData(new[] { 1 }, 1, 1)]
    [InlineData(new[] { 1, 2, 3, 4, 5 }, 3, 5)]
    [InlineData(new[] { 1, 2, 3, 4, 5, 6 }, 3, 6)]
    [InlineData(new[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 30 }, 0, 0)]
    [InlineData(new[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 30, 31 }, 0, 30)]
    public void Percentile_IsTheNearestRank(int[] days, int median, int p90)
    {
        var histogram = days.GroupBy(d => d).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(median, EffectivenessSuppression.Percentile(histogram, 0.5m));
        Assert.Equal(p90, EffectivenessSuppression.Percentile(histogram, 0.9m));
    }

    [Theory]
    [InlineData("2026-11", "2026-11-01", "2026-12-01")]
    [InlineData("2026-Q3", "2026-07-01", "2026-10-01")]
    [InlineData("2026-Q4", "2026-10-01", "2027-01-01")]
    [InlineData("2026", "2026-01-01", "2027-01-01")]
    public void Period_ParsesTheThreeFixedForms(string text, string from, string to)
    {
        var period = EffectivenessPeriod.Parse(text)!;
        Assert.Equal(DateOnly.Parse(from, CultureInfo.InvariantCulture), period.From);
        Assert.Equal(DateOnly.Parse(to, CultureInfo.InvariantCulture), period.To);
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("2026-Q5")]
    [InlineData("2026-11-01")]
    [InlineData("2026-11..2026-12")]
    [InlineData("1999")]
    [InlineData("")]
    public void Period_RefusesAnythingElse(string text) => Assert.Null(EffectivenessPeriod.Parse(text));

    [Fact]
    public void Period_CountsCompleteMonthsOnly()
    {
        var now = new DateTimeOffset(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);
        Assert.Equal(new DateOnly(2026, 11, 1), EffectivenessPeriod.Parse("2026-Q4")!.Complete(now)!.To);
        Assert.Null(EffectivenessPeriod.Parse("2026-11")!.Complete(now));
        Assert.Null(EffectivenessPeriod.Parse("2027")!.Complete(now));
    }
}
