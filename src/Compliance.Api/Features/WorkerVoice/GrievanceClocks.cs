using System.Linq.Expressions;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>
/// The grievance clocks (BRIEF.md §5): acknowledge within 7 days (24 h when critical); feed back within 3 months
/// of acknowledgement, or of receipt + 7 days when never acknowledged. The overdue predicates are expressions so
/// lists and the clock job evaluate the very same rule in SQL.
/// </summary>
public static class GrievanceClocks
{
    public static readonly TimeSpan AcknowledgeWindow = TimeSpan.FromDays(7);
    public static readonly TimeSpan CriticalAcknowledgeWindow = TimeSpan.FromHours(24);
    public const int FeedbackMonths = 3;

    public static DateTimeOffset AcknowledgeBy(DateTimeOffset receivedAt, bool critical) =>
        receivedAt + (critical ? CriticalAcknowledgeWindow : AcknowledgeWindow);

    public static DateTimeOffset FeedbackBy(DateTimeOffset receivedAt, DateTimeOffset? acknowledgedAt) =>
        (acknowledgedAt ?? receivedAt + AcknowledgeWindow).AddMonths(FeedbackMonths);

    public static Expression<Func<Grievance, bool>> AcknowledgeOverdue(DateTimeOffset now) =>
        g => g.AcknowledgedAt == null && g.AcknowledgeBy < now;

    public static Expression<Func<Grievance, bool>> FeedbackOverdue(DateTimeOffset now) =>
        g => g.FeedbackAt == null && g.FeedbackBy < now;

    public static Expression<Func<Grievance, bool>> AnyOverdue(DateTimeOffset now) =>
        g => (g.AcknowledgedAt == null && g.AcknowledgeBy < now) || (g.FeedbackAt == null && g.FeedbackBy < now);

    public static bool IsAcknowledgeOverdue(Grievance g, DateTimeOffset now) => g.AcknowledgedAt is null && g.AcknowledgeBy < now;

    public static bool IsFeedbackOverdue(Grievance g, DateTimeOffset now) => g.FeedbackAt is null && g.FeedbackBy < now;

    public const string OnTrack = "on-track";
    public const string AtRisk = "at-risk";
    public const string Overdue = "overdue";

    public static readonly IReadOnlyList<string> States = [OnTrack, AtRisk, Overdue];

    /// <summary>Under this share of a clock's window left, the case is at risk.</summary>
    public const double AtRiskShare = 0.25;

    /// <summary>
    /// The clock a case runs on now: acknowledgement until acknowledged, then feedback until a handler answered; none
    /// once both are met or the case has ended. <c>Start</c> is when that clock's window opened.
    /// </summary>
    public static (DateTimeOffset Start, DateTimeOffset Due)? Running(Grievance g)
    {
        if (g.ClosedAt is not null || g.Status is Compliance.Domain.Reference.GrievanceStatuses.Closed or Compliance.Domain.Reference.GrievanceStatuses.Resolved)
        {
            return null;
        }

        if (g.AcknowledgedAt is null)
        {
            return (g.ReceivedAt, g.AcknowledgeBy);
        }

        return g.FeedbackAt is null ? (g.AcknowledgedAt.Value, g.FeedbackBy) : null;
    }

    /// <summary>On track, at risk (under a quarter of the window left) or overdue; null when no clock runs.</summary>
    public static string? StateOf(Grievance g, DateTimeOffset now)
    {
        if (Running(g) is not var (start, due))
        {
            return null;
        }

        if (due < now)
        {
            return Overdue;
        }

        var window = due - start;
        return window <= TimeSpan.Zero || (due - now).Ticks < window.Ticks * AtRiskShare ? AtRisk : OnTrack;
    }

    /// <summary>Open cases whose running clock falls due within <paramref name="within"/> of <paramref name="now"/> (the reminder job).</summary>
    public static Expression<Func<Grievance, bool>> DueWithin(DateTimeOffset now, TimeSpan within)
    {
        var horizon = now + within;
        return g => g.ClosedAt == null
            && g.Status != Compliance.Domain.Reference.GrievanceStatuses.Closed && g.Status != Compliance.Domain.Reference.GrievanceStatuses.Resolved
            && ((g.AcknowledgedAt == null && g.AcknowledgeBy <= horizon) || (g.AcknowledgedAt != null && g.FeedbackAt == null && g.FeedbackBy <= horizon));
    }

    /// <summary>The negation of a clock predicate, still translatable to SQL.</summary>
    public static Expression<Func<Grievance, bool>> Not(Expression<Func<Grievance, bool>> predicate) =>
        Expression.Lambda<Func<Grievance, bool>>(Expression.Not(predicate.Body), predicate.Parameters);
}
