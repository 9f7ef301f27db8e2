using Compliance.Api.Features.Billing;

namespace Compliance.UnitTests.Billing;

public class BillingTransitionsTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 1, 0, 0, 0, TimeSpan.Zero);

    private static SubscriptionSnapshot Sub(string id, int second, string status, string plan = "standard", string subscription = "sub_1") =>
        new(id, T0.AddSeconds(second), subscription, status, plan, T0.AddSeconds(second), T0.AddSeconds(second).AddMonths(1), status == SubscriptionStatuses.Canceled ? T0.AddSeconds(second) : null);

    private static IEnumerable<T[]> Permutations<T>(T[] items) =>
        items.Length <= 1
            ? [items]
            : items.SelectMany((item, i) => Permutations(items.Where((_, j) => j != i).ToArray()).Select(rest => (T[])[item, .. rest]));

    private static BillingState ApplyAll(IEnumerable<SubscriptionSnapshot> events) => events.Aggregate(BillingState.Default, BillingTransitions.Apply);

    public static TheoryData<string> Sequences => ["lifecycle", "ties", "resubscribe"];

    private static SubscriptionSnapshot[] Sequence(string name) => name switch
    {
        "lifecycle" => [Sub("e1", 0, "incomplete"), Sub("e2", 5, "active"), Sub("e3", 30, "past_due"), Sub("e4", 60, "active", "enterprise"), Sub("e5", 90, "canceled", "enterprise")],

        // Several events in the same second: the order still has to be total.
        "ties" => [Sub("e1", 0, "active"), Sub("e2", 10, "past_due"), Sub("e3", 10, "active"), Sub("e4", 10, "canceled")],
        _ => [Sub("e1", 0, "active"), Sub("e2", 20, "canceled"), Sub("e3", 40, "active", "enterprise", "sub_2"), Sub("e4", 50, "past_due", "enterprise", "sub_2")],
    };

    [Theory]
    [MemberData(nameof(Sequences))]
    public void EveryDeliveryOrder_EndsInTheSameState(string name)
    {
        var events = Sequence(name);
        var expected = ApplyAll(events);

        foreach (var order in Permutations(events))
        {
            Assert.Equal(expected, ApplyAll(order));
            Assert.Equal(expected, ApplyAll(order.Concat(order)));
        }
    }

    [Fact]
    public void Lifecycle_EndsCancelled_OnTheFreeLimits()
    {
        var state = ApplyAll(Sequence("lifecycle"));

        Assert.Equal(SubscriptionStatuses.Canceled, state.Status);
        Assert.Equal(BillingOptions.Free, state.EffectivePlan);
        Assert.Equal(T0.AddSeconds(90), state.DelinquentSince);
    }

    [Fact]
    public void PastDue_GraceCountsFromThePeriodStart_NotFromArrival()
    {
        var state = BillingTransitions.Apply(BillingState.Default, Sub("e1", 100, "past_due"));

        Assert.Equal(T0.AddSeconds(100).AddDays(14), state.WritesRefusedFrom(14));
        Assert.Null(BillingTransitions.Apply(state, Sub("e2", 200, "active")).WritesRefusedFrom(14));
    }

    [Fact]
    public void Checkout_IsProvisional_AndNeverOverridesTheSubscriptionsOwnEvents()
    {
        var subscribed = BillingTransitions.Apply(BillingState.Default with { StripeCustomerId = "cus_1" }, Sub("e1", 0, "past_due"));

        var afterCheckout = BillingTransitions.ApplyCheckout(subscribed, "cus_1", "sub_1", "enterprise");
        var provisional = BillingTransitions.ApplyCheckout(BillingState.Default, "cus_1", "sub_1", "enterprise");

        Assert.Equal(subscribed, afterCheckout);
        Assert.Equal(("enterprise", SubscriptionStatuses.Active, "cus_1"), (provisional.Plan, provisional.Status, provisional.StripeCustomerId));
        Assert.Equal(subscribed, BillingTransitions.Apply(provisional, Sub("e1", 0, "past_due")) with { StripeCustomerId = "cus_1" });
    }

    [Fact]
    public void Invoices_KeepTheLatestOutcome()
    {
        var state = BillingTransitions.ApplyInvoice(BillingState.Default, T0.AddSeconds(10), paid: false);
        state = BillingTransitions.ApplyInvoice(state, T0, paid: true);

        Assert.Equal("payment_failed", state.LastInvoiceStatus);
    }
}
