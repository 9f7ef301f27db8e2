namespace Compliance.Domain.Reference;

/// <summary>Where a case stands, and the moves a case handler may make between those states.</summary>
public static class GrievanceStatuses
{
    public const string Received = "received";
    public const string Acknowledged = "acknowledged";
    public const string InProgress = "in-progress";
    public const string Resolved = "resolved";
    public const string Referred = "referred";
    public const string Closed = "closed";

    public static readonly IReadOnlyList<string> All = [Received, Acknowledged, InProgress, Resolved, Referred, Closed];

    /// <summary>
    /// Allowed moves. Only a case handler moves a case; nothing the worker does or does not do (withdrawal,
    /// silence) closes one. A closed case stays closed; the worker can file again.
    /// </summary>
    private static readonly Dictionary<string, string[]> Moves = new(StringComparer.Ordinal)
    {
        [Received] = [Acknowledged],
        [Acknowledged] = [InProgress, Resolved, Referred, Closed],
        [InProgress] = [Resolved, Referred, Closed],
        [Resolved] = [InProgress, Closed],
        [Referred] = [InProgress, Closed],
        [Closed] = [],
    };

    public static bool CanMove(string from, string to) => Moves.TryGetValue(from, out var next) && next.Contains(to);
}

/// <summary>How serious a case handler judges a case; a case with a critical category or hard trigger stays critical.</summary>
public static class Severities
{
    public const string Critical = "critical";

    public static readonly IReadOnlyList<string> All = ["low", "medium", "high", Critical];
}

/// <summary>Case references: "WV-" and 8 random Crockford base32 characters. They say nothing about time or place.</summary>
public static class CaseReferences
{
    public static string New() => $"WV-{RandomCodes.New(8)}";
}
