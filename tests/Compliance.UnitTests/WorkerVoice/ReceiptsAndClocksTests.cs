using System.Security.Cryptography;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Crypto;
using Compliance.Domain.Reference;

namespace Compliance.UnitTests.WorkerVoice;

public class ReceiptsAndClocksTests
{
    [Fact]
    public void Dnh9_Receipts_Are20Digits_GroupedBy4_AndNormalizeFromWhatAWorkerTypes()
    {
        var receipt = Receipts.New();
        Assert.Matches(@"^\d{20}$", receipt);
        Assert.True(Math.Log2(Math.Pow(10, Receipts.Digits)) >= 66);
        var grouped = Receipts.Grouped(receipt);
        Assert.Matches(@"^\d{4}( \d{4}){4}$", grouped);
        Assert.Equal(receipt, Receipts.Normalize(grouped));
        Assert.Equal(receipt, Receipts.Normalize(grouped.Replace(' ', '-')));
        Assert.Null(Receipts.Normalize("1234"));
        Assert.Null(Receipts.Normalize("abcd efgh ijkl mnop qrst"));
        Assert.NotEqual(Receipts.New(), Receipts.New());
    }

    [Fact]
    public void Dnh9_ReceiptHash_IsKeyed()
    {
        var a = new Receipts(new WorkerVoiceKeys(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32)));
        var b = new Receipts(new WorkerVoiceKeys(RandomNumberGenerator.GetBytes(32), RandomNumberGenerator.GetBytes(32)));
        Assert.NotEqual(a.Hash("12345678901234567890"), b.Hash("12345678901234567890"));
        Assert.Equal(a.Hash("12345678901234567890"), a.Hash("12345678901234567890"));
    }

    [Fact]
    public void Clocks_FollowBrief5()
    {
        var received = new DateTimeOffset(2026, 1, 31, 10, 0, 0, TimeSpan.Zero);
        Assert.Equal(received.AddDays(7), GrievanceClocks.AcknowledgeBy(received, critical: false));
        Assert.Equal(received.AddHours(24), GrievanceClocks.AcknowledgeBy(received, critical: true));
        Assert.Equal(received.AddDays(7).AddMonths(3), GrievanceClocks.FeedbackBy(received, null));
        Assert.Equal(received.AddDays(2).AddMonths(3), GrievanceClocks.FeedbackBy(received, received.AddDays(2)));
    }

    [Fact]
    public void Statuses_NeverLeaveClosed_AndNeverSkipAcknowledgement()
    {
        Assert.False(GrievanceStatuses.CanMove(GrievanceStatuses.Received, GrievanceStatuses.Closed));
        Assert.True(GrievanceStatuses.CanMove(GrievanceStatuses.Received, GrievanceStatuses.Acknowledged));
        Assert.All(GrievanceStatuses.All, s => Assert.False(GrievanceStatuses.CanMove(GrievanceStatuses.Closed, s)));
    }
}
