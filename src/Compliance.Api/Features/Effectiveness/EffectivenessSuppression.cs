using System.Globalization;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Domain.Reference;

namespace Compliance.Api.Features.Effectiveness;

/// <summary>
/// One count of one unit (a site × a calendar month), as SQL returns it (<see cref="EffectivenessFacts"/>): nothing per
/// case leaves the database. <see cref="Fact"/> names what is counted (see <see cref="EffectivenessFacts"/>' constants),
/// <see cref="Key"/> which part (a channel, a metric, a remedy kind…), <see cref="Value"/> a number of days for
/// durations, <see cref="Amount"/> the money of remedies.
/// </summary>
public sealed record EffectivenessFact(Guid SiteId, DateOnly Month, string Fact, string Key, int Value, int Count, decimal Amount);

/// <summary>One released figure. Null <see cref="Count"/> means "fewer than k, or none": the two are never told apart.</summary>
/// <param name="Count">The count (cases, answers, remedies, sites), or the number of cases behind a duration.</param>
/// <param name="Of">The denominator of a share, a mix or a rate, when there is one.</param>
/// <param name="Value">A percentage (shares), days (durations), a rate per 100 workers, a mean, or an amount of money.</param>
public sealed record MetricValue(string Criterion, string Metric, string? Key, int? Count, int? Of, decimal? Value);

/// <summary>A row of a table: the tenant, one supplier or one site, with the sites it covers and their recorded workers.</summary>
public sealed record EffectivenessGroup(string Kind, Guid? Id, string Name, IReadOnlyList<Guid> SiteIds, int Workers);

/// <summary>The figures of one group over one period.</summary>
public sealed record GroupFigures(EffectivenessGroup Group, IReadOnlyList<MetricValue> Metrics)
{
    public MetricValue? Find(string metric, string? key = null) => Metrics.FirstOrDefault(m => m.Metric == metric && m.Key == key);
}

/// <summary>
/// The metrics of the effectiveness review (issue #21) and the UNGP 31 criterion each serves (our mapping, see
/// docs/worker-voice.md).
/// </summary>
public static class EffectivenessMetrics
{
    public const string Accessible = "accessible";
    public const string Predictable = "predictable";
    public const string Transparent = "transparent";
    public const string Engagement = "engagement-and-dialogue";
    public const string Equitable = "equitable";
    public const string RightsCompatible = "rights-compatible";
    public const string Legitimate = "legitimate";
    public const string ContinuousLearning = "continuous-learning";

    public static readonly IReadOnlyList<string> Criteria = [Accessible, Predictable, Transparent, Engagement, Equitable, RightsCompatible, Legitimate, ContinuousLearning];

    public const string Reports = "reports";
    public const string ReportsPer100Workers = "reports-per-100-workers";
    public const string SitesWithNoReport = "sites-with-no-report";
    public const string Channel = "channel";
    public const string Language = "language";
    public const string DaysToAcknowledge = "days-to-acknowledge";
    public const string DaysToFirstReply = "days-to-first-reply";
    public const string DaysToClose = "days-to-close";
    public const string AcknowledgedOnTime = "acknowledged-on-time";
    public const string FeedbackWithin3Months = "feedback-within-3-months";
    public const string ReplySeen = "reply-seen";
    public const string ReceiptUsedAgain = "receipt-used-again";
    public const string WorkerWroteAgain = "worker-wrote-again";
    public const string OwnLanguage = "own-language";
    public const string ReferredNgo = "referred-ngo";
    public const string EscalatedOrReferred = "escalated-or-referred";
    public const string Remedies = "remedies";
    public const string RemedyAmount = "remedy-amount";
    public const string SurveyAnswers = "survey-answers";
    public const string Satisfaction = "satisfaction";
    public const string SatisfactionMean = "satisfaction-mean";
    public const string Reprisal = "reprisal";
    public const string RepeatIndicator = "repeat-indicator";
    public const string Reopened = "reopened";

