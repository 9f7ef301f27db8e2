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
}
