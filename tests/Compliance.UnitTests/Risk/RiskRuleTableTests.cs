using Compliance.Domain.Reference;
using Compliance.Domain.Risk;

namespace Compliance.UnitTests.Risk;

/// <summary>
/// The rule table of docs/risk-model.md, row by row: each rule's id, indicator, source, measure, weight, thresholds,
/// hard-trigger flag and basis are what the document says, and each rule reads the evidence field it is named after.
/// The expected values are typed from the document, not read from the code.
/// </summary>
public class RiskRuleTableTests
{
    /// <summary>The employer-side table: id, indicator, weight, strong at (% of workers; 0 = any), hard trigger, a cited source, the <see cref="SiteEvidence"/> field.</summary>
    public static TheoryData<string, string, int, int, bool, string, string> EmployerRules => new()
    {
        { "FL01.work-permit-expired", "FL01", 20, 10, false, "002:1516-1522", nameof(SiteEvidence.WorkPermitExpired) },
        { "FL02.declaration-contradicted", "FL02", 24, 5, false, "004:510", nameof(SiteEvidence.DeclarationContradicted) },
        { "FL02.contract-substituted", "FL02", 24, 10, false, "002:1499", nameof(SiteEvidence.ContractSubstituted) },
        { "FL02.contract-language-mismatch", "FL02", 16, 25, false, "002:456-457", nameof(SiteEvidence.ContractLanguageMismatch) },
        { "FL02.agency-unlicensed-or-blacklisted", "FL02", 20, 10, false, "002:469-475", nameof(SiteEvidence.AgencyUnlicensedOrBlacklisted) },
        { "FL02.sub-agent-used", "FL02", 12, 25, false, "002:474", nameof(SiteEvidence.SubAgentUsed) },
        { "FL07.passport-held-by-other", "FL07", 30, 10, false, "002:1527-1528", nameof(SiteEvidence.PassportHeldByOther) },
        { "FL07.passport-access-overdue", "FL07", 20, 5, false, "BRIEF §5", nameof(SiteEvidence.PassportAccessOverdue) },
        { "FL07.passport-return-refused", "FL07", 40, 0, true, "BRIEF §3 hard triggers", nameof(SiteEvidence.PassportReturnRefused) },
        { "FL09.worker-paid-fees", "FL09", 30, 10, false, "002:469-475", nameof(SiteEvidence.PaidRecruitmentFees) },
        { "FL09.fees-financed-by-loan", "FL09", 24, 10, false, "002:472-473", nameof(SiteEvidence.FeesFinancedByLoan) },
        { "FL09.remediation-outstanding", "FL09", 16, 10, false, "BRIEF §6", nameof(SiteEvidence.OutstandingRemediation) },
        { "CH01.under-age-at-hire", "CH01", 50, 0, true, "001:503", nameof(SiteEvidence.UnderAgeAtHire) },
        { "CH01.under-age-now", "CH01", 50, 0, true, "001:503", nameof(SiteEvidence.UnderAgeNow) },
    };

    private static readonly string[] WorkerHardTriggers = ["FL03", "FL05", "CH01"];
    private static readonly string[] AuditHardTriggers = ["FL05", "CH01"];

    [Theory]
    [MemberData(nameof(EmployerRules))]
    public void EmployerRule_IsTheDocumentedRow(string id, string indicator, int weight, int strongAt, bool hardTrigger, string basis, string field)
    {
        var rule = Assert.Single(RiskRules.All, r => r.Id == id);

        Assert.Equal(indicator, rule.Indicator);
        Assert.Equal(EvidenceSource.Employer, rule.Source);
        Assert.Equal(Measure.PercentOfWorkers, rule.Measure);
        Assert.Equal(weight, rule.Weight);
        Assert.Equal(0m, rule.ModerateAt);
        Assert.Equal(strongAt, rule.StrongAt);
        Assert.Equal(hardTrigger, rule.IsHardTrigger);
        Assert.Contains(basis, rule.Basis, StringComparison.Ordinal);

        // The explanation reads "<n> workers ... (<share>% of workers)".
        Assert.StartsWith("workers ", rule.Describes, StringComparison.Ordinal);
        Assert.NotNull(field);
    }

