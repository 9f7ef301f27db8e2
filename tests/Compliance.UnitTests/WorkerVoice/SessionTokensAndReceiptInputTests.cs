using System.Security.Cryptography;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Crypto;

namespace Compliance.UnitTests.WorkerVoice;

public class SessionTokensAndReceiptInputTests
{
    private static readonly WorkerVoiceKeys Keys = new(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32));

    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    [Fact]
    public void ASessionToken_NamesItsCase_UntilTheEndOfItsLastSecond_AndNotAfter()
    {
        var clock = new ManualClock();
        var sessions = new FollowUpSessions(Keys, clock);
        var (tenant, grievance) = (Guid.NewGuid(), Guid.NewGuid());
        var token = sessions.Issue(tenant, grievance);

        clock.Now += FollowUpSessions.Lifetime;
        Assert.Equal((tenant, grievance), sessions.Read(token));

        clock.Now += TimeSpan.FromSeconds(1);
        Assert.Null(sessions.Read(token));
    }

    [Fact]
    public void ASessionToken_IsUrlSafe_AndReadsBack()
    {
        var sessions = new FollowUpSessions(Keys, new ManualClock());
        for (var i = 0; i < 20; i++)
        {
            var ids = (Guid.NewGuid(), Guid.NewGuid());
            var token = sessions.Issue(ids.Item1, ids.Item2);

            Assert.Matches("^[A-Za-z0-9_-]+$", token);
            Assert.Equal(ids, sessions.Read(token));
        }
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a token")]
    [InlineData("AAAA")]
    public void AMissingOrMalformedToken_NamesNoCase(string? token) =>
        Assert.Null(new FollowUpSessions(Keys, new ManualClock()).Read(token));

    [Fact]
    public void ATamperedForeignOrOverlongToken_NamesNoCase()
    {
        var sessions = new FollowUpSessions(Keys, new ManualClock());
        var token = sessions.Issue(Guid.NewGuid(), Guid.NewGuid());
        var tampered = (token[5] == 'A' ? "B" : "A") is var c ? token[..5] + c + token[6..] : token;
        var foreign = new FollowUpSessions(new WorkerVoiceKeys(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32)), new ManualClock());

        Assert.Null(sessions.Read(tampered));
        Assert.Null(foreign.Read(token));
        Assert.Null(sessions.Read(token + new string('A', 201 - token.Length)));
    }

    [Fact]
    public void AReceiptTypedWithSpacesAndDashes_IsAcceptedUpTo64Characters()
    {
        var receipt = Receipts.New();
        var spaced = Receipts.Grouped(receipt).Replace(" ", " - ", StringComparison.Ordinal);

        Assert.Equal(receipt, Receipts.Normalize(spaced));
        Assert.Equal(receipt, Receipts.Normalize(receipt.PadRight(64, ' ')));
        Assert.Null(Receipts.Normalize(receipt.PadRight(65, ' ')));
        Assert.Null(Receipts.Normalize(receipt[..19]));
        Assert.Null(Receipts.Normalize(receipt[..19] + "x"));
        Assert.Null(Receipts.Normalize(null));
    }

    [Fact]
    public void TheReviewNotesAssociatedId_DiffersFromTheCase_AndIsItsOwnInverse()
    {
        var id = new Guid("00112233-4455-6677-8899-aabbccddeeff");

        var note = TestimonyCrypto.ReviewNoteId(id);

        Assert.NotEqual(id, note);
        Assert.Equal(id, TestimonyCrypto.ReviewNoteId(note));
    }
}
