using System.Runtime.CompilerServices;
using Compliance.Domain.Reference;

namespace Compliance.Domain.Risk;

/// <summary>
/// Everything the risk model reads about one supplier site, as plain counts so the evidence-gathering
/// SQL can fill it directly. Worker counts are distinct workers currently active at the site. Counts
/// keyed by indicator use the codes in <see cref="Indicators"/>; a missing key means zero.
/// </summary>
/// <remarks>
/// The last group of properties is <b>recorded, never lowers</b>: the sources say consent, declarations,
/// silence, withdrawal, contradictions, migration status and the absence of locks are not evidence of
/// safety (BRIEF.md §3). The model reads them only to report discrepancies, never to compute a score,
/// and tests prove that setting them leaves the score unchanged.
/// </remarks>
public sealed record SiteEvidence
{
    /// <summary>Workers currently active at the site; the denominator of every workforce share.</summary>
    public int ActiveWorkers { get; init; }

    // Employer-side recruitment records (BRIEF.md §6).

    /// <summary>Workers who paid any recruitment-related fee themselves (Employer Pays Principle).</summary>
    public int PaidRecruitmentFees { get; init; }

    /// <summary>Workers whose fees were financed by a loan (<c>002:472-473</c>).</summary>
    public int FeesFinancedByLoan { get; init; }

    /// <summary>Workers with a remediation (fee repayment) balance still outstanding.</summary>
    public int OutstandingRemediation { get; init; }

    /// <summary>Workers whose zero-fee declaration is contradicted by a fee record.</summary>
    public int DeclarationContradicted { get; init; }

    /// <summary>Workers whose contract was replaced by a later version with changed terms (<c>002:1499</c>).</summary>
    public int ContractSubstituted { get; init; }

    /// <summary>Workers whose contract is not in their language or was signed only after arrival (<c>002:456-457</c>).</summary>
    public int ContractLanguageMismatch { get; init; }

    /// <summary>
    /// Workers whose passport is held by anyone but the worker (employer, agency, unknown), including
    /// "safekeeping" with a signed consent form: consent does not change who holds the passport.
    /// </summary>
    public int PassportHeldByOther { get; init; }

    /// <summary>Workers with a passport access request not honoured within 24 h (BRIEF.md §5).</summary>
    public int PassportAccessOverdue { get; init; }

    /// <summary>Workers whose request to have their passport back was refused.</summary>
    public int PassportReturnRefused { get; init; }

    /// <summary>Workers whose recorded birth year gives an age under 18 at hire.</summary>
    public int UnderAgeAtHire { get; init; }

    /// <summary>Workers whose recorded birth year gives an age under 18 today.</summary>
    public int UnderAgeNow { get; init; }

    /// <summary>Workers whose work permit has expired while employed (<c>002:1516-1522</c>).</summary>
    public int WorkPermitExpired { get; init; }

    /// <summary>Workers recruited through an agency that is unlicensed, lapsed or blacklisted.</summary>
    public int AgencyUnlicensedOrBlacklisted { get; init; }

    /// <summary>Workers recruited through a chain that used sub-agents (<c>002:474</c>).</summary>
    public int SubAgentUsed { get; init; }

    // Worker testimony (anonymous grievances).

    /// <summary>
    /// Grievances filed in the last 90 days, per indicator, counted through
    /// <see cref="GrievanceCategories.IndicatorsOf"/>. Withdrawn and unanswered grievances stay counted.
    /// </summary>
    public IReadOnlyDictionary<string, int> GrievancesLast90Days { get; init; } = new Dictionary<string, int>();

    /// <summary>Grievances in a critical category that are still open, per indicator.</summary>
    public IReadOnlyDictionary<string, int> OpenCriticalGrievances { get; init; } = new Dictionary<string, int>();

    // Audit evidence.

    /// <summary>Open audit findings per indicator, with their highest severity and overdue corrective actions.</summary>
    public IReadOnlyDictionary<string, AuditFindings> OpenAuditFindings { get; init; } = new Dictionary<string, AuditFindings>();

    // Recorded, never lowers.

    /// <summary>Recent audits that reported no finding at all. Recorded, never lowers; feeds discrepancies.</summary>
    public int RecentAuditsWithZeroFindings { get; init; }

