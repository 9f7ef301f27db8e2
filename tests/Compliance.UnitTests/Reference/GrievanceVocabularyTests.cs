using Compliance.Domain.Reference;

namespace Compliance.UnitTests.Reference;

public class GrievanceVocabularyTests
{
    [Fact]
    public void Statuses_AreTheDocumentedSix()
    {
        Assert.Equal(["received", "acknowledged", "in-progress", "resolved", "referred", "closed"], GrievanceStatuses.All);
        Assert.Equal(
            [GrievanceStatuses.Received, GrievanceStatuses.Acknowledged, GrievanceStatuses.InProgress, GrievanceStatuses.Resolved, GrievanceStatuses.Referred, GrievanceStatuses.Closed],
            GrievanceStatuses.All);
    }

    // docs/worker-voice.md: received → acknowledged → in-progress → resolved | referred | closed; resolved/referred may go
    // back to in-progress or on to closed; closed is final.
    [Theory]
    [InlineData("received", "acknowledged")]
    [InlineData("acknowledged", "in-progress")]
    [InlineData("in-progress", "resolved")]
    [InlineData("in-progress", "referred")]
    [InlineData("in-progress", "closed")]
    [InlineData("resolved", "in-progress")]
    [InlineData("resolved", "closed")]
    [InlineData("referred", "in-progress")]
    [InlineData("referred", "closed")]
    public void CanMove_AllowsTheDocumentedMoves(string from, string to) => Assert.True(GrievanceStatuses.CanMove(from, to));

    [Theory]
    [InlineData("received", "in-progress")]
    [InlineData("received", "resolved")]
    [InlineData("received", "closed")]
    [InlineData("received", "received")]
    [InlineData("acknowledged", "received")]
    [InlineData("in-progress", "acknowledged")]
    [InlineData("in-progress", "received")]
    [InlineData("resolved", "referred")]
    [InlineData("referred", "resolved")]
    [InlineData("closed", "in-progress")]
    [InlineData("closed", "received")]
    [InlineData("withdrawn", "closed")]
    [InlineData("received", "withdrawn")]
    public void CanMove_RejectsEverythingElse(string from, string to) => Assert.False(GrievanceStatuses.CanMove(from, to));

    [Fact]
    public void Severities_RunFromLowToCritical() =>
        Assert.Equal(["low", "medium", "high", "critical"], Severities.All);

    [Fact]
    public void Severities_CriticalIsTheLast()
    {
        Assert.Equal("critical", Severities.Critical);
        Assert.Equal(Severities.Critical, Severities.All[^1]);
    }

    [Fact]
    public void CaseReferences_AreWvAndEightCrockfordCharacters()
    {
        var reference = CaseReferences.New();

        Assert.Matches("^WV-[0-9A-HJKMNP-TV-Z]{8}$", reference);
        Assert.True(RandomCodes.IsWellFormed(reference["WV-".Length..], 8));
        Assert.NotEqual(reference, CaseReferences.New());
    }
}
