using Compliance.Api.Features.WorkerVoice;
using Compliance.Domain.Reference;

namespace Compliance.UnitTests.WorkerVoice;

/// <summary>
/// DNH-5 at its root: each destination kind's consent is its own column. Setting one kind sets exactly that kind, read
/// back by <see cref="Grievance.ConsentsTo"/> and <see cref="Grievance.Consent"/>; kinds not named keep their value; an
/// unknown kind is refused rather than ignored. Named mutation: swap two <c>case</c> targets in
/// <c>Grievance.SetConsent</c> (consent given to one kind would open another's door).
/// </summary>
public class GrievanceConsentTests
{
    public static TheoryData<string> Kinds() => [.. DestinationKinds.All];

    private static Grievance NewCase() => new() { CaseReference = "WV-TEST", ReceiptHash = new byte[32], Language = "en", Status = "received" };

    [Theory]
    [MemberData(nameof(Kinds))]
    public void GivingOneKind_GivesThatKindOnly_AndWithdrawingIt_LeavesTheOthers(string kind)
    {
        var g = NewCase();
        g.SetConsent([KeyValuePair.Create(kind, true)]);

        Assert.True(g.ConsentsTo(kind));
        Assert.Equal([kind], g.Consent().Where(c => c.Value).Select(c => c.Key));
        Assert.Equal(DestinationKinds.All, g.Consent().Keys);

        var others = DestinationKinds.All.Where(k => k != kind).ToList();
        g.SetConsent(others.Select(k => KeyValuePair.Create(k, true)));
        g.SetConsent([KeyValuePair.Create(kind, false)]);
        Assert.False(g.ConsentsTo(kind));
        Assert.All(others, k => Assert.True(g.ConsentsTo(k)));
    }

    [Fact]
    public void AnUnknownKind_IsRefused_AndIsNeverConsentedTo()
    {
        var g = NewCase();
        g.SetConsent(DestinationKinds.All.Select(k => KeyValuePair.Create(k, true)));

        var e = Assert.Throws<ArgumentException>(() => g.SetConsent([KeyValuePair.Create("immigration", true)]));
        Assert.Contains("Unknown destination kind 'immigration'", e.Message, StringComparison.Ordinal);
        Assert.False(g.ConsentsTo("immigration"));
    }
}
