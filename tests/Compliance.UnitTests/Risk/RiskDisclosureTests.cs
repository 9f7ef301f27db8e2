using Compliance.Api.Features.WorkerVoice;
using Compliance.Domain.Reference;
using Compliance.Domain.Risk;
using static Compliance.UnitTests.Risk.Evidence;

namespace Compliance.UnitTests.Risk;

/// <summary>
/// docs/risk-model.md "What readers outside case handling see" (issue 16 hole 2, DNH-4): worker-derived counts from 1
/// to 4 are withheld everywhere they appear; score, level, points, strength, threshold and floor stay the model's.
/// </summary>
public class RiskDisclosureTests
{
    private static DisclosedAssessment Disclose(SiteEvidence site) => RiskDisclosure.Disclose(RiskModel.Assess(site), site);

    [Fact]
    public void MinimumCellSize_IsFive_AsForGrievanceStatistics()
    {
        Assert.Equal(5, RiskDisclosure.DefaultMinimumCellSize);
        Assert.Equal(StatisticsSuppression.MinimumCellSize, RiskDisclosure.DefaultMinimumCellSize);
        Assert.Equal("fewer than 5", RiskDisclosure.FewerThan(5));
        Assert.Equal("fewer than 12", RiskDisclosure.FewerThan(12));
    }

