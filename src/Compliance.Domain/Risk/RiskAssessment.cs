namespace Compliance.Domain.Risk;

/// <summary>
/// The model's verdict on one site. Reproducible from <see cref="Evidence"/> alone:
/// <c>Score = max(min(100, sum of Points), lowest score of Floor's band)</c>, <c>Level = band of Score</c>.
/// </summary>
/// <param name="Score">0..100.</param>
/// <param name="Level">The band <see cref="Score"/> falls in (<see cref="RiskLevels.Bands"/>).</param>
/// <param name="ModelVersion">The model version that produced the assessment, e.g. <c>fl-2026.1</c>.</param>
/// <param name="PointsTotal">Sum of the evidence points before the cap at 100.</param>
/// <param name="Floor">Highest floor any evidence item imposes (strong indicator: high; hard trigger: critical).</param>
/// <param name="Evidence">Every rule that fired, in rule-table order.</param>
/// <param name="Discrepancies">Conflicts between sources, reported as signals; they never lower the score.</param>
public sealed record RiskAssessment(
    int Score,
    RiskLevel Level,
    string ModelVersion,
    int PointsTotal,
    RiskLevel Floor,
    IReadOnlyList<RiskEvidence> Evidence,
    IReadOnlyList<Discrepancy> Discrepancies)
{
    /// <summary>The level as a wire code: low, medium, high or critical.</summary>
    public string LevelCode => RiskLevels.Code(Level);
}

/// <summary>One rule that fired, with everything needed to check its points by hand.</summary>
/// <param name="Indicator">Indicator code.</param>
/// <param name="RuleId">Rule id, e.g. <c>FL09.worker-paid-fees</c>.</param>
/// <param name="Measured">The measured value, in <paramref name="Measure"/> units.</param>
/// <param name="Measure">Unit of <paramref name="Measured"/> and <paramref name="Threshold"/>.</param>
/// <param name="Threshold">The threshold that was reached (strong if strong, else moderate).</param>
/// <param name="Weight">The rule's weight.</param>
/// <param name="Strength">Moderate (half the weight) or strong (the full weight).</param>
/// <param name="Points">Points this item adds to the score.</param>
/// <param name="Floor">Lowest level this item allows: low (none), high (strong) or critical (hard trigger).</param>
/// <param name="Sources">How many records behind this item came from each source.</param>
/// <param name="Explanation">One sentence in plain English.</param>
public sealed record RiskEvidence(
    string Indicator,
    string RuleId,
    decimal Measured,
    Measure Measure,
    decimal Threshold,
    int Weight,
    Strength Strength,
    int Points,
    RiskLevel Floor,
    SourceCounts Sources,
    string Explanation);

/// <summary>Record counts behind one evidence item, per source.</summary>
public sealed record SourceCounts(int Employer, int Worker, int Audit)
{
    internal static SourceCounts For(EvidenceSource source, int records) => source switch
    {
        EvidenceSource.Employer => new(records, 0, 0),
        EvidenceSource.Worker => new(0, records, 0),
        EvidenceSource.Audit => new(0, 0, records),
        _ => throw new ArgumentOutOfRangeException(nameof(source)),
    };
}

/// <summary>Two sources disagreeing about a site. A signal to look closer, never a reason to score lower.</summary>
/// <param name="Code">Stable code, e.g. <c>clean-audit-vs-worker-reports</c>.</param>
/// <param name="Indicator">The indicator the disagreement is about.</param>
/// <param name="Explanation">One sentence in plain English.</param>
public sealed record Discrepancy(string Code, string Indicator, string Explanation);
