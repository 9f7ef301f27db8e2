using Compliance.Domain.Reference;

namespace Compliance.UnitTests.Reference;

public class GrievanceCategoriesTests
{
    [Theory]
    [InlineData("wages-unpaid", "FL08")]
    [InlineData("pay-deducted", "FL08,FL09")]
    [InlineData("job-different", "FL02")]
    [InlineData("conditions-different", "FL02,FL10")]
    [InlineData("unsafe-scared", "FL06")]
    [InlineData("forced-or-tricked", "FL02,FL06")]
    [InlineData("sexual-pressure", "FL05")]
    [InlineData("hurt-or-threatened", "FL05,FL06")]
    [InlineData("cannot-leave", "FL03")]
    [InlineData("no-contact-outside", "FL04")]
    [InlineData("documents-held", "FL07")]
    [InlineData("owe-money", "FL09")]
    [InlineData("paid-fee-for-job", "FL09")]
    [InlineData("too-many-hours", "FL11")]
    [InlineData("housing-bad", "FL10")]
    [InlineData("under-18", "CH01")]
    [InlineData("other", "")]
    public void IndicatorsOf_MapsEachCategoryToTheIssueList(string code, string expected)
    {
        Assert.Equal(expected, string.Join(',', GrievanceCategories.IndicatorsOf(code)));
    }

    [Fact]
    public void IsCritical_OnlyForViolenceConfinementAndChildren()
    {
        var critical = GrievanceCategories.All.Where(GrievanceCategories.IsCritical).Order(StringComparer.Ordinal);

        Assert.Equal(["cannot-leave", "hurt-or-threatened", "sexual-pressure", "under-18"], critical);
    }

    [Fact]
    public void All_HasSeventeenDistinctValidCodesMappingOnlyToKnownIndicators()
    {
        Assert.Equal(17, GrievanceCategories.All.Distinct().Count());
        Assert.All(GrievanceCategories.All, c => Assert.True(GrievanceCategories.IsValid(c)));
        Assert.All(GrievanceCategories.All.SelectMany(GrievanceCategories.IndicatorsOf), i => Assert.True(Indicators.IsValid(i)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Wages-Unpaid")]
    [InlineData("immigration")]
    public void IsValid_RejectsUnknownCodes(string? code) => Assert.False(GrievanceCategories.IsValid(code));

    [Fact]
    public void IndicatorsOf_UnknownCode_Throws() =>
        Assert.Throws<ArgumentException>(() => GrievanceCategories.IndicatorsOf("nope"));

    [Fact]
    public void IndicatorsFor_IsDistinctAndInReportingOrderWhateverTheInputOrder()
    {
        var forward = GrievanceCategories.IndicatorsFor(["under-18", "pay-deducted", "owe-money", "job-different"]);
        var backward = GrievanceCategories.IndicatorsFor(["job-different", "owe-money", "pay-deducted", "under-18"]);

        Assert.Equal(["FL02", "FL08", "FL09", "CH01"], forward);
        Assert.Equal(forward, backward);
    }

    [Fact]
    public void AnyCritical_TrueOnlyWhenACriticalCategoryIsPresent()
    {
        Assert.False(GrievanceCategories.AnyCritical(["wages-unpaid", "other"]));
        Assert.True(GrievanceCategories.AnyCritical(["wages-unpaid", "cannot-leave"]));
    }
}
