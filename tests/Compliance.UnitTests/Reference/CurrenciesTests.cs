using Compliance.Domain.Reference;

namespace Compliance.UnitTests.Reference;

public class CurrenciesTests
{
    [Theory]
    [InlineData("MYR", 12.34, true)]
    [InlineData("MYR", 12.345, false)]
    [InlineData("JPY", 100, true)]
    [InlineData("JPY", 100.5, false)]
    [InlineData("KWD", 1.234, true)]
    public void FitsMinorUnits_ChecksDecimalsAgainstIso4217(string code, double amount, bool expected)
        => Assert.Equal(expected, Currencies.FitsMinorUnits(code, (decimal)amount));

    [Theory]
    [InlineData("RM", false)]
    [InlineData("NPR", true)]
    [InlineData("npr", false)]
    public void IsValid_AcceptsOnlyUpperCaseIsoCodes(string code, bool expected)
        => Assert.Equal(expected, Currencies.IsValid(code));

    [Theory]
    [InlineData("MYR", 2)]
    [InlineData("USD", 2)]
    [InlineData("NPR", 2)]
    [InlineData("BDT", 2)]
    [InlineData("IDR", 2)]
    [InlineData("MMK", 2)]
    [InlineData("VND", 0)]
    [InlineData("JPY", 0)]
    [InlineData("KRW", 0)]
    [InlineData("KWD", 3)]
    [InlineData("BHD", 3)]
    [InlineData("OMR", 3)]
    public void MinorUnitsOf_IsIso4217(string code, int expected)
    {
        Assert.True(Currencies.IsValid(code));
        Assert.Equal(expected, Currencies.MinorUnitsOf(code));
    }

    [Fact]
    public void MinorUnitsOf_UnknownCode_Throws() =>
        Assert.Throws<KeyNotFoundException>(() => Currencies.MinorUnitsOf("RM"));

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("MY")]
    [InlineData("MYRR")]
    public void IsValid_RejectsMissingAndMalformedCodes(string? code) => Assert.False(Currencies.IsValid(code));

    [Theory]
    [InlineData("VND", 150000, true)]
    [InlineData("VND", 0.5, false)]
    [InlineData("KWD", 1.2345, false)]
    [InlineData("OMR", 0.001, true)]
    [InlineData("USD", 0.01, true)]
    [InlineData("USD", 0.001, false)]
    public void FitsMinorUnits_AtTheEdgeOfEachCurrencysDecimals(string code, double amount, bool expected)
        => Assert.Equal(expected, Currencies.FitsMinorUnits(code, (decimal)amount));
}
