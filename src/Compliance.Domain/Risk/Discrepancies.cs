using System.Globalization;
using System.Runtime.CompilerServices;
using Compliance.Domain.Reference;

namespace Compliance.Domain.Risk;

/// <summary>
/// Finds where the reassuring sources (clean audits, declarations, consent forms, "no locks") disagree
/// with what workers or records say. The reassuring side is never used to score lower; the disagreement
/// itself is reported, as in the "inspector never finds violations" case (<c>004:3193-3197</c>).
/// </summary>
public static class Discrepancies
{
    public const string CleanAuditVsWorkerReports = "clean-audit-vs-worker-reports";
    public const string ZeroFeeDeclarationVsFees = "zero-fee-declaration-vs-fees";
    public const string ConsentedSafekeepingVsWorkerReports = "consented-safekeeping-vs-worker-reports";
    public const string NoConfinementFindingVsWorkerReports = "no-confinement-finding-vs-worker-reports";

    /// <summary>Every discrepancy in the evidence, by indicator (reporting order), then by code as listed above.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static IReadOnlyList<Discrepancy> Find(SiteEvidence evidence) => Find(evidence, null);

    /// <summary>As <see cref="Find(SiteEvidence)"/>, with worker grievance counts written by <paramref name="reportCount"/> (e.g. "fewer than 5").</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public static IReadOnlyList<Discrepancy> Find(SiteEvidence evidence, Func<int, string>? reportCount)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        reportCount ??= static n => n.ToString(CultureInfo.InvariantCulture);
        var found = new List<Discrepancy>();
        foreach (var indicator in Indicators.All)
        {
            var reportTotal = SiteEvidence.CountOf(evidence.GrievancesLast90Days, indicator);
            var reports = reportTotal > 0 ? reportCount(reportTotal) : "0";
            var auditedOpen = evidence.OpenAuditFindings.TryGetValue(indicator, out var f) && f.Open > 0;

            if (evidence.RecentAuditsWithZeroFindings > 0 && reportTotal > 0 && !auditedOpen)
            {
                found.Add(new(CleanAuditVsWorkerReports, indicator, Invariant(
                    $"{evidence.RecentAuditsWithZeroFindings} recent audit(s) found nothing, yet workers filed {reports} grievance(s) about {Indicators.Names[indicator].ToLowerInvariant()}.")));
            }

            if (indicator == Indicators.DebtBondage && evidence.SignedZeroFeeDeclarations > 0
                && (evidence.PaidRecruitmentFees > 0 || reportTotal > 0))
            {
                found.Add(new(ZeroFeeDeclarationVsFees, indicator, Invariant(
                    $"{evidence.SignedZeroFeeDeclarations} zero-fee declaration(s) signed, yet {evidence.PaidRecruitmentFees} fee record(s) and {reports} worker grievance(s) show fees or debt.")));
            }

            if (indicator == Indicators.RetentionOfIdentityDocuments && evidence.PassportSafekeepingWithConsent > 0 && reportTotal > 0)
            {
                found.Add(new(ConsentedSafekeepingVsWorkerReports, indicator, Invariant(
                    $"{evidence.PassportSafekeepingWithConsent} passport(s) held with a consent form, yet workers filed {reports} grievance(s) about their documents.")));
            }

            if (indicator == Indicators.RestrictionOfMovement && evidence.AuditsReportingNoConfinement > 0 && reportTotal > 0)
            {
                found.Add(new(NoConfinementFindingVsWorkerReports, indicator, Invariant(
                    $"{evidence.AuditsReportingNoConfinement} audit(s) found no confinement, yet workers filed {reports} grievance(s) saying they cannot leave.")));
            }
        }

        return found;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