    /// <summary>Audits that state no physical confinement was found. Recorded, never lowers (<c>000:337</c>, <c>004:2266</c>).</summary>
    public int AuditsReportingNoConfinement { get; init; }

    /// <summary>Workers with a signed zero-fee declaration. Recorded, never lowers (<c>004:510</c>, <c>000:851</c>).</summary>
    public int SignedZeroFeeDeclarations { get; init; }

    /// <summary>Passports in employer safekeeping with written consent. Recorded, never lowers (<c>004:510</c>).</summary>
    public int PassportSafekeepingWithConsent { get; init; }

    /// <summary>Grievances the worker withdrew. Recorded, never lowers (<c>001:740-750</c>).</summary>
    public int WithdrawnGrievances { get; init; }

    /// <summary>Grievances whose worker went silent (never came back with the receipt). Recorded, never lowers (<c>004:736-742</c>).</summary>
    public int SilentGrievances { get; init; }

    /// <summary>Grievances a handler noted as inconsistent or contradictory. Recorded, never lowers (<c>001:740-750</c>).</summary>
    public int ContradictoryGrievances { get; init; }

    /// <summary>Workers with an irregular migration status. Recorded, neither raises nor lowers (<c>001:628-632</c>, <c>004:1236-1241</c>).</summary>
    public int WorkersWithIrregularStatus { get; init; }

    /// <summary>Count stored under an indicator, zero when absent.</summary>
    internal static int CountOf(IReadOnlyDictionary<string, int> counts, string indicator) =>
        counts.TryGetValue(indicator, out var count) ? count : 0;

    /// <summary>
    /// Rejects evidence the SQL could only produce by a bug: a negative count or an unknown indicator.
    /// Silently clamping would hide the bug and could understate risk.
    /// </summary>
    /// <exception cref="ArgumentException">A count is negative or an indicator code is unknown.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Validate()
    {
        int[] counts =
        [
            ActiveWorkers, PaidRecruitmentFees, FeesFinancedByLoan, OutstandingRemediation, DeclarationContradicted,
            ContractSubstituted, ContractLanguageMismatch, PassportHeldByOther, PassportAccessOverdue,
            PassportReturnRefused, UnderAgeAtHire, UnderAgeNow, WorkPermitExpired, AgencyUnlicensedOrBlacklisted,
            SubAgentUsed, RecentAuditsWithZeroFindings, AuditsReportingNoConfinement, SignedZeroFeeDeclarations,
            PassportSafekeepingWithConsent, WithdrawnGrievances, SilentGrievances, ContradictoryGrievances,
            WorkersWithIrregularStatus,
        ];
        if (counts.Any(c => c < 0))
        {
            throw new ArgumentException("Evidence counts cannot be negative.");
        }

        CheckKeyed(GrievancesLast90Days.Keys, GrievancesLast90Days.Values, nameof(GrievancesLast90Days));
        CheckKeyed(OpenCriticalGrievances.Keys, OpenCriticalGrievances.Values, nameof(OpenCriticalGrievances));
        CheckKeyed(
            OpenAuditFindings.Keys,
            OpenAuditFindings.Values.SelectMany(f => new[] { f.Open, f.OverdueCorrectiveActions }),
            nameof(OpenAuditFindings));
    }

    private static void CheckKeyed(IEnumerable<string> indicators, IEnumerable<int> counts, string name)
    {
        var unknown = indicators.FirstOrDefault(i => !Indicators.IsValid(i));
        if (unknown is not null)
        {
            throw new ArgumentException($"Unknown indicator '{unknown}' in {name}.");
        }

        if (counts.Any(c => c < 0))
        {
            throw new ArgumentException($"Negative count in {name}.");
        }
    }
}

/// <summary>Open audit findings for one indicator at one site.</summary>
/// <param name="Open">Open findings for the indicator.</param>
/// <param name="HighestSeverity">Highest severity among the open findings.</param>
/// <param name="OverdueCorrectiveActions">Corrective actions for those findings past their due date.</param>
public sealed record AuditFindings(int Open, FindingSeverity HighestSeverity, int OverdueCorrectiveActions = 0);

/// <summary>Severity of an audit finding, as auditors grade it; the numbers are the measured value in evidence.</summary>
public enum FindingSeverity
{
    None = 0,
    Minor = 1,
    Major = 2,
    Critical = 3,
}
