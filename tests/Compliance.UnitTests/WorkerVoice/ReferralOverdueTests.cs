using Compliance.Api.Features.WorkerVoice;

namespace Compliance.UnitTests.WorkerVoice;

/// <summary>
/// A referral's follow-up is overdue the day after its date, unless the referral ended (closed or declined). Named
/// mutations: <c>&lt;</c> to <c>&lt;=</c> (due today would read as overdue); drop <c>Declined</c> from the ended states.
/// </summary>
public class ReferralOverdueTests
{
    private static readonly DateOnly Today = new(2026, 12, 6);

    [Theory]
    [InlineData(CaseReferral.Sent, -1, true)]
    [InlineData(CaseReferral.Accepted, -1, true)]
    [InlineData(CaseReferral.ReferredOn, -30, true)]
    [InlineData(CaseReferral.Sent, 0, false)]
    [InlineData(CaseReferral.Accepted, 1, false)]
    [InlineData(CaseReferral.Closed, -1, false)]
    [InlineData(CaseReferral.Declined, -1, false)]
    public void OverdueOnlyPastTheDate_AndOnlyWhileTheReferralRuns(string state, int daysFromToday, bool overdue) =>
        Assert.Equal(overdue, CaseReferral.IsOverdue(state, Today.AddDays(daysFromToday), Today));
}
