namespace Compliance.Api.Features.Billing;

/// <summary>
/// A tenant's billing state (table <c>billing_accounts</c>). Pure: the transitions below decide what a Stripe
/// event changes, so out-of-order and repeated delivery converge on the same state.
/// </summary>
public sealed record BillingState
{
    public static readonly BillingState Default = new() { Plan = BillingOptions.Free, Status = SubscriptionStatuses.Active };

    public required string Plan { get; init; }

    public required string Status { get; init; }

    public string? StripeCustomerId { get; init; }

    public string? StripeSubscriptionId { get; init; }

    public DateTimeOffset? CurrentPeriodEnd { get; init; }

    public DateTimeOffset? DelinquentSince { get; init; }

    /// <summary>Created time of the subscription event the state reflects; null before any subscription event.</summary>
    public DateTimeOffset? StateAsOf { get; init; }

    public string? StateEventId { get; init; }

    public string? LastInvoiceStatus { get; init; }

    public DateTimeOffset? LastInvoiceAt { get; init; }

    /// <summary>The plan whose limits apply: a subscription that never started or has ended falls back to free.</summary>
    public string EffectivePlan => Status is SubscriptionStatuses.Canceled or SubscriptionStatuses.Incomplete or SubscriptionStatuses.IncompleteExpired
        ? BillingOptions.Free
        : Plan;

    /// <summary>A paid subscription that is still running (checkout would create a second one).</summary>
    public bool HasLiveSubscription => Plan != BillingOptions.Free && StripeSubscriptionId is not null
        && Status is SubscriptionStatuses.Active or SubscriptionStatuses.Trialing or SubscriptionStatuses.PastDue or SubscriptionStatuses.Unpaid;

    /// <summary>When employer-side writes stop, or null while they are allowed whatever the clock says.</summary>
    public DateTimeOffset? WritesRefusedFrom(int graceDays) =>
        Status is SubscriptionStatuses.PastDue or SubscriptionStatuses.Unpaid or SubscriptionStatuses.Canceled && DelinquentSince is { } since
            ? since.AddDays(graceDays)
            : null;
}

public static class SubscriptionStatuses
{
    public const string Active = "active";
    public const string Trialing = "trialing";
    public const string PastDue = "past_due";
    public const string Unpaid = "unpaid";
    public const string Canceled = "canceled";
    public const string Incomplete = "incomplete";
    public const string IncompleteExpired = "incomplete_expired";
    public const string Paused = "paused";
}

/// <summary>What a <c>customer.subscription.*</c> event says about the subscription (its object, not our guess).</summary>
/// <param name="Plan">The plan of the subscription's price, or null for a price we do not sell.</param>
public sealed record SubscriptionSnapshot(
    string EventId,
    DateTimeOffset EventCreated,
    string SubscriptionId,
    string Status,
    string? Plan,
    DateTimeOffset? PeriodStart,
    DateTimeOffset? PeriodEnd,
    DateTimeOffset? EndedAt);

public static class BillingTransitions
{
    /// <summary>
    /// Applies a subscription event unless the state already reflects a later one. Events are ordered by
    /// (created, ended-before-not, event id), a total order, so any delivery order ends in the same state.
    /// A cancelled subscription stays cancelled: Stripe never revives one.
    /// </summary>
    public static BillingState Apply(BillingState state, SubscriptionSnapshot e)
    {
        if (state.StateAsOf is { } asOf && Compare(e, asOf, state.StateEventId, state.Status == SubscriptionStatuses.Canceled) <= 0)
        {
            return state;
        }

        if (state.StripeSubscriptionId == e.SubscriptionId && state.Status == SubscriptionStatuses.Canceled && e.Status != SubscriptionStatuses.Canceled)
        {
            return state;
        }

        var delinquentSince = e.Status switch
        {
            SubscriptionStatuses.PastDue or SubscriptionStatuses.Unpaid => e.PeriodStart ?? e.EventCreated,
            SubscriptionStatuses.Canceled => e.EndedAt ?? e.EventCreated,
            _ => (DateTimeOffset?)null,
        };

        return state with
        {
            Plan = e.Plan ?? state.Plan,
            Status = e.Status,
            StripeSubscriptionId = e.SubscriptionId,
            CurrentPeriodEnd = e.PeriodEnd ?? state.CurrentPeriodEnd,
            DelinquentSince = delinquentSince,
            StateAsOf = e.EventCreated,
            StateEventId = e.EventId,
        };
    }

    /// <summary>
    /// A completed checkout links the customer and, until the subscription's own events arrive, shows the
    /// bought plan as active. It never overrides a subscription event about the same subscription.
    /// </summary>
    public static BillingState ApplyCheckout(BillingState state, string? customerId, string? subscriptionId, string? plan)
    {
        state = state with { StripeCustomerId = state.StripeCustomerId ?? customerId };
        if (subscriptionId is null || plan is null || state.StripeSubscriptionId == subscriptionId)
        {
            return state;
        }

        return state with { Plan = plan, Status = SubscriptionStatuses.Active, StripeSubscriptionId = subscriptionId, DelinquentSince = null };
    }

    /// <summary>
    /// Records the latest invoice outcome (informational: the subscription events carry the status). Within one
    /// second "paid" wins, so the result does not depend on delivery order.
    /// </summary>
    public static BillingState ApplyInvoice(BillingState state, DateTimeOffset eventCreated, bool paid) =>
        state.LastInvoiceAt is { } last && (last > eventCreated || (last == eventCreated && (state.LastInvoiceStatus == "paid" || !paid)))
            ? state
            : state with { LastInvoiceStatus = paid ? "paid" : "payment_failed", LastInvoiceAt = eventCreated };

    private static int Compare(SubscriptionSnapshot e, DateTimeOffset asOf, string? eventId, bool stateEnded)
    {
        var byTime = e.EventCreated.CompareTo(asOf);
        if (byTime != 0)
        {
            return byTime;
        }

        var ended = e.Status == SubscriptionStatuses.Canceled;
        if (ended != stateEnded)
        {
            return ended ? 1 : -1;
        }

        return string.CompareOrdinal(e.EventId, eventId);
    }
}
