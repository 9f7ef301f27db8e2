using Compliance.Domain.Reference;

namespace Compliance.UnitTests.Reference;

public class IndicatorsTests
{
    [Fact]
    public void All_AreTheElevenIloIndicatorsThenTheChildCode_InReportingOrder() =>
        Assert.Equal(["FL01", "FL02", "FL03", "FL04", "FL05", "FL06", "FL07", "FL08", "FL09", "FL10", "FL11", "CH01"], Indicators.All);

    [Theory]
    [InlineData(Indicators.AbuseOfVulnerability, "FL01", "Abuse of vulnerability")]
    [InlineData(Indicators.Deception, "FL02", "Deception")]
    [InlineData(Indicators.RestrictionOfMovement, "FL03", "Restriction of movement")]
    [InlineData(Indicators.Isolation, "FL04", "Isolation")]
    [InlineData(Indicators.PhysicalAndSexualViolence, "FL05", "Physical and sexual violence")]
    [InlineData(Indicators.IntimidationAndThreats, "FL06", "Intimidation and threats")]
    [InlineData(Indicators.RetentionOfIdentityDocuments, "FL07", "Retention of identity documents")]
    [InlineData(Indicators.WithholdingOfWages, "FL08", "Withholding of wages")]
    [InlineData(Indicators.DebtBondage, "FL09", "Debt bondage")]
    [InlineData(Indicators.AbusiveWorkingAndLivingConditions, "FL10", "Abusive working and living conditions")]
    [InlineData(Indicators.ExcessiveOvertime, "FL11", "Excessive overtime")]
    [InlineData(Indicators.ChildUnder18, "CH01", "Worker under 18")]
    public void Names_AreTheBriefTable(string constant, string code, string name)
    {
        Assert.Equal(code, constant);
        Assert.Equal(name, Indicators.Names[code]);
        Assert.True(Indicators.IsValid(code));
    }

    [Fact]
    public void Names_NameExactlyTheIndicators() =>
        Assert.Equal(Indicators.All.Order(StringComparer.Ordinal), Indicators.Names.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("fl01")]
    [InlineData("FL12")]
    [InlineData("FL00")]
    [InlineData("CH02")]
    public void IsValid_RejectsEverythingElse(string? code) => Assert.False(Indicators.IsValid(code));
}
