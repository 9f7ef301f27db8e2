using System.Globalization;
using System.Runtime.CompilerServices;

namespace Compliance.Domain.Risk;

/// <summary>
/// Risk model <c>fl-2026.1</c>: turns one site's evidence into a score, a level, the evidence behind them
/// and the discrepancies between sources. Pure and deterministic: same evidence, same assessment.
/// </summary>
/// <remarks>
/// Indicators are evaluated cumulatively (<c>004:1207</c>): every rule that fires adds its points. One strong
/// indicator can be enough, so a strong rule floors the level at high; hard triggers floor it at critical
/// (BRIEF.md §3). Nothing in the model subtracts, so no input can lower a score.
/// </remarks>
public static class RiskModel
{
    /// <summary>The version stamped on every assessment; bumped whenever a rule, weight, threshold or band changes.</summary>
    public const string Version = "fl-2026.1";

    /// <exception cref="ArgumentException">The evidence has a negative count or an unknown indicator.</exception>
    /// <remarks>
    /// The model's hot methods are compiled fully optimized on first use: the nightly job calls them a few thousand
    /// times a night, in bursts too short for tiered compilation to finish before the next night (the rescore
    /// benchmark's second and third runs were the slowest part of its warm figure).
    /// </remarks>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static RiskAssessment Assess(SiteEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        evidence.Validate();

        var items = new List<RiskEvidence>();
        foreach (var rule in RiskRules.All)
        {
            var item = Evaluate(rule, evidence);
            if (item is not null)
            {
                items.Add(item);
            }
        }

        // Points are summed in long: weights are small, but a sum must never wrap whatever the rule table grows to.
        var total = (int)Math.Min(int.MaxValue, items.Sum(i => (long)i.Points));
        var floor = items.Count == 0 ? RiskLevel.Low : items.Max(i => i.Floor);
        var score = Math.Max(Math.Min(RiskLevels.MaxScore, total), RiskLevels.MinScore(floor));

        return new RiskAssessment(score, RiskLevels.FromScore(score), Version, total, floor, items, Discrepancies.Find(evidence));
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static RiskEvidence? Evaluate(RiskRule rule, SiteEvidence evidence)
    {
        var reading = rule.Read(evidence);
        if (reading.Records <= 0)
        {
            return null;
        }

        var measured = rule.Measure switch
        {
            Measure.PercentOfWorkers => SharePercent(reading.Records, evidence.ActiveWorkers),
            Measure.Count => reading.Records,
            Measure.Severity => reading.Severity,
            _ => throw new InvalidOperationException($"Unknown measure {rule.Measure}."),
        };
        if (measured < rule.ModerateAt)
        {
            return null;
        }

        var strength = measured >= rule.StrongAt ? Strength.Strong : Strength.Moderate;
        var points = strength == Strength.Strong ? rule.Weight : rule.Weight / 2;
        var floor = rule.IsHardTrigger ? RiskLevel.Critical : strength == Strength.Strong ? RiskLevel.High : RiskLevel.Low;
        var threshold = strength == Strength.Strong ? rule.StrongAt : rule.ModerateAt;

        return new RiskEvidence(
            rule.Indicator,
            rule.Id,
            measured,
            rule.Measure,
            threshold,
            rule.Weight,
            strength,
            points,
            floor,
            SourceCounts.For(rule.Source, reading.Records),
            Explain(rule, reading.Records, measured, strength, points));
    }

    /// <summary>
    /// Share of the workforce in percent, rounded up to two decimals so a single worker at a huge site is
    /// never shown as 0 %. A count above the recorded workforce is capped at 100 % rather than rejected,
    /// because headcount and recruitment records are gathered at different times.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    internal static decimal SharePercent(int records, int activeWorkers)
    {
        var denominator = (decimal)Math.Max(activeWorkers, records);
        return Math.Ceiling(records * 10000m / denominator) / 100m;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static string Explain(RiskRule rule, int records, decimal measured, Strength strength, int points)
    {
        // One handler over a stack buffer: this runs for every item of every site of a rescore. The text is
        // "{what}; {why}; {points} of {weight} points." exactly as documented in docs/risk-model.md.
        var text = new DefaultInterpolatedStringHandler(0, 0, CultureInfo.InvariantCulture, stackalloc char[256]);
        text.AppendFormatted(records);
        text.AppendLiteral(" ");
        text.AppendLiteral(rule.Describes);
        switch (rule.Measure)
        {
            case Measure.PercentOfWorkers:
                text.AppendLiteral(" (");
                text.AppendFormatted(measured);
                text.AppendLiteral("% of workers)");
                break;
            case Measure.Severity:
                text.AppendLiteral(": severity ");
                text.AppendFormatted(measured);
                break;
        }

        if (rule.IsHardTrigger)
        {
            text.AppendLiteral("; hard trigger, critical at once");
        }
        else if (strength == Strength.Strong)
        {
            text.AppendLiteral("; strong from ");
            text.AppendFormatted(rule.StrongAt);
            text.AppendLiteral(", at least high");
        }
        else
        {
            text.AppendLiteral("; moderate from ");
            text.AppendFormatted(rule.ModerateAt);
            text.AppendLiteral(", strong from ");
            text.AppendFormatted(rule.StrongAt);
        }

        text.AppendLiteral("; ");
        text.AppendFormatted(points);
        text.AppendLiteral(" of ");
        text.AppendFormatted(rule.Weight);
        text.AppendLiteral(" points.");
        return text.ToStringAndClear();
    }
}