    [Fact]
    public void Disclose_NullArguments_Throw()
    {
        var site = new SiteEvidence();
        Assert.Throws<ArgumentNullException>(() => RiskDisclosure.Disclose(null!, site));
        Assert.Throws<ArgumentNullException>(() => RiskDisclosure.Disclose(RiskModel.Assess(site), null!));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void Disclose_WorkerCountBelowFive_IsWithheldInMeasuredSourcesAndExplanation(int grievances)
    {
        var site = new SiteEvidence { ActiveWorkers = 100, GrievancesLast90Days = new Dictionary<string, int> { ["FL11"] = grievances } };
        var truth = Assert.Single(RiskModel.Assess(site).Evidence);

        var shown = Assert.Single(Disclose(site).Evidence);

        Assert.Null(shown.Measured);
        Assert.Equal(new DisclosedSourceCounts(0, null, 0), shown.Sources);
        Assert.Equal(truth.Explanation[$"{grievances} ".Length..], shown.Explanation["fewer than 5 ".Length..]);
        Assert.StartsWith("fewer than 5 grievances about excessive overtime in the last 90 days; ", shown.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain($"{grievances} grievances", shown.Explanation, StringComparison.Ordinal);
        Assert.Equal([new WithheldCount("measured", "fewer than 5"), new WithheldCount("sources.worker", "fewer than 5")], shown.Withheld);
        AssertModelsOwn(truth, shown);
    }

    [Theory]
    [InlineData(5)]
    [InlineData(40)]
    public void Disclose_WorkerCountOfFiveOrMore_IsShownAsIsWithNothingWithheld(int grievances)
    {
        var site = new SiteEvidence { ActiveWorkers = 100, GrievancesLast90Days = new Dictionary<string, int> { ["FL11"] = grievances } };
        var truth = Assert.Single(RiskModel.Assess(site).Evidence);

        var disclosed = Disclose(site);
        var shown = Assert.Single(disclosed.Evidence);

        Assert.Equal((decimal)grievances, shown.Measured);
        Assert.Equal(new DisclosedSourceCounts(0, grievances, 0), shown.Sources);
        Assert.Equal(truth.Explanation, shown.Explanation);
        Assert.Null(shown.Withheld);
        Assert.Equal(0, disclosed.WithheldLines);
        AssertModelsOwn(truth, shown);
    }

    [Fact]
    public void Disclose_EmployerAndAuditCounts_AreNeverWithheld()
    {
        // Employer-side evidence identifies no worker's testimony: one fee record and one finding are shown as they are.
        var site = new SiteEvidence
        {
            ActiveWorkers = 100,
            PaidRecruitmentFees = 1,
            OpenAuditFindings = new Dictionary<string, AuditFindings> { ["FL10"] = new(2, FindingSeverity.Major, 1) },
        };
        var truth = RiskModel.Assess(site).Evidence;

        var disclosed = Disclose(site);

        Assert.Equal(3, disclosed.Evidence.Count);
        Assert.Equal(0, disclosed.WithheldLines);
        Assert.All(truth.Zip(disclosed.Evidence), pair =>
        {
            var (t, shown) = pair;
            Assert.Equal(t.Measured, shown.Measured);
            Assert.Equal(new DisclosedSourceCounts(t.Sources.Employer, 0, t.Sources.Audit), shown.Sources);
            Assert.Equal(t.Explanation, shown.Explanation);
            Assert.Null(shown.Withheld);
            AssertModelsOwn(t, shown);
        });
    }

    [Fact]
    public void Disclose_OneViolenceReport_StillCriticalButTheCountIsWithheld()
    {
        var site = new SiteEvidence { ActiveWorkers = 100, GrievancesLast90Days = Grievances((GrievanceCategories.SexualPressure, 1)) };
        var assessment = RiskModel.Assess(site);

        var shown = Assert.Single(RiskDisclosure.Disclose(assessment, site).Evidence);

        Assert.Equal(RiskLevel.Critical, assessment.Level);
        Assert.Equal(RiskLevel.Critical, shown.Floor);
        Assert.Equal(Strength.Strong, shown.Strength);
        Assert.Equal(20, shown.Points);
        Assert.Null(shown.Measured);
        Assert.StartsWith("fewer than 5 grievances about physical and sexual violence", shown.Explanation, StringComparison.Ordinal);
        Assert.EndsWith("; hard trigger, critical at once; 20 of 20 points.", shown.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Disclose_KeepsTheEvidenceOrderAndCountsTheWithheldLines()
    {
        var site = CaseStudies.Santi;
        var assessment = RiskModel.Assess(site);

        var disclosed = RiskDisclosure.Disclose(assessment, site);

        Assert.Equal(assessment.Evidence.Select(e => e.RuleId), disclosed.Evidence.Select(e => e.RuleId));
        var small = assessment.Evidence.Count(e => e.Sources.Worker is > 0 and < 5);
        Assert.True(small > 0);
        Assert.Equal(small, disclosed.WithheldLines);
        Assert.All(disclosed.Evidence, e => Assert.Equal(e.Withheld is not null, e.Sources.Worker is null));
    }

    [Fact]
    public void Disclose_DiscrepancyTexts_SayFewerThanFiveGrievances()
    {
        var site = new SiteEvidence
        {
            ActiveWorkers = 100,
            RecentAuditsWithZeroFindings = 1,
            GrievancesLast90Days = new Dictionary<string, int> { ["FL11"] = 2, ["FL08"] = 6 },
        };

        var discrepancies = Disclose(site).Discrepancies;

        Assert.Equal(
        [
            "1 recent audit(s) found nothing, yet workers filed 6 grievance(s) about withholding of wages.",
            "1 recent audit(s) found nothing, yet workers filed fewer than 5 grievance(s) about excessive overtime.",
        ],
            discrepancies.Select(d => d.Explanation));
        Assert.Equal(RiskModel.Assess(site).Discrepancies.Select(d => (d.Code, d.Indicator)), discrepancies.Select(d => (d.Code, d.Indicator)));
    }

    [Fact]
    public void Disclose_DiscrepancyWithNoWorkerReport_SaysZeroNotFewerThanFive()
    {
        var site = new SiteEvidence { ActiveWorkers = 100, SignedZeroFeeDeclarations = 100, PaidRecruitmentFees = 3 };

        var d = Assert.Single(Disclose(site).Discrepancies);

        Assert.Equal("100 zero-fee declaration(s) signed, yet 3 fee record(s) and 0 worker grievance(s) show fees or debt.", d.Explanation);
    }

    [Fact]
    public void Disclose_WithAnotherMinimumCellSize_WithholdsBelowIt()
    {
        var site = new SiteEvidence
        {
            ActiveWorkers = 100,
            GrievancesLast90Days = new Dictionary<string, int> { ["FL04"] = 2, ["FL11"] = 3 },
        };

        var disclosed = RiskDisclosure.Disclose(RiskModel.Assess(site), site, minimumCellSize: 3);

        Assert.Equal([null, 3m], disclosed.Evidence.Select(e => e.Measured));
        Assert.Equal([new WithheldCount("measured", "fewer than 3"), new WithheldCount("sources.worker", "fewer than 3")], disclosed.Evidence[0].Withheld);
        Assert.StartsWith("fewer than 3 grievances about isolation", disclosed.Evidence[0].Explanation, StringComparison.Ordinal);
        Assert.StartsWith("3 grievances about excessive overtime", disclosed.Evidence[1].Explanation, StringComparison.Ordinal);
        Assert.Equal(1, disclosed.WithheldLines);
    }

    [Fact]
    public void Disclose_ALineWhoseMeasureIsNotTheWorkerCount_KeepsTheMeasureAndWithholdsOnlyTheWorkerSource()
    {
        // A line mixing sources (none in fl-2026.1, but the projection must not guess): its measured value is a share of
        // the workforce, not the worker count, so only sources.worker is withheld and the explanation is left alone.
        var mixed = new RiskEvidence(
            "FL09", "FL09.hypothetical", 2.5m, Measure.PercentOfWorkers, 0m, 30, Strength.Moderate, 15, RiskLevel.Low,
            new SourceCounts(3, 2, 0), "5 records (2.5% of workers); moderate from 0, strong from 10; 15 of 30 points.");
        var assessment = new RiskAssessment(15, RiskLevel.Medium, RiskModel.Version, 15, RiskLevel.Low, [mixed], []);

        var shown = Assert.Single(RiskDisclosure.Disclose(assessment, new SiteEvidence()).Evidence);

        Assert.Equal(2.5m, shown.Measured);
        Assert.Equal(new DisclosedSourceCounts(3, null, 0), shown.Sources);
        Assert.Equal(mixed.Explanation, shown.Explanation);
        Assert.Equal([new WithheldCount("sources.worker", "fewer than 5")], shown.Withheld);
    }

    [Theory]
    [InlineData(Measure.Severity, 0, 0)]
    [InlineData(Measure.Count, 1, 0)]
    [InlineData(Measure.Count, 0, 1)]
    public void Disclose_AWorkerLineWithOtherSourcesOrAnotherMeasure_KeepsItsMeasured(Measure measure, int employer, int audit)
    {
        var line = new RiskEvidence(
            "FL06", "FL06.hypothetical", 3m, measure, 1m, 20, Strength.Strong, 20, RiskLevel.High,
            new SourceCounts(employer, 2, audit), "2 reports; strong from 3, at least high; 20 of 20 points.");
        var assessment = new RiskAssessment(50, RiskLevel.High, RiskModel.Version, 20, RiskLevel.High, [line], []);

        var shown = Assert.Single(RiskDisclosure.Disclose(assessment, new SiteEvidence()).Evidence);

        Assert.Equal(3m, shown.Measured);
        Assert.Null(shown.Sources.Worker);
        Assert.Equal("fewer than 5 reports; strong from 3, at least high; 20 of 20 points.", shown.Explanation);
        Assert.Equal([new WithheldCount("sources.worker", "fewer than 5")], shown.Withheld);
    }

    [Fact]
    public void Disclose_AnExplanationNotOpeningWithTheCount_IsLeftAsIs()
    {
        var line = new RiskEvidence(
            "FL06", "FL06.worker-grievances", 2m, Measure.Count, 1m, 20, Strength.Moderate, 10, RiskLevel.Low,
            new SourceCounts(0, 2, 0), "Two grievances: 2 of them late.");
        var assessment = new RiskAssessment(10, RiskLevel.Low, RiskModel.Version, 10, RiskLevel.Low, [line], []);

        var shown = Assert.Single(RiskDisclosure.Disclose(assessment, new SiteEvidence()).Evidence);

        Assert.Equal("Two grievances: 2 of them late.", shown.Explanation);
        Assert.Null(shown.Measured);
    }

    private static void AssertModelsOwn(RiskEvidence truth, DisclosedEvidence shown)
    {
        Assert.Equal(
            (truth.Indicator, truth.RuleId, truth.Measure, truth.Threshold, truth.Weight, truth.Strength, truth.Points, truth.Floor),
            (shown.Indicator, shown.RuleId, shown.Measure, shown.Threshold, shown.Weight, shown.Strength, shown.Points, shown.Floor));
    }

    /// <summary>
    /// A dossier made later names the k an assessment was disclosed with, read back from its own words. Named
    /// mutations: drop the prefix check (any text with digits reads as a k); <c>NumberStyles.None</c> to
    /// <c>Integer</c> would accept " 5" and "-5".
    /// </summary>
    [Theory]
    [InlineData(5)]
    [InlineData(12)]
    public void MinimumCellSizeOf_ReadsBackTheKOfFewerThan(int k) =>
        Assert.Equal(k, RiskDisclosure.MinimumCellSizeOf(RiskDisclosure.FewerThan(k)));

    [Theory]
    [InlineData("5")]
    [InlineData("more than 5")]
    [InlineData("fewer than ")]
    [InlineData("fewer than -5")]
    [InlineData("fewer than  5")]
    [InlineData("Fewer than 5")]
    public void MinimumCellSizeOf_IsNullForAnyOtherText(string shown) => Assert.Null(RiskDisclosure.MinimumCellSizeOf(shown));
}