    [Theory]
    [MemberData(nameof(EmployerRules))]
    public void EmployerRule_ReadsTheFieldItIsNamedAfter(string id, string indicator, int weight, int strongAt, bool hardTrigger, string basis, string field)
    {
        var site = Evidence.With(new SiteEvidence { ActiveWorkers = 1000 }, field, 7);

        var item = Assert.Single(RiskModel.Assess(site).Evidence);

        Assert.Equal(id, item.RuleId);
        Assert.Equal(indicator, item.Indicator);
        Assert.Equal(new SourceCounts(7, 0, 0), item.Sources);
        Assert.Equal(0.7m, item.Measured);
        Assert.Equal(Measure.PercentOfWorkers, item.Measure);
        Assert.Equal(weight, item.Weight);
        Assert.NotNull(basis);
        Assert.Equal(strongAt > 0 && !hardTrigger ? Strength.Moderate : Strength.Strong, item.Strength);
    }

    [Theory]
    [MemberData(nameof(EmployerRules))]
    public void EmployerRule_BelowTheStrongShare_IsModerateForHalfTheWeight(string id, string indicator, int weight, int strongAt, bool hardTrigger, string basis, string field)
    {
        if (hardTrigger)
        {
            Assert.Equal(0, strongAt);
            return;
        }

        // 1,000 workers: strongAt% is strongAt × 10 workers; one fewer is just below it.
        var item = Assert.Single(RiskModel.Assess(Evidence.With(new SiteEvidence { ActiveWorkers = 1000 }, field, (strongAt * 10) - 1)).Evidence);

        Assert.Equal(id, item.RuleId);
        Assert.Equal(indicator, item.Indicator);
        Assert.Equal(strongAt - 0.1m, item.Measured);
        Assert.Equal(Strength.Moderate, item.Strength);
        Assert.Equal(0m, item.Threshold);
        Assert.Equal(weight / 2, item.Points);
        Assert.Equal(RiskLevel.Low, item.Floor);
        Assert.NotNull(basis);
    }

    [Theory]
    [MemberData(nameof(EmployerRules))]
    public void EmployerRule_AtTheStrongShare_IsStrongForTheFullWeightAndAtLeastHigh(string id, string indicator, int weight, int strongAt, bool hardTrigger, string basis, string field)
    {
        // A hard trigger is strong on any record: one worker among 1,000.
        var records = hardTrigger ? 1 : strongAt * 10;
        var assessment = RiskModel.Assess(Evidence.With(new SiteEvidence { ActiveWorkers = 1000 }, field, records));
        var item = Assert.Single(assessment.Evidence);

        Assert.Equal(id, item.RuleId);
        Assert.Equal(indicator, item.Indicator);
        Assert.Equal(records / 10m, item.Measured);
        Assert.Equal(Strength.Strong, item.Strength);
        Assert.Equal((decimal)strongAt, item.Threshold);
        Assert.Equal(weight, item.Points);
        Assert.Equal(hardTrigger ? RiskLevel.Critical : RiskLevel.High, item.Floor);
        Assert.Equal(hardTrigger ? 75 : 50, assessment.Score);
        Assert.Equal(weight, assessment.PointsTotal);
        Assert.NotNull(basis);
    }

    [Fact]
    public void EmployerRules_AreExactlyTheDocumentedOnes()
    {
        var documented = EmployerRules.Select(row => (string)row[0]);

        Assert.Equal(documented, RiskRules.All.Where(r => r.Source == EvidenceSource.Employer).Select(r => r.Id));
    }

    public static TheoryData<string> EveryIndicator => [.. Indicators.All];

    [Theory]
    [MemberData(nameof(EveryIndicator))]
    public void PerIndicatorFamilies_AreTheDocumentedRows(string indicator)
    {
        var name = Indicators.Names[indicator].ToLowerInvariant();
        var workerTrigger = WorkerHardTriggers.Contains(indicator);
        var auditTrigger = AuditHardTriggers.Contains(indicator);

        var grievances = Assert.Single(RiskRules.All, r => r.Id == $"{indicator}.worker-grievances");
        Assert.Equal((indicator, EvidenceSource.Worker, Measure.Count, 20, 1m, workerTrigger ? 1m : 3m, workerTrigger), (grievances.Indicator, grievances.Source, grievances.Measure, grievances.Weight, grievances.ModerateAt, grievances.StrongAt, grievances.IsHardTrigger));
        Assert.Contains(name, grievances.Describes, StringComparison.Ordinal);
        Assert.Contains("004:1207", grievances.Basis, StringComparison.Ordinal);

        var critical = Assert.Single(RiskRules.All, r => r.Id == $"{indicator}.open-critical-grievance");
        Assert.Equal((indicator, EvidenceSource.Worker, Measure.Count, 10, 1m, 1m, workerTrigger), (critical.Indicator, critical.Source, critical.Measure, critical.Weight, critical.ModerateAt, critical.StrongAt, critical.IsHardTrigger));
        Assert.Contains(name, critical.Describes, StringComparison.Ordinal);
        Assert.Contains("BRIEF §5", critical.Basis, StringComparison.Ordinal);

        var finding = Assert.Single(RiskRules.All, r => r.Id == $"{indicator}.open-audit-finding");
        Assert.Equal((indicator, EvidenceSource.Audit, Measure.Severity, 20, 1m, auditTrigger ? 1m : 3m, auditTrigger), (finding.Indicator, finding.Source, finding.Measure, finding.Weight, finding.ModerateAt, finding.StrongAt, finding.IsHardTrigger));
        Assert.Contains(name, finding.Describes, StringComparison.Ordinal);
        Assert.Contains("BRIEF §3", finding.Basis, StringComparison.Ordinal);

        var overdue = Assert.Single(RiskRules.All, r => r.Id == $"{indicator}.corrective-action-overdue");
        Assert.Equal((indicator, EvidenceSource.Audit, Measure.Count, 10, 1m, 3m, false), (overdue.Indicator, overdue.Source, overdue.Measure, overdue.Weight, overdue.ModerateAt, overdue.StrongAt, overdue.IsHardTrigger));
        Assert.Contains(name, overdue.Describes, StringComparison.Ordinal);
        Assert.Contains("BRIEF §5", overdue.Basis, StringComparison.Ordinal);
    }

