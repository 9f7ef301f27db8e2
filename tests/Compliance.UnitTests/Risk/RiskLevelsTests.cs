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
}
