using Compliance.Domain.Reference;

namespace Compliance.Domain.Risk;

/// <summary>
/// The rule table of model <see cref="RiskModel.Version"/>. Changing any weight, threshold or rule here
/// is a new model version (docs/risk-model.md, "Versions").
/// </summary>
public static class RiskRules
{
    /// <summary>
    /// Rules whose evidence is about workers' permits or immigration status. They count in the score like any other,
    /// and no dossier ever carries them, whatever the destination (DNH-6: a dossier telling police that workers'
    /// permits expired invites a raid that detains the workers).
    /// </summary>
    public static readonly IReadOnlySet<string> ImmigrationStatusRules = new HashSet<string>(StringComparer.Ordinal) { "FL01.work-permit-expired" };

    /// <summary>Every rule, in evidence order: by indicator (reporting order), then source, then as listed.</summary>
    public static readonly IReadOnlyList<RiskRule> All = Build();

    private static List<RiskRule> Build()
    {
        List<RiskRule> rules =
        [
            Employer("FL01.work-permit-expired", Indicators.AbuseOfVulnerability, 20, 10, "workers whose work permit expired while employed", "002:1516-1522", e => e.WorkPermitExpired),
            Employer("FL02.declaration-contradicted", Indicators.Deception, 24, 5, "workers whose zero-fee declaration is contradicted by a fee record", "BRIEF §6, 004:510", e => e.DeclarationContradicted),
            Employer("FL02.contract-substituted", Indicators.Deception, 24, 10, "workers whose contract was substituted", "002:1499", e => e.ContractSubstituted),
            Employer("FL02.contract-language-mismatch", Indicators.Deception, 16, 25, "workers whose contract is not in their language or was signed after arrival", "002:456-457", e => e.ContractLanguageMismatch),
            Employer("FL02.agency-unlicensed-or-blacklisted", Indicators.Deception, 20, 10, "workers recruited through an unlicensed or blacklisted agency", "002:469-475", e => e.AgencyUnlicensedOrBlacklisted),
            Employer("FL02.sub-agent-used", Indicators.Deception, 12, 25, "workers recruited through sub-agents", "002:474", e => e.SubAgentUsed),
            Employer("FL07.passport-held-by-other", Indicators.RetentionOfIdentityDocuments, 30, 10, "workers whose passport is held by someone else", "002:1527-1528", e => e.PassportHeldByOther),
            Employer("FL07.passport-access-overdue", Indicators.RetentionOfIdentityDocuments, 20, 5, "workers whose passport access request was not honoured within 24 h", "BRIEF §5", e => e.PassportAccessOverdue),
            Trigger("FL07.passport-return-refused", Indicators.RetentionOfIdentityDocuments, 40, "workers refused the return of their passport", "BRIEF §3 hard triggers", e => e.PassportReturnRefused),
            Employer("FL09.worker-paid-fees", Indicators.DebtBondage, 30, 10, "workers who paid a recruitment fee", "BRIEF §3 FL09 (Employer Pays Principle), 002:469-475", e => e.PaidRecruitmentFees),
            Employer("FL09.fees-financed-by-loan", Indicators.DebtBondage, 24, 10, "workers whose fees were financed by a loan", "002:472-473", e => e.FeesFinancedByLoan),
            Employer("FL09.remediation-outstanding", Indicators.DebtBondage, 16, 10, "workers still owed fee reimbursement", "BRIEF §6", e => e.OutstandingRemediation),
            Trigger("CH01.under-age-at-hire", Indicators.ChildUnder18, 50, "workers under 18 at hire", "BRIEF §3 CH01, 001:503", e => e.UnderAgeAtHire),
            Trigger("CH01.under-age-now", Indicators.ChildUnder18, 50, "workers under 18 now", "BRIEF §3 CH01, 001:503", e => e.UnderAgeNow),
        ];

        foreach (var indicator in Indicators.All)
        {
            var workerTrigger = HardTriggers.FromWorker.Contains(indicator);
            var auditTrigger = HardTriggers.AnyEvidence.Contains(indicator);
            var name = Indicators.Names[indicator].ToLowerInvariant();

            rules.Add(new RiskRule(
                $"{indicator}.worker-grievances", indicator, EvidenceSource.Worker, Measure.Count, 20, 1, workerTrigger ? 1 : 3, workerTrigger,
                $"grievances about {name} in the last 90 days", "BRIEF §3 worker-side evidence, 004:1207")
            { Read = e => new(SiteEvidence.CountOf(e.GrievancesLast90Days, indicator)) });

            rules.Add(new RiskRule(
                $"{indicator}.open-critical-grievance", indicator, EvidenceSource.Worker, Measure.Count, 10, 1, 1, workerTrigger,
                $"critical grievances about {name} still open", "BRIEF §5 (24 h for critical categories)")
            { Read = e => new(SiteEvidence.CountOf(e.OpenCriticalGrievances, indicator)) });

            rules.Add(new RiskRule(
                $"{indicator}.open-audit-finding", indicator, EvidenceSource.Audit, Measure.Severity, 20, 1, auditTrigger ? 1 : 3, auditTrigger,
                $"open audit findings on {name} (highest severity)", "BRIEF §3 employer-side evidence")
            { Read = e => ReadFinding(e, indicator) });

            rules.Add(new RiskRule(
                $"{indicator}.corrective-action-overdue", indicator, EvidenceSource.Audit, Measure.Count, 10, 1, 3, false,
                $"overdue corrective actions on {name}", "BRIEF §5 corrective action clock")
            { Read = e => new(e.OpenAuditFindings.TryGetValue(indicator, out var f) ? f.OverdueCorrectiveActions : 0) });
        }

        // OrderBy is stable, so rules of one indicator and source keep the order they are listed in.
        return [.. rules.OrderBy(r => IndexOf(r.Indicator)).ThenBy(r => r.Source)];
    }

    private static int IndexOf(string indicator)
    {
        for (var i = 0; i < Indicators.All.Count; i++)
        {
            if (Indicators.All[i] == indicator)
            {
                return i;
            }
        }

        throw new ArgumentException($"Unknown indicator '{indicator}'.", nameof(indicator));
    }

    private static RuleReading ReadFinding(SiteEvidence evidence, string indicator)
    {
        if (!evidence.OpenAuditFindings.TryGetValue(indicator, out var finding) || finding.Open == 0)
        {
            return default;
        }

        // An open finding the auditor did not grade is still a finding: count it as minor rather than drop it.
        return new(finding.Open, Math.Max((int)FindingSeverity.Minor, (int)finding.HighestSeverity));
    }

    // Employer records: any worker counts (Employer Pays Principle: one fee is one fee too many);
    // a share of the workforce at or above strongAtPercent makes it a strong indicator.
    private static RiskRule Employer(string id, string indicator, int weight, decimal strongAtPercent, string describes, string basis, Func<SiteEvidence, int> read) =>
        new(id, indicator, EvidenceSource.Employer, Measure.PercentOfWorkers, weight, 0, strongAtPercent, false, describes, basis)
        {
            Read = e => new(read(e)),
        };

    private static RiskRule Trigger(string id, string indicator, int weight, string describes, string basis, Func<SiteEvidence, int> read) =>
        new(id, indicator, EvidenceSource.Employer, Measure.PercentOfWorkers, weight, 0, 0, true, describes, basis)
        {
            Read = e => new(read(e)),
        };
}