    /// <summary>Shares of the period's cases: a numerator counted per unit, the unit's cases the denominator.</summary>
    public static readonly IReadOnlyDictionary<string, string> Shares = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        [AcknowledgedOnTime] = Predictable,
        [FeedbackWithin3Months] = Predictable,
        [ReplySeen] = Transparent,
        [ReceiptUsedAgain] = Transparent,
        [WorkerWroteAgain] = Engagement,
        [OwnLanguage] = Equitable,
        [ReferredNgo] = Equitable,
        [EscalatedOrReferred] = RightsCompatible,
        [RepeatIndicator] = ContinuousLearning,
        [Reopened] = ContinuousLearning,
    };

    public static readonly IReadOnlyList<string> Durations = [DaysToAcknowledge, DaysToFirstReply, DaysToClose];

    public static readonly IReadOnlyList<string> RemedyKinds = ["fee-reimbursed", "passport-returned", "wages-paid", "contract-corrected", "apology", "policy-change", "other"];

    public static readonly IReadOnlyList<string> ReprisalAnswers = ["yes", "no", "prefer-not-to-say"];

    public static readonly IReadOnlyList<string> SatisfactionScores = ["1", "2", "3", "4", "5"];

    /// <summary>Every metric, in the order tables and the review show them, with its criterion.</summary>
    public static readonly IReadOnlyList<(string Metric, string Criterion)> All =
    [
        (Reports, Accessible), (ReportsPer100Workers, Accessible), (SitesWithNoReport, Accessible), (Channel, Accessible), (Language, Accessible),
        (DaysToAcknowledge, Predictable), (DaysToFirstReply, Predictable), (DaysToClose, Predictable), (AcknowledgedOnTime, Predictable), (FeedbackWithin3Months, Predictable),
        (ReplySeen, Transparent), (ReceiptUsedAgain, Transparent),
        (WorkerWroteAgain, Engagement),
        (OwnLanguage, Equitable), (ReferredNgo, Equitable),
        (EscalatedOrReferred, RightsCompatible), (Remedies, RightsCompatible), (RemedyAmount, RightsCompatible),
        (SurveyAnswers, Legitimate), (Satisfaction, Legitimate), (SatisfactionMean, Legitimate), (Reprisal, Legitimate),
        (RepeatIndicator, ContinuousLearning), (Reopened, ContinuousLearning),
    ];

    public static string CriterionOf(string metric) => All.First(m => m.Metric == metric).Criterion;
}

/// <summary>
/// k-anonymous effectiveness figures (DNH-4), by the rule <see cref="StatisticsSuppression"/> proved for grievance
/// counts, extended to every figure of the review:
/// <list type="number">
/// <item>Every figure is computed from fixed <em>units</em>: one site × one calendar month (of receipt for cases, of
/// recording for remedies, of answering for the survey). A period (month, quarter, year) and a grouping (tenant,
/// supplier, site) only choose whole units.</item>
/// <item>Each unit is used or not by a rule that looks at the unit alone, so every table, period and grouping sees
/// the same decision. A unit's cases count only if there are at least k. A mix (channels, languages, remedy kinds,
/// currencies, satisfaction scores, reprisal answers) is used only if each of its non-zero cells has at least k. A
/// share is used only if both the cases counted and the cases not counted are 0 or at least k; a duration only if the
/// cases with a value and those without are each 0 or at least k.</item>
/// <item>So a withheld value never enters any released figure (sum, share, median, mean, rate, flag) and cannot be
/// rebuilt by subtraction across rows, totals, tables or overlapping periods; the suppression test proves this by
/// changing withheld values and finding every published table unchanged.</item>
/// </list>
/// </summary>
public static class EffectivenessSuppression
{
    /// <summary>The figures of one group from the facts of its period (facts of other sites are ignored).</summary>
    public static GroupFigures Compute(IEnumerable<EffectivenessFact> facts, EffectivenessGroup group, int k)
    {
        ArgumentNullException.ThrowIfNull(group);
        var sites = group.SiteIds.ToHashSet();
        var sums = new Sums();
        foreach (var unit in facts.Where(f => sites.Contains(f.SiteId)).GroupBy(f => (f.SiteId, f.Month)))
        {
            AddCases(sums, unit.Key.SiteId, [.. unit], k);
            AddRemedies(sums, [.. unit], k);
            AddSurvey(sums, [.. unit], k);
        }

        return new GroupFigures(group, Publish(sums, group));
    }

    /// <summary>True when the released reprisal "yes" answers of the tenant reach k: the dashboard's flag.</summary>
    public static bool ReprisalFlag(GroupFigures tenant, int k) => tenant.Find(EffectivenessMetrics.Reprisal, "yes")?.Count >= k;

    private static bool Safe(int count, int k) => count == 0 || count >= k;

    private static bool MixSafe(IEnumerable<int> cells, int k) => cells.All(c => Safe(c, k));

