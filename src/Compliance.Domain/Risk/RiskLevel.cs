namespace Compliance.Domain.Risk;

/// <summary>Risk level of a site, ordered so a higher value is never less serious.</summary>
public enum RiskLevel
{
    Low = 0,
    Medium = 1,
    High = 2,
    Critical = 3,
}

/// <summary>
/// The score bands. The level is a function of the score alone, so an auditor reading a score knows
/// the level, and a higher score can never give a lower level.
/// </summary>
public static class RiskLevels
{
    /// <summary>Lowest score of each band, in ascending order; the first band starts at 0.</summary>
    public static readonly IReadOnlyList<(RiskLevel Level, int MinScore)> Bands =
    [
        (RiskLevel.Low, 0),
        (RiskLevel.Medium, 15),
        (RiskLevel.High, 50),
        (RiskLevel.Critical, 75),
    ];

    public const int MaxScore = 100;

    /// <exception cref="ArgumentOutOfRangeException">The score is outside 0..100.</exception>
    public static RiskLevel FromScore(int score)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(score);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(score, MaxScore);
        return Bands.Last(b => score >= b.MinScore).Level;
    }

    /// <summary>The lowest score that has the given level.</summary>
    public static int MinScore(RiskLevel level) => Bands.Single(b => b.Level == level).MinScore;

    /// <summary>The wire code: low, medium, high or critical.</summary>
    public static string Code(RiskLevel level) => level switch
    {
        RiskLevel.Low => "low",
        RiskLevel.Medium => "medium",
        RiskLevel.High => "high",
        RiskLevel.Critical => "critical",
        _ => throw new ArgumentOutOfRangeException(nameof(level)),
    };
}
