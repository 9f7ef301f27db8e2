namespace Compliance.Domain.Risk;

/// <summary>Who produced a piece of evidence; kept apart because each source has its own biases (<c>004:3326-3330</c>).</summary>
public enum EvidenceSource
{
    Employer = 0,
    Worker = 1,
    Audit = 2,
}

/// <summary>What a rule's measured value is.</summary>
public enum Measure
{
    /// <summary>Share of active workers, in percent, rounded up to two decimals so rounding never understates.</summary>
    PercentOfWorkers = 0,

    /// <summary>A plain count of grievances or corrective actions.</summary>
    Count = 1,

    /// <summary>Highest open finding severity: 1 minor, 2 major, 3 critical (an ungraded open finding counts as minor).</summary>
    Severity = 2,
}

/// <summary>How strongly a rule fired.</summary>
public enum Strength
{
    /// <summary>At or above the moderate threshold: half the weight, no floor.</summary>
    Moderate = 1,

    /// <summary>At or above the strong threshold: the full weight and at least a high level.</summary>
    Strong = 2,
}

/// <summary>
/// One scoring rule of the model: which indicator it is evidence of, what it measures, and the thresholds
/// that turn the measurement into points. A rule fires only when it has at least one record behind it.
/// </summary>
/// <param name="Id">Stable id, <c>INDICATOR.what</c>, e.g. <c>FL09.worker-paid-fees</c>.</param>
/// <param name="Indicator">Indicator code from <see cref="Reference.Indicators"/>.</param>
/// <param name="Source">Where the records behind the rule come from.</param>
/// <param name="Measure">Unit of <paramref name="ModerateAt"/>, <paramref name="StrongAt"/> and the measured value.</param>
/// <param name="Weight">Points when strong; half of it when moderate. Always even, so points are whole.</param>
/// <param name="ModerateAt">Lowest measured value that counts (0 means any record).</param>
/// <param name="StrongAt">Lowest measured value that makes the rule a strong indicator.</param>
/// <param name="IsHardTrigger">Any record makes the site critical at once (BRIEF.md §3 hard triggers).</param>
/// <param name="Describes">What is counted, in plain English, for the explanation.</param>
/// <param name="Basis">Where the rule comes from: seed lines or a BRIEF section.</param>
public sealed record RiskRule(
    string Id,
    string Indicator,
    EvidenceSource Source,
    Measure Measure,
    int Weight,
    decimal ModerateAt,
    decimal StrongAt,
    bool IsHardTrigger,
    string Describes,
    string Basis)
{
    /// <summary>Reads the rule's records (and, for severity rules, the severity) from the evidence.</summary>
    internal Func<SiteEvidence, RuleReading> Read { get; init; } = _ => default;
}

/// <summary>What a rule read: how many records are behind it and, for severity rules, the severity.</summary>
internal readonly record struct RuleReading(int Records, int Severity = 0);
