using Compliance.Domain.Risk;

namespace Compliance.UnitTests.Risk;

/// <summary>The case studies of <c>004_d70f00d99f94417e.txt</c>; BRIEF.md §3 says both must come out critical.</summary>
public class CaseStudyTests
{
    [Fact]
    public void Paula_004_373_393_IsCritical()
    {
        var assessment = RiskModel.Assess(CaseStudies.Paula);

        Assert.Equal(RiskLevel.Critical, assessment.Level);
        Assert.Contains(assessment.Evidence, e => e.RuleId == "FL05.worker-grievances" && e.Floor == RiskLevel.Critical);
        Assert.Contains(assessment.Evidence, e => e.RuleId == "FL07.passport-return-refused" && e.Floor == RiskLevel.Critical);
        Assert.Contains(assessment.Evidence, e => e.RuleId == "FL09.worker-grievances");
    }

    [Fact]
    public void Paula_AtSixMonths_004_383_IsAlreadyCriticalFromTheConfiscatedPassport()
    {
        var assessment = RiskModel.Assess(CaseStudies.PaulaAtSixMonths);

        Assert.Equal(RiskLevel.Critical, assessment.Level);
        Assert.DoesNotContain(assessment.Evidence, e => e.Indicator == "FL05");
        Assert.Equal("FL07.passport-return-refused", Assert.Single(assessment.Evidence, e => e.Floor == RiskLevel.Critical).RuleId);
    }

    [Fact]
    public void Santi_004_3187_3197_IsCriticalAndFlagsTheInspectorWhoNeverFindsViolations()
    {
        var assessment = RiskModel.Assess(CaseStudies.Santi);

        Assert.Equal(RiskLevel.Critical, assessment.Level);
        Assert.Contains(assessment.Discrepancies, d => d.Code == Discrepancies.CleanAuditVsWorkerReports && d.Indicator == "FL11");
        Assert.Contains(assessment.Evidence, e => e.RuleId == "FL05.worker-grievances");
    }

    [Fact]
    public void Santi_WithoutTheInjuredWorkerReport_IsStillCriticalFromCumulativeIndicators()
    {
        var assessment = RiskModel.Assess(CaseStudies.SantiWith(hurtWorkerReported: false));

        Assert.Equal(RiskLevel.Critical, assessment.Level);
        Assert.NotEqual(RiskLevel.Critical, assessment.Floor);
        Assert.True(assessment.Evidence.Select(e => e.Indicator).Distinct().Count() >= 4);
    }
}