    [Fact]
    public void All_IsInTheDocumentedEvidenceOrder()
    {
        // By indicator FL01…FL11, CH01; then employer, worker, audit; then as listed in docs/risk-model.md.
        var employer = EmployerRules.Select(row => (string)row[0]).ToList();
        var expected = Indicators.All.SelectMany(indicator => employer.Where(id => id.StartsWith(indicator + ".", StringComparison.Ordinal)).Concat(
        [
            $"{indicator}.worker-grievances",
            $"{indicator}.open-critical-grievance",
            $"{indicator}.open-audit-finding",
            $"{indicator}.corrective-action-overdue",
        ]));

        Assert.Equal(expected, RiskRules.All.Select(r => r.Id));
    }

    [Fact]
    public void ImmigrationStatusRules_AreOnlyTheWorkPermitRule_Dnh6()
    {
        Assert.Equal(["FL01.work-permit-expired"], RiskRules.ImmigrationStatusRules);
        Assert.All(RiskRules.ImmigrationStatusRules, id => Assert.Contains(RiskRules.All, r => r.Id == id));
    }

    [Theory]
    [MemberData(nameof(EveryIndicator))]
    public void WorkerGrievances_ReadThe90DayCountOfTheirIndicator(string indicator)
    {
        var trigger = WorkerHardTriggers.Contains(indicator);
        var one = Single(new SiteEvidence { ActiveWorkers = 100, GrievancesLast90Days = new Dictionary<string, int> { [indicator] = 1 } });
        var two = Single(new SiteEvidence { ActiveWorkers = 100, GrievancesLast90Days = new Dictionary<string, int> { [indicator] = 2 } });
        var three = Single(new SiteEvidence { ActiveWorkers = 100, GrievancesLast90Days = new Dictionary<string, int> { [indicator] = 3 } });

        Assert.Equal($"{indicator}.worker-grievances", one.RuleId);
        Assert.Equal(new SourceCounts(0, 2, 0), two.Sources);
        Assert.Equal(2m, two.Measured);
        Assert.Equal(Measure.Count, two.Measure);
        if (trigger)
        {
            Assert.All([one, two, three], e => Assert.Equal((Strength.Strong, 20, RiskLevel.Critical, 1m), (e.Strength, e.Points, e.Floor, e.Threshold)));
        }
        else
        {
            Assert.All([one, two], e => Assert.Equal((Strength.Moderate, 10, RiskLevel.Low, 1m), (e.Strength, e.Points, e.Floor, e.Threshold)));
            Assert.Equal((Strength.Strong, 20, RiskLevel.High, 3m), (three.Strength, three.Points, three.Floor, three.Threshold));
        }
    }

    [Theory]
    [MemberData(nameof(EveryIndicator))]
    public void OpenCriticalGrievance_ReadsTheOpenCriticalCountOfItsIndicator(string indicator)
    {
        var trigger = WorkerHardTriggers.Contains(indicator);
        var item = Single(new SiteEvidence { ActiveWorkers = 100, OpenCriticalGrievances = new Dictionary<string, int> { [indicator] = 2 } });

        Assert.Equal($"{indicator}.open-critical-grievance", item.RuleId);
        Assert.Equal(indicator, item.Indicator);
        Assert.Equal(new SourceCounts(0, 2, 0), item.Sources);
        Assert.Equal(2m, item.Measured);
        Assert.Equal((Strength.Strong, 10, trigger ? RiskLevel.Critical : RiskLevel.High, 1m), (item.Strength, item.Points, item.Floor, item.Threshold));
    }

