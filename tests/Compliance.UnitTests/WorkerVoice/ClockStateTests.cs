using Compliance.Api.Features.WorkerVoice;
using Compliance.Domain.Reference;

namespace Compliance.UnitTests.WorkerVoice;

/// <summary>The inbox's clock states (issue #19): on track, at risk (under a quarter of the window left), overdue.</summary>
public class ClockStateTests
{
    private static readonly DateTimeOffset Received = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);

    private static Grievance Case(bool critical = false) => new()
    {
        CaseReference = "WV-TEST",
        ReceiptHash = [],
        Language = "en",
        Status = GrievanceStatuses.Received,
        ReceivedAt = Received,
        Critical = critical,
        AcknowledgeBy = GrievanceClocks.AcknowledgeBy(Received, critical),
        FeedbackBy = GrievanceClocks.FeedbackBy(Received, null),
    };

    [Theory]
    [InlineData(1.0, "on-track")]
    [InlineData(5.2, "on-track")] // 1.8 days of 7 left: 25.7 %
    [InlineData(5.3, "at-risk")] // 1.7 days of 7 left: 24.3 %
    [InlineData(6.99, "at-risk")]
    [InlineData(7.01, "overdue")]
    public void TheAcknowledgementClock_RunsFromReceipt(double daysLater, string expected) =>
        Assert.Equal(expected, GrievanceClocks.StateOf(Case(), Received.AddDays(daysLater)));

    [Fact]
    public void ACriticalCase_IsAtRiskWithinItsLastSixHours_AndOverdueAfterADay()
    {
        Assert.Equal(GrievanceClocks.OnTrack, GrievanceClocks.StateOf(Case(critical: true), Received.AddHours(17)));
        Assert.Equal(GrievanceClocks.AtRisk, GrievanceClocks.StateOf(Case(critical: true), Received.AddHours(19)));
        Assert.Equal(GrievanceClocks.Overdue, GrievanceClocks.StateOf(Case(critical: true), Received.AddHours(25)));
    }

    [Fact]
    public void OnceAcknowledged_TheFeedbackClockRuns_AndOnceAnswered_NoneDoes()
    {
        var g = Case();
        g.AcknowledgedAt = Received.AddDays(2);
        g.FeedbackBy = GrievanceClocks.FeedbackBy(Received, g.AcknowledgedAt);
        Assert.Equal((g.AcknowledgedAt.Value, g.FeedbackBy), GrievanceClocks.Running(g));
        Assert.Equal(GrievanceClocks.OnTrack, GrievanceClocks.StateOf(g, Received.AddDays(30)));
        Assert.Equal(GrievanceClocks.Overdue, GrievanceClocks.StateOf(g, g.FeedbackBy.AddMinutes(1)));

        g.FeedbackAt = Received.AddDays(10);
        Assert.Null(GrievanceClocks.Running(g));
        Assert.Null(GrievanceClocks.StateOf(g, Received.AddYears(1)));
    }

    [Theory]
    [InlineData(GrievanceStatuses.Closed)]
    [InlineData(GrievanceStatuses.Resolved)]
    public void AnEndedCase_RunsNoClock(string status)
    {
        var g = Case();
        g.Status = status;
        Assert.Null(GrievanceClocks.StateOf(g, Received.AddDays(30)));
        Assert.False(GrievanceClocks.DueWithin(Received.AddDays(6.5), TimeSpan.FromDays(1)).Compile()(g));
    }

    [Fact]
    public void DueWithinADay_MatchesTheRunningClocksDueDay_NotAnEarlierOne()
    {
        var dueSoon = GrievanceClocks.DueWithin(Received.AddDays(6.5), TimeSpan.FromDays(1)).Compile();
        var notYet = GrievanceClocks.DueWithin(Received.AddDays(5.5), TimeSpan.FromDays(1)).Compile();
        Assert.True(dueSoon(Case()));
        Assert.False(notYet(Case()));

        var acknowledged = Case();
        acknowledged.AcknowledgedAt = Received.AddDays(1);
        acknowledged.FeedbackBy = GrievanceClocks.FeedbackBy(Received, acknowledged.AcknowledgedAt);
        Assert.False(dueSoon(acknowledged));
        Assert.True(GrievanceClocks.DueWithin(acknowledged.FeedbackBy.AddHours(-2), TimeSpan.FromDays(1)).Compile()(acknowledged));
    }

    [Theory]
    [InlineData("sent", "2026-03-09", "2026-03-10", true)]
    [InlineData("accepted", "2026-03-09", "2026-03-10", true)]
    [InlineData("sent", "2026-03-10", "2026-03-10", false)]
    [InlineData("closed", "2026-03-01", "2026-03-10", false)]
    [InlineData("declined", "2026-03-01", "2026-03-10", false)]
    public void AReferralsFollowUp_IsOverdue_WhileOpenAndPastItsDay(string state, string followUpBy, string today, bool overdue) =>
        Assert.Equal(overdue, CaseReferral.IsOverdue(state, DateOnly.Parse(followUpBy, System.Globalization.CultureInfo.InvariantCulture), DateOnly.Parse(today, System.Globalization.CultureInfo.InvariantCulture)));
    [Fact]
    public void AtTheDueInstant_ACaseIsAtRisk_NotYetOverdue_AndAMomentLaterItIs()
    {
        var due = Case().AcknowledgeBy;

        Assert.Equal(GrievanceClocks.AtRisk, GrievanceClocks.StateOf(Case(), due));
        Assert.Equal(GrievanceClocks.Overdue, GrievanceClocks.StateOf(Case(), due.AddTicks(1)));
    }

    [Fact]
    public void ExactlyAQuarterOfTheWindowLeft_IsStillOnTrack()
    {
        var g = Case();

        Assert.Equal(GrievanceClocks.OnTrack, GrievanceClocks.StateOf(g, g.AcknowledgeBy - TimeSpan.FromDays(7 * 0.25)));
        Assert.Equal(GrievanceClocks.AtRisk, GrievanceClocks.StateOf(g, g.AcknowledgeBy - TimeSpan.FromDays(7 * 0.25) + TimeSpan.FromTicks(1)));
    }

    [Fact]
    public void AClockWhoseWindowHasNoLength_IsAtRiskUntilDue()
    {
        var g = Case();
        g.AcknowledgeBy = g.ReceivedAt;

        Assert.Equal(GrievanceClocks.AtRisk, GrievanceClocks.StateOf(g, g.ReceivedAt));
    }

    [Fact]
    public void DueWithin_IncludesADueInstantExactlyAtTheHorizon_ForEitherClock()
    {
        var fresh = Case();
        Assert.True(GrievanceClocks.DueWithin(fresh.AcknowledgeBy - TimeSpan.FromDays(1), TimeSpan.FromDays(1)).Compile()(fresh));
        Assert.False(GrievanceClocks.DueWithin(fresh.AcknowledgeBy - TimeSpan.FromDays(1) - TimeSpan.FromTicks(1), TimeSpan.FromDays(1)).Compile()(fresh));

        var acknowledged = Case();
        acknowledged.AcknowledgedAt = Received.AddDays(1);
        acknowledged.FeedbackBy = GrievanceClocks.FeedbackBy(Received, acknowledged.AcknowledgedAt);
        var atHorizon = GrievanceClocks.DueWithin(acknowledged.FeedbackBy - TimeSpan.FromDays(1), TimeSpan.FromDays(1)).Compile();
        Assert.True(atHorizon(acknowledged));
        Assert.False(GrievanceClocks.DueWithin(acknowledged.FeedbackBy - TimeSpan.FromDays(1) - TimeSpan.FromTicks(1), TimeSpan.FromDays(1)).Compile()(acknowledged));

        acknowledged.FeedbackAt = Received.AddDays(2);
        Assert.False(atHorizon(acknowledged));
    }

    /// <summary>The SQL predicates (compiled here) and the in-memory ones say the same at every edge.</summary>
    [Theory]
    [InlineData(false, false, -1, false, false)]
    [InlineData(false, false, 0, false, false)]
    [InlineData(false, false, 1, true, false)]
    [InlineData(true, false, 1, false, false)]
    [InlineData(true, false, 92 * 24 * 60, false, false)]
    [InlineData(true, false, 1 + (92 * 24 * 60), false, true)]
    [InlineData(true, true, 1 + (92 * 24 * 60), false, false)]
    public void OverduePredicates_AgreeWithTheInMemoryRule(bool acknowledged, bool answered, int minutesPastAcknowledgeBy, bool acknowledgeOverdue, bool feedbackOverdue)
    {
        var g = Case();
        if (acknowledged)
        {
            g.AcknowledgedAt = g.AcknowledgeBy;
            g.FeedbackBy = GrievanceClocks.FeedbackBy(Received, g.AcknowledgedAt);
        }

        if (answered)
        {
            g.FeedbackAt = g.AcknowledgeBy;
        }

        var now = g.AcknowledgeBy.AddMinutes(minutesPastAcknowledgeBy);

        Assert.Equal(acknowledgeOverdue, GrievanceClocks.IsAcknowledgeOverdue(g, now));
        Assert.Equal(acknowledgeOverdue, GrievanceClocks.AcknowledgeOverdue(now).Compile()(g));
        Assert.Equal(feedbackOverdue, GrievanceClocks.IsFeedbackOverdue(g, now));
        Assert.Equal(feedbackOverdue, GrievanceClocks.FeedbackOverdue(now).Compile()(g));
        Assert.Equal(acknowledgeOverdue || feedbackOverdue, GrievanceClocks.AnyOverdue(now).Compile()(g));
        Assert.Equal(!(acknowledgeOverdue || feedbackOverdue), GrievanceClocks.Not(GrievanceClocks.AnyOverdue(now)).Compile()(g));
    }
}
