using Compliance.Domain.Reference;

namespace Compliance.UnitTests.Reference;

public class RandomCodesTests
{
    private const string Crockford = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    [Theory]
    [InlineData(1)]
    [InlineData(8)]
    [InlineData(20)]
    public void New_HasTheRequestedLengthAndOnlyCrockfordCharacters(int length)
    {
        var code = RandomCodes.New(length);

        Assert.Equal(length, code.Length);
        Assert.All(code, c => Assert.Contains(c, Crockford));
        Assert.True(RandomCodes.IsWellFormed(code, length));
    }

    [Fact]
    public void New_UsesAll32CharactersAndNeverIlou()
    {
        // 8,000 draws: the chance that a given character of 32 never appears is (31/32)^8000, about 1e-110.
        var seen = string.Concat(Enumerable.Range(0, 1000).Select(_ => RandomCodes.New(8)));

        Assert.Equal(Crockford.Order(), seen.Distinct().Order());
        Assert.DoesNotContain(seen, c => "ILOU".Contains(c, StringComparison.Ordinal));
    }

    [Fact]
    public void New_CarriesNoSequence_TwoCodesDiffer()
    {
        var codes = Enumerable.Range(0, 100).Select(_ => RandomCodes.New(8)).ToList();

        Assert.Equal(codes.Count, codes.Distinct().Count());
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    public void New_WithoutAPositiveLength_Throws(int length) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RandomCodes.New(length));

    [Theory]
    [InlineData("0123ABCD", 8)]
    [InlineData("VWXYZ789", 8)]
    [InlineData("Z", 1)]
    public void IsWellFormed_AcceptsCrockfordCodesOfTheRightLength(string code, int length) =>
        Assert.True(RandomCodes.IsWellFormed(code, length));

    [Theory]
    [InlineData(null, 8)]
    [InlineData("", 8)]
    [InlineData("0123ABC", 8)]
    [InlineData("0123ABCDE", 8)]
    [InlineData("0123ABCI", 8)]
    [InlineData("0123ABCL", 8)]
    [InlineData("0123ABCO", 8)]
    [InlineData("0123ABCU", 8)]
    [InlineData("0123abcd", 8)]
    [InlineData("0123-BCD", 8)]
    [InlineData("0123 BCD", 8)]
    public void IsWellFormed_RejectsWrongLengthAndCharactersOutsideTheAlphabet(string? code, int length) =>
        Assert.False(RandomCodes.IsWellFormed(code, length));
}
