using System.Globalization;
using Compliance.Domain.Reference;
using Compliance.Domain.Risk;

namespace Compliance.UnitTests.Risk;

/// <summary>
/// The explanation is stored with every assessment and shown to auditors, so its text is a contract: these tests
/// pin it to the sentence the model has always written, whatever the code that builds it.
/// </summary>
public class ExplanationTextTests
{
    /// <summary>Every rule fired, moderately and strongly, at odd workforce sizes (shares with two decimals).</summary>
    public static TheoryData<int, int> Sites => new() { { 7, 1 }, { 333, 2 }, { 1000, 3 }, { 12, 12 }, { 250, 40 } };

    [Theory]
    [MemberData(nameof(Sites))]
    public void Explanation_IsTheDocumentedSentence_ForEveryRuleThatFires(int activeWorkers, int records)
    {
        var perIndicator = Indicators.All.ToDictionary(i => i, _ => records);
        var evidence = new SiteEvidence
        {
            ActiveWorkers = activeWorkers,
            GrievancesLast90Days = perIndicator,
            OpenCriticalGrievances = perIndicator,
            OpenAuditFindings = Indicators.All.ToDictionary(
                i => i, i => new AuditFindings(records, (FindingSeverity)(1 + (records % 3)), records)),
        };
        evidence = Evidence.WithEveryCount(evidence, records);

        var assessment = RiskModel.Assess(evidence);

        Assert.NotEmpty(assessment.Evidence);
        Assert.All(assessment.Evidence, item =>
        {
            var rule = RiskRules.All.Single(r => r.Id == item.RuleId);
            Assert.Equal(Documented(rule, item.Sources.Employer + item.Sources.Worker + item.Sources.Audit, item.Measured, item.Strength, item.Points), item.Explanation);
        });
    }

    [Fact]
    public void Explanation_OfASingleWorkerAtAHugeSite_ShowsTheShareRoundedUp()
    {
        var assessment = RiskModel.Assess(new SiteEvidence { ActiveWorkers = 30_000, PaidRecruitmentFees = 1 });

        var item = Assert.Single(assessment.Evidence);
        Assert.Equal(
            "1 workers who paid a recruitment fee (0.01% of workers); moderate from 0, strong from 10; 15 of 30 points.",
            item.Explanation);
    }

    // The sentence as docs/risk-model.md describes it, written the plain way.
    private static string Documented(RiskRule rule, int records, decimal measured, Strength strength, int points)
    {
        var what = rule.Measure switch
        {
            Measure.PercentOfWorkers => FormattableString.Invariant($"{records} {rule.Describes} ({measured}% of workers)"),
            Measure.Severity => FormattableString.Invariant($"{records} {rule.Describes}: severity {measured}"),
            _ => FormattableString.Invariant($"{records} {rule.Describes}"),
        };
        var why = rule.IsHardTrigger
            ? "hard trigger, critical at once"
            : strength == Strength.Strong
                ? FormattableString.Invariant($"strong from {rule.StrongAt}, at least high")
                : FormattableString.Invariant($"moderate from {rule.ModerateAt}, strong from {rule.StrongAt}");
        return string.Create(CultureInfo.InvariantCulture, $"{what}; {why}; {points} of {rule.Weight} points.");
    }
}
