namespace Compliance.Domain.Reference;

/// <summary>
/// The indicators that make a site or a case critical at once (BRIEF.md §3 "Hard triggers"): the one definition the
/// risk rules, case triage and the grievance referral query all read.
/// </summary>
public static class HardTriggers
{
    /// <summary>Any evidence at all, from any source, is a hard trigger: a child, or violence.</summary>
    public static readonly IReadOnlySet<string> AnyEvidence = new HashSet<string>(StringComparer.Ordinal)
    {
        Indicators.ChildUnder18,
        Indicators.PhysicalAndSexualViolence,
    };

    /// <summary>
    /// A hard trigger only when the worker says it: a worker saying they cannot leave. An audit finding on movement is
    /// weighed instead, because confinement is what audits look for and the worker's word is the stronger signal.
    /// </summary>
    public static readonly IReadOnlySet<string> WorkerOnly = new HashSet<string>(StringComparer.Ordinal)
    {
        Indicators.RestrictionOfMovement,
    };

    /// <summary>Every hard trigger when the evidence comes from a worker (a grievance or its triage).</summary>
    public static readonly IReadOnlySet<string> FromWorker = new HashSet<string>(AnyEvidence.Concat(WorkerOnly), StringComparer.Ordinal);

    /// <summary>True when any of <paramref name="indicators"/> is a hard trigger from a worker.</summary>
    public static bool AnyFromWorker(IEnumerable<string> indicators) => indicators.Any(FromWorker.Contains);
}