    private sealed class Sums
    {
        public int Reports;
        public readonly Dictionary<Guid, int> PerSite = [];
        public readonly Dictionary<string, Dictionary<string, int>> Mixes = new(StringComparer.Ordinal);
        public readonly Dictionary<string, int> MixTotals = new(StringComparer.Ordinal);
        public readonly Dictionary<string, (int Yes, int Of)> Shares = new(StringComparer.Ordinal);
        public readonly Dictionary<string, Dictionary<int, int>> Days = new(StringComparer.Ordinal);
        public readonly Dictionary<string, decimal> Money = new(StringComparer.Ordinal);
        public int Answers;

        public void AddMix(string mix, IEnumerable<(string Key, int Count)> cells, int total)
        {
            if (!Mixes.TryGetValue(mix, out var sums))
            {
                Mixes[mix] = sums = new Dictionary<string, int>(StringComparer.Ordinal);
            }

            foreach (var (key, count) in cells)
            {
                sums[key] = sums.GetValueOrDefault(key) + count;
            }

            MixTotals[mix] = MixTotals.GetValueOrDefault(mix) + total;
        }
    }

    private static void AddCases(Sums sums, Guid site, List<EffectivenessFact> unit, int k)
    {
        var cases = unit.Where(f => f.Fact == EffectivenessFacts.Cases).Sum(f => f.Count);
        if (cases < k)
        {
            return;
        }

        sums.Reports += cases;
        sums.PerSite[site] = sums.PerSite.GetValueOrDefault(site) + cases;
        foreach (var mix in new[] { EffectivenessFacts.Channel, EffectivenessFacts.Language })
        {
            var cells = unit.Where(f => f.Fact == mix).Select(f => (f.Key, f.Count)).ToList();
            if (MixSafe(cells.Select(c => c.Count), k))
            {
                sums.AddMix(mix, cells, cases);
            }
        }

        foreach (var share in EffectivenessMetrics.Shares.Keys)
        {
            var yes = unit.Where(f => f.Fact == EffectivenessFacts.Share && f.Key == share).Sum(f => f.Count);
            if (Safe(yes, k) && Safe(cases - yes, k))
            {
                var (y, of) = sums.Shares.GetValueOrDefault(share);
                sums.Shares[share] = (y + yes, of + cases);
            }
        }

        foreach (var duration in EffectivenessMetrics.Durations)
        {
            var values = unit.Where(f => f.Fact == EffectivenessFacts.Days && f.Key == duration).ToList();
            var with = values.Sum(f => f.Count);
            if (!Safe(with, k) || !Safe(cases - with, k))
            {
                continue;
            }

            if (!sums.Days.TryGetValue(duration, out var histogram))
            {
                sums.Days[duration] = histogram = [];
            }

            foreach (var v in values)
            {
                histogram[v.Value] = histogram.GetValueOrDefault(v.Value) + v.Count;
            }
        }
    }

    private static void AddRemedies(Sums sums, List<EffectivenessFact> unit, int k)
    {
        var kinds = unit.Where(f => f.Fact == EffectivenessFacts.Remedy).Select(f => (f.Key, f.Count)).ToList();
        var total = kinds.Sum(c => c.Count);
        if (total < k || !MixSafe(kinds.Select(c => c.Count), k))
        {
            return;
        }

        sums.AddMix(EffectivenessMetrics.Remedies, kinds, total);

        // Money by currency, with the remedies without money as one more cell, so none is left to subtraction.
        var money = unit.Where(f => f.Fact == EffectivenessFacts.RemedyMoney).ToList();
        var withoutMoney = total - money.Sum(f => f.Count);
        if (MixSafe(money.Select(f => f.Count).Append(withoutMoney), k))
        {
            sums.AddMix(EffectivenessMetrics.RemedyAmount, money.Select(f => (f.Key, f.Count)), total);
            foreach (var m in money)
            {
                sums.Money[m.Key] = sums.Money.GetValueOrDefault(m.Key) + m.Amount;
            }
        }
    }

    private static void AddSurvey(Sums sums, List<EffectivenessFact> unit, int k)
    {
        var scores = unit.Where(f => f.Fact == EffectivenessFacts.Satisfaction).Select(f => (f.Key, f.Count)).ToList();
        var answers = scores.Sum(c => c.Count);
        if (answers < k)
        {
            return;
        }

        sums.Answers += answers;
        if (MixSafe(scores.Select(c => c.Count), k))
        {
            sums.AddMix(EffectivenessMetrics.Satisfaction, scores, answers);
        }

        var reprisal = unit.Where(f => f.Fact == EffectivenessFacts.Reprisal).Select(f => (f.Key, f.Count)).ToList();
        if (MixSafe(reprisal.Select(c => c.Count), k))
        {
            sums.AddMix(EffectivenessMetrics.Reprisal, reprisal, answers);
        }
    }

