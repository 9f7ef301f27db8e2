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

    [Fact]
    public void Get_ReturnsTheWholeDefinition()
    {
        var category = GrievanceCategories.Get(GrievanceCategories.HurtOrThreatened);

        Assert.Equal("hurt-or-threatened", category.Code);
        Assert.Equal(["FL05", "FL06"], category.Indicators);
        Assert.True(category.IsCritical);
        Assert.False(GrievanceCategories.Get(GrievanceCategories.Other).IsCritical);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("Cannot-Leave")]
    public void Get_UnknownOrMissingCode_ThrowsAnArgumentExceptionNamingIt(string? code)
    {
        var error = Assert.Throws<ArgumentException>(() => GrievanceCategories.Get(code!));

        Assert.Equal("code", error.ParamName);
        Assert.Contains($"'{code}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void IsCritical_UnknownCode_Throws() =>
        Assert.Throws<ArgumentException>(() => GrievanceCategories.IsCritical("nope"));

    [Fact]
    public void IndicatorsFor_NoCategoriesOrOnlyOther_IsEmpty()
    {
        Assert.Empty(GrievanceCategories.IndicatorsFor([]));
        Assert.Empty(GrievanceCategories.IndicatorsFor(["other"]));
    }

    [Fact]
    public void AnyCritical_NoCategories_IsFalse() => Assert.False(GrievanceCategories.AnyCritical([]));

    [Fact]
    public void IndicatorsForAndAnyCritical_RejectNull()
    {
        Assert.Equal("codes", Assert.Throws<ArgumentNullException>(() => GrievanceCategories.IndicatorsFor(null!)).ParamName);
        Assert.Equal("codes", Assert.Throws<ArgumentNullException>(() => GrievanceCategories.AnyCritical(null!)).ParamName);
    }
}
