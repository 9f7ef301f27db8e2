using Compliance.Domain.Reference;

namespace Compliance.UnitTests.Reference;

public class CountriesTests
{
    /// <summary>Origin and destination countries named in the sources (BRIEF.md DNH-11, <c>002:330-334</c>, <c>003:55</c>).</summary>
    [Theory]
    [InlineData("MY")]
    [InlineData("NP")]
    [InlineData("BD")]
    [InlineData("ID")]
    [InlineData("MM")]
    [InlineData("KH")]
    [InlineData("VN")]
    [InlineData("PH")]
    [InlineData("PK")]
    [InlineData("LK")]
    [InlineData("CN")]
    [InlineData("TH")]
    [InlineData("AD")]
    [InlineData("ZW")]
    public void IsValid_AcceptsOfficiallyAssignedAlpha2Codes(string code) => Assert.True(Countries.IsValid(code));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData("my")]
    [InlineData("My")]
    [InlineData("MYS")]
    [InlineData("M")]
    [InlineData(" MY")]
    [InlineData("UK")]
    [InlineData("XK")]
    [InlineData("EU")]
    [InlineData("ZZ")]
    public void IsValid_RejectsLowerCaseAlpha3UserAssignedAndUnassignedCodes(string? code) => Assert.False(Countries.IsValid(code));

    [Fact]
    public void IsValid_AcceptsExactlyThe249OfficiallyAssignedCodes()
    {
        var valid = Enumerable.Range('A', 26)
            .SelectMany(a => Enumerable.Range('A', 26).Select(b => $"{(char)a}{(char)b}"))
            .Count(Countries.IsValid);

        Assert.Equal(249, valid);
    }
}