    [Theory]
    [MemberData(nameof(EveryIndicator))]
    public void OpenAuditFinding_ReadsTheHighestSeverityOfItsIndicator(string indicator)
    {
        var trigger = AuditHardTriggers.Contains(indicator);
        RiskEvidence Finding(FindingSeverity severity) =>
            Single(new SiteEvidence { ActiveWorkers = 100, OpenAuditFindings = new Dictionary<string, AuditFindings> { [indicator] = new(2, severity) } });

        var minor = Finding(FindingSeverity.Minor);
        var major = Finding(FindingSeverity.Major);
        var critical = Finding(FindingSeverity.Critical);

        Assert.Equal($"{indicator}.open-audit-finding", major.RuleId);
        Assert.Equal(indicator, major.Indicator);
        Assert.Equal(new SourceCounts(0, 0, 2), major.Sources);
        Assert.Equal(Measure.Severity, major.Measure);
        Assert.Equal([1m, 2m, 3m], new[] { minor.Measured, major.Measured, critical.Measured });
        if (trigger)
        {
            Assert.All([minor, major, critical], e => Assert.Equal((Strength.Strong, 20, RiskLevel.Critical, 1m), (e.Strength, e.Points, e.Floor, e.Threshold)));
        }
        else
        {
            Assert.All([minor, major], e => Assert.Equal((Strength.Moderate, 10, RiskLevel.Low, 1m), (e.Strength, e.Points, e.Floor, e.Threshold)));
            Assert.Equal((Strength.Strong, 20, RiskLevel.High, 3m), (critical.Strength, critical.Points, critical.Floor, critical.Threshold));
        }
    }

    [Theory]
    [MemberData(nameof(EveryIndicator))]
    public void OpenAuditFinding_Ungraded_CountsAsMinor(string indicator)
    {
        var site = new SiteEvidence { ActiveWorkers = 100, OpenAuditFindings = new Dictionary<string, AuditFindings> { [indicator] = new(1, FindingSeverity.None) } };

        var item = Single(site);

        Assert.Equal($"{indicator}.open-audit-finding", item.RuleId);
        Assert.Equal(1m, item.Measured);
        Assert.Equal(new SourceCounts(0, 0, 1), item.Sources);
    }

    [Theory]
    [MemberData(nameof(EveryIndicator))]
    public void CorrectiveActionOverdue_ReadsTheOverdueCountOfItsIndicatorAndIsNeverATrigger(string indicator)
    {
        RiskEvidence Overdue(int count) => Single(new SiteEvidence
        {
            ActiveWorkers = 100,

            // No open finding left, only the actions past their due date.
            OpenAuditFindings = new Dictionary<string, AuditFindings> { [indicator] = new(0, FindingSeverity.Critical, count) },
        });

        var one = Overdue(1);
        var two = Overdue(2);
        var three = Overdue(3);

        Assert.Equal($"{indicator}.corrective-action-overdue", two.RuleId);
        Assert.Equal(indicator, two.Indicator);
        Assert.Equal(new SourceCounts(0, 0, 2), two.Sources);
        Assert.Equal(2m, two.Measured);
        Assert.Equal(Measure.Count, two.Measure);
        Assert.All([one, two], e => Assert.Equal((Strength.Moderate, 5, RiskLevel.Low, 1m), (e.Strength, e.Points, e.Floor, e.Threshold)));
        Assert.Equal((Strength.Strong, 10, RiskLevel.High, 3m), (three.Strength, three.Points, three.Floor, three.Threshold));
    }

    [Fact]
    public void PerIndicatorRules_ReadOnlyTheirOwnIndicator()
    {
        var site = new SiteEvidence
        {
            ActiveWorkers = 100,
            GrievancesLast90Days = new Dictionary<string, int> { ["FL04"] = 1 },
            OpenCriticalGrievances = new Dictionary<string, int> { ["FL06"] = 1 },
            OpenAuditFindings = new Dictionary<string, AuditFindings> { ["FL08"] = new(1, FindingSeverity.Minor, 1) },
        };

        Assert.Equal(
            ["FL04.worker-grievances", "FL06.open-critical-grievance", "FL08.open-audit-finding", "FL08.corrective-action-overdue"],
            RiskModel.Assess(site).Evidence.Select(e => e.RuleId));
    }

    private static RiskEvidence Single(SiteEvidence site) => Assert.Single(RiskModel.Assess(site).Evidence);
}