    private static List<MetricValue> Publish(Sums sums, EffectivenessGroup group)
    {
        int? Released(int n) => n == 0 ? null : n;
        decimal Percent(int part, int whole) => Math.Round(100m * part / whole, 1, MidpointRounding.AwayFromZero);
        var metrics = new List<MetricValue>();
        void Add(string metric, string? key, int? count, int? of, decimal? value) =>
            metrics.Add(new MetricValue(EffectivenessMetrics.CriterionOf(metric), metric, key, count, of, value));

        void Mix(string metric, string fact, IEnumerable<string> keys)
        {
            var cells = sums.Mixes.GetValueOrDefault(fact);
            var of = sums.MixTotals.GetValueOrDefault(fact);
            foreach (var key in keys)
            {
                var count = cells?.GetValueOrDefault(key) ?? 0;
                Add(metric, key, Released(count), Released(of), count == 0 ? null : Percent(count, of));
            }
        }

        Add(EffectivenessMetrics.Reports, null, Released(sums.Reports), null, null);
        Add(EffectivenessMetrics.ReportsPer100Workers, null, Released(sums.Reports), group.Workers == 0 ? null : group.Workers,
            sums.Reports == 0 || group.Workers == 0 ? null : Math.Round(100m * sums.Reports / group.Workers, 1, MidpointRounding.AwayFromZero));
        Add(EffectivenessMetrics.SitesWithNoReport, null, group.SiteIds.Count(s => sums.PerSite.GetValueOrDefault(s) == 0), group.SiteIds.Count, null);
        Mix(EffectivenessMetrics.Channel, EffectivenessFacts.Channel, ReportChannels.All);
        Mix(EffectivenessMetrics.Language, EffectivenessFacts.Language, Languages.Supported);
        foreach (var duration in EffectivenessMetrics.Durations)
        {
            var histogram = sums.Days.GetValueOrDefault(duration);
            var n = histogram?.Values.Sum() ?? 0;
            Add(duration, "median", Released(n), null, n == 0 ? null : Percentile(histogram!, 0.5m));
            Add(duration, "p90", Released(n), null, n == 0 ? null : Percentile(histogram!, 0.9m));
        }

        foreach (var (share, _) in EffectivenessMetrics.All.Where(m => EffectivenessMetrics.Shares.ContainsKey(m.Metric)))
        {
            var (yes, of) = sums.Shares.GetValueOrDefault(share);
            Add(share, null, of == 0 ? null : yes, Released(of), of == 0 ? null : Percent(yes, of));
        }

        Mix(EffectivenessMetrics.Remedies, EffectivenessMetrics.Remedies, EffectivenessMetrics.RemedyKinds);
        var moneyCells = sums.Mixes.GetValueOrDefault(EffectivenessMetrics.RemedyAmount);
        foreach (var (currency, amount) in sums.Money.Where(m => moneyCells?.GetValueOrDefault(m.Key) > 0).OrderBy(m => m.Key, StringComparer.Ordinal))
        {
            Add(EffectivenessMetrics.RemedyAmount, currency, moneyCells![currency], null, amount);
        }

        Add(EffectivenessMetrics.SurveyAnswers, null, Released(sums.Answers), null, null);
        Mix(EffectivenessMetrics.Satisfaction, EffectivenessMetrics.Satisfaction, EffectivenessMetrics.SatisfactionScores);
        var scores = sums.Mixes.GetValueOrDefault(EffectivenessMetrics.Satisfaction);
        var scored = scores?.Values.Sum() ?? 0;
        Add(EffectivenessMetrics.SatisfactionMean, null, Released(scored), null,
            scored == 0 ? null : Math.Round(scores!.Sum(s => int.Parse(s.Key, CultureInfo.InvariantCulture) * (decimal)s.Value) / scored, 2, MidpointRounding.AwayFromZero));
        Mix(EffectivenessMetrics.Reprisal, EffectivenessMetrics.Reprisal, EffectivenessMetrics.ReprisalAnswers);
        return metrics;
    }

    /// <summary>The nearest-rank percentile in whole days: the value at rank ⌈p·n⌉ of the sorted durations.</summary>
    public static int Percentile(IReadOnlyDictionary<int, int> histogram, decimal p)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        var n = histogram.Values.Sum();
        var rank = (int)Math.Ceiling(p * n);
        var seen = 0;
        foreach (var (days, count) in histogram.OrderBy(h => h.Key))
        {
            seen += count;
            if (seen >= Math.Max(rank, 1))
            {
                return days;
            }
        }

        throw new ArgumentException("Empty histogram.", nameof(histogram));
    }
}
