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
}
