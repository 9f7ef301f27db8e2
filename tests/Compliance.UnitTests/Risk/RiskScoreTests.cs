using Compliance.Domain.Reference;
using Compliance.Domain.Risk;

namespace Compliance.UnitTests.Risk;

/// <summary>docs/risk-model.md "How a rule scores" and "From points to score and level", checked on exact numbers.</summary>
public class RiskScoreTests
{
    [Theory]
    [InlineData(3, 1, 33.34)]    // 33.333… rounded up, not to nearest
    [InlineData(9, 1, 11.12)]    // 11.111…
    [InlineData(30_000, 1, 0.01)] // one worker at a huge site is never 0 %
    [InlineData(3, 2, 66.67)]
    [InlineData(100, 10, 10)]
    [InlineData(8, 8, 100)]
    [InlineData(2, 3, 100)]      // more records than recorded workers: capped
    [InlineData(0, 5, 100)]
    public void PercentOfWorkers_IsRoundedUpToTwoDecimalsAndCappedAtOneHundred(int activeWorkers, int records, double expected)
    {
        var item = Assert.Single(RiskModel.Assess(new SiteEvidence { ActiveWorkers = activeWorkers, SubAgentUsed = records }).Evidence);

        Assert.Equal((decimal)expected, item.Measured);
    }

    [Fact]
    public void Score_NoEvidence_IsZeroLowWithALowFloor()
    {
        var assessment = RiskModel.Assess(new SiteEvidence { ActiveWorkers = 10 });

        Assert.Equal((0, RiskLevel.Low, 0, RiskLevel.Low), (assessment.Score, assessment.Level, assessment.PointsTotal, assessment.Floor));
    }

    [Fact]
    public void Score_ModerateItems_AreTheSumOfHalfWeights()
    {
        // 1 of 100 workers each: moderate. 30/2 + 12/2 = 21 points, medium, no floor.
        var assessment = RiskModel.Assess(new SiteEvidence { ActiveWorkers = 100, PaidRecruitmentFees = 1, SubAgentUsed = 1 });

        Assert.Equal((21, RiskLevel.Medium, 21, RiskLevel.Low), (assessment.Score, assessment.Level, assessment.PointsTotal, assessment.Floor));
        Assert.Equal("medium", assessment.LevelCode);
    }

    [Fact]
    public void Score_FourteenPoints_IsLow()
    {
        // 16/2 + 12/2 = 14: the top of the low band.
        var assessment = RiskModel.Assess(new SiteEvidence { ActiveWorkers = 100, ContractLanguageMismatch = 1, SubAgentUsed = 1 });

        Assert.Equal((14, RiskLevel.Low, 14), (assessment.Score, assessment.Level, assessment.PointsTotal));
        Assert.Equal("low", assessment.LevelCode);
    }

    [Fact]
    public void Score_AStrongItem_RaisesTheScoreToTheHighBand()
    {
        var assessment = RiskModel.Assess(new SiteEvidence { ActiveWorkers = 100, SubAgentUsed = 25 });

        Assert.Equal((50, RiskLevel.High, 12, RiskLevel.High), (assessment.Score, assessment.Level, assessment.PointsTotal, assessment.Floor));
        Assert.Equal("high", assessment.LevelCode);
    }

    [Fact]
    public void Score_AHardTrigger_RaisesTheScoreToTheCriticalBand()
    {
        var assessment = RiskModel.Assess(new SiteEvidence { ActiveWorkers = 100, SubAgentUsed = 25, PassportReturnRefused = 1 });

        Assert.Equal((75, RiskLevel.Critical, 52, RiskLevel.Critical), (assessment.Score, assessment.Level, assessment.PointsTotal, assessment.Floor));
        Assert.Equal("critical", assessment.LevelCode);
    }

    [Fact]
    public void Score_PointsAboveTheFloor_AreKept()
    {
        // Strong: 30 + 24 + 16 = 70 points, above the high floor of 50.
        var assessment = RiskModel.Assess(new SiteEvidence { ActiveWorkers = 100, PaidRecruitmentFees = 10, FeesFinancedByLoan = 10, OutstandingRemediation = 10 });

        Assert.Equal((70, RiskLevel.High, 70, RiskLevel.High), (assessment.Score, assessment.Level, assessment.PointsTotal, assessment.Floor));
    }

    [Fact]
    public void Score_IsCappedAtOneHundredWhilePointsTotalKeepsTheSum()
    {
        var site = Evidence.WithEveryCount(new SiteEvidence { ActiveWorkers = 10 }, 10);

        var assessment = RiskModel.Assess(site);

        Assert.Equal(100, assessment.Score);
        Assert.Equal(RiskLevel.Critical, assessment.Level);
        Assert.Equal(assessment.Evidence.Sum(e => e.Points), assessment.PointsTotal);
        Assert.True(assessment.PointsTotal > 100);
    }

    [Fact]
    public void Score_AtExactlyOneHundredPoints_IsOneHundred()
    {
        // 50 + 50 (both child rules, hard triggers) = 100.
        var assessment = RiskModel.Assess(new SiteEvidence { ActiveWorkers = 100, UnderAgeAtHire = 1, UnderAgeNow = 1 });

        Assert.Equal((100, 100), (assessment.Score, assessment.PointsTotal));
    }

    [Fact]
    public void Assess_StampsTheModelVersion()
    {
        Assert.Equal("fl-2026.1", RiskModel.Version);
        Assert.Matches(@"^fl-\d{4}\.\d+$", RiskModel.Assess(new SiteEvidence()).ModelVersion);
    }

    [Fact]
    public void Assess_NullEvidence_Throws() => Assert.Throws<ArgumentNullException>(() => RiskModel.Assess(null!));

    [Fact]
    public void Assess_ReportsTheDiscrepanciesOfTheEvidence()
    {
        var site = new SiteEvidence { ActiveWorkers = 10, SignedZeroFeeDeclarations = 10, PaidRecruitmentFees = 1 };

        Assert.Equal(Discrepancies.Find(site), RiskModel.Assess(site).Discrepancies);
        Assert.NotEmpty(RiskModel.Assess(site).Discrepancies);
    }

    [Fact]
    public void Explanation_OfAStrongSeverity_SaysTheSeverityAndTheFloor()
    {
        var site = new SiteEvidence { OpenAuditFindings = new Dictionary<string, AuditFindings> { [Indicators.ExcessiveOvertime] = new(2, FindingSeverity.Critical) } };

        var item = Assert.Single(RiskModel.Assess(site).Evidence);

        Assert.Equal("2 open audit findings on excessive overtime (highest severity): severity 3; strong from 3, at least high; 20 of 20 points.", item.Explanation);
    }

    [Fact]
    public void Explanation_OfACount_SaysTheCountAndBothThresholds()
    {
        var site = new SiteEvidence { GrievancesLast90Days = new Dictionary<string, int> { [Indicators.Isolation] = 2 } };

        var item = Assert.Single(RiskModel.Assess(site).Evidence);

        Assert.Equal("2 grievances about isolation in the last 90 days; moderate from 1, strong from 3; 10 of 20 points.", item.Explanation);
    }

    [Fact]
    public void Explanation_OfAHardTrigger_SaysCriticalAtOnce()
    {
        var item = Assert.Single(RiskModel.Assess(new SiteEvidence { ActiveWorkers = 40, UnderAgeNow = 1 }).Evidence);

        Assert.Equal("1 workers under 18 now (2.5% of workers); hard trigger, critical at once; 50 of 50 points.", item.Explanation);
    }
}
