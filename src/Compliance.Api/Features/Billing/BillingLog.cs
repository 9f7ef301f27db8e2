namespace Compliance.Api.Features.Billing;

/// <summary>Billing's log lines: event ids, types and states only; never payloads, emails or keys.</summary>
internal static partial class BillingLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventType} {EventId} ignored")]
    public static partial void EventIgnored(ILogger logger, string eventType, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventId} already applied")]
    public static partial void EventDuplicate(ILogger logger, string eventId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stripe event {EventType} {EventId} applied: {Plan} {Status} -> {NewPlan} {NewStatus}")]
    public static partial void EventApplied(ILogger logger, string eventType, string eventId, string plan, string status, string newPlan, string newStatus);
}
