using Compliance.Domain.Risk;

namespace Compliance.UnitTests.Risk;

public class RiskLevelsTests
{
    [Fact]
    public void FromScore_IsMonotoneOverTheWholeRange()
    {
        var levels = Enumerable.Range(0, 101).Select(RiskLevels.FromScore).ToList();

        Assert.Equal(RiskLevel.Low, levels[0]);
        Assert.Equal(RiskLevel.Critical, levels[100]);
        Assert.All(levels.Zip(levels.Skip(1)), pair => Assert.True(pair.Second >= pair.First));
    }

    [Fact]
    public void Bands_StartAtZeroAreStrictlyAscendingAndCoverEveryLevel()
    {
        Assert.Equal(0, RiskLevels.Bands[0].MinScore);
        Assert.All(RiskLevels.Bands.Zip(RiskLevels.Bands.Skip(1)), p => Assert.True(p.Second.MinScore > p.First.MinScore && p.Second.Level > p.First.Level));
        Assert.Equal(Enum.GetValues<RiskLevel>(), RiskLevels.Bands.Select(b => b.Level));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(101)]
    public void FromScore_OutsideTheRange_Throws(int score) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => RiskLevels.FromScore(score));

    [Fact]
    public void MinScore_IsTheLowestScoreWithThatLevel()
    {
        foreach (var level in Enum.GetValues<RiskLevel>())
        {
            var min = RiskLevels.MinScore(level);
            Assert.Equal(level, RiskLevels.FromScore(min));
            Assert.True(min == 0 || RiskLevels.FromScore(min - 1) < level);
        }
    }

    [Theory]
    [InlineData(0, RiskLevel.Low)]
    [InlineData(14, RiskLevel.Low)]
    [InlineData(15, RiskLevel.Medium)]
    [InlineData(49, RiskLevel.Medium)]
    [InlineData(50, RiskLevel.High)]
    [InlineData(74, RiskLevel.High)]
    [InlineData(75, RiskLevel.Critical)]
    [InlineData(100, RiskLevel.Critical)]
    public void FromScore_FollowsTheDocumentedBands(int score, RiskLevel expected) =>
        Assert.Equal(expected, RiskLevels.FromScore(score));

    [Theory]
    [InlineData(RiskLevel.Low, 0, "low")]
    [InlineData(RiskLevel.Medium, 15, "medium")]
    [InlineData(RiskLevel.High, 50, "high")]
    [InlineData(RiskLevel.Critical, 75, "critical")]
    public void MinScoreAndCode_AreTheDocumentedBandTable(RiskLevel level, int minScore, string code)
    {
        Assert.Equal(minScore, RiskLevels.MinScore(level));
        Assert.Equal(code, RiskLevels.Code(level));
    }

    [Fact]
    public void Levels_AreOrderedByHowSeriousTheyAre()
    {
        Assert.Equal([0, 1, 2, 3], new[] { RiskLevel.Low, RiskLevel.Medium, RiskLevel.High, RiskLevel.Critical }.Select(l => (int)l));
        Assert.Equal(100, RiskLevels.MaxScore);
    }

    [Fact]
    public void CodeAndMinScore_OfAnUnknownLevel_Throw()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RiskLevels.Code((RiskLevel)4));
        Assert.Throws<InvalidOperationException>(() => RiskLevels.MinScore((RiskLevel)4));
    }
}
