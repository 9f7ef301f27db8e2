using Compliance.Domain.Reference;
using Compliance.Domain.Risk;

namespace Compliance.UnitTests.Risk;

public class RiskRulesTests
{
    [Fact]
    public void All_HaveUniqueIdsPrefixedByAKnownIndicator()
    {
        Assert.Equal(RiskRules.All.Count, RiskRules.All.Select(r => r.Id).Distinct().Count());
        Assert.All(RiskRules.All, r =>
        {
            Assert.True(Indicators.IsValid(r.Indicator));
            Assert.StartsWith(r.Indicator + ".", r.Id, StringComparison.Ordinal);
        });
    }

    [Fact]
    public void All_HavePositiveEvenWeightsAndOrderedThresholds()
    {
        Assert.All(RiskRules.All, r =>
        {
            Assert.True(r.Weight > 0 && r.Weight % 2 == 0, $"{r.Id} weight {r.Weight}");
            Assert.True(r.StrongAt >= r.ModerateAt, r.Id);
            Assert.False(string.IsNullOrWhiteSpace(r.Basis), r.Id);
        });
    }

    [Fact]
    public void Docs_NameEveryRuleWithItsWeight()
    {
        var docs = File.ReadAllText(Path.Combine(RepositoryRoot(), "docs", "risk-model.md"));

        Assert.Contains(RiskModel.Version, docs, StringComparison.Ordinal);
        foreach (var rule in RiskRules.All)
        {
            // Per-indicator families are documented once as `<IND>.suffix`; employer rules one by one.
            var family = "<IND>" + rule.Id[rule.Indicator.Length..];
            var row = docs.Split('\n').FirstOrDefault(l => l.Contains($"`{rule.Id}`", StringComparison.Ordinal))
                ?? docs.Split('\n').FirstOrDefault(l => l.Contains($"`{family}`", StringComparison.Ordinal));
            Assert.True(row is not null, $"{rule.Id} is not documented");
            Assert.Contains($"| {rule.Weight} |", row, StringComparison.Ordinal);
        }
    }

    private static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Compliance.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Compliance.sln not found above the test output.");
    }
}
