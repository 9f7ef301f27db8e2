using Compliance.IntegrationTests.Infrastructure;
using static Compliance.IntegrationTests.Billing.StripeFakes;

namespace Compliance.IntegrationTests.Billing;

public class StripeWebhookTests(BillingApiFactory factory) : IClassFixture<BillingApiFactory>
{
    private DateTimeOffset Now => factory.Clock.GetUtcNow();

    private async Task<(TestTenant Tenant, string Customer)> LinkedTenantAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        var customer = $"cus_{Guid.NewGuid():N}";
        await tenant.LinkCustomerAsync(customer);
        return (tenant, customer);
    }

    private string SubscriptionEvent(string id, string type, DateTimeOffset created, string customer, string status, string price = BillingApiFactory.StandardPrice, DateTimeOffset? periodStart = null, string subscription = "sub_1") =>
        Event(id, type, created, Subscription(subscription, customer, status, price, periodStart ?? created, (periodStart ?? created).AddMonths(1), status == "canceled" ? created : null));

    [Fact]
    public async Task ValidEvent_Is200_AndChangesThePlan()
    {
        var (tenant, customer) = await LinkedTenantAsync();

        var response = await factory.PostWebhookAsync(SubscriptionEvent("evt_valid", "customer.subscription.created", Now, customer, "active", BillingApiFactory.EnterprisePrice));

        await Http.EnsureStatusAsync(response, 200);
        var billing = await tenant.BillingAsync();
        Assert.Equal("enterprise", billing.GetProperty("plan").GetString());
        Assert.Equal("active", billing.GetProperty("status").GetString());
        Assert.Equal(Now.AddMonths(1), billing.GetProperty("currentPeriodEnd").GetDateTimeOffset());
        Assert.Equal(1000, billing.GetProperty("limits").GetProperty("sites").GetInt64());
    }

    [Fact]
    public async Task BadSignature_Is400_AndNoTableChanges()
    {
        var (tenant, customer) = await LinkedTenantAsync();
        var payload = SubscriptionEvent("evt_forged", "customer.subscription.created", Now, customer, "active", BillingApiFactory.EnterprisePrice);
        var before = await factory.AllRowCountsAsync();
        var stateBefore = (await tenant.BillingAsync()).ToString();

        await Http.AssertProblemAsync(await factory.PostWebhookAsync(payload, Sign(payload, Now, "whsec_someone_else")), 400);
        await Http.AssertProblemAsync(await factory.PostWebhookAsync(payload, Sign(payload + " ", Now)), 400);
        await Http.AssertProblemAsync(await factory.PostWebhookAsync(payload, "garbage"), 400);
        await Http.AssertProblemAsync(await factory.PostWebhookAsync(payload, string.Empty), 400);

        Assert.Equal(before, await factory.AllRowCountsAsync());
        Assert.Equal(stateBefore, (await tenant.BillingAsync()).ToString());
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains("evt_forged", StringComparison.Ordinal) && l.Contains("applied", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StaleTimestamp_Is400_EvenWithAValidSignature()
    {
        var (tenant, customer) = await LinkedTenantAsync();
        var payload = SubscriptionEvent("evt_stale", "customer.subscription.created", Now, customer, "active", BillingApiFactory.EnterprisePrice);
        var before = await factory.AllRowCountsAsync();

        await Http.AssertProblemAsync(await factory.PostWebhookAsync(payload, Sign(payload, Now.AddSeconds(-301))), 400);
        await Http.AssertProblemAsync(await factory.PostWebhookAsync(payload, Sign(payload, Now.AddSeconds(301))), 400);

        Assert.Equal(before, await factory.AllRowCountsAsync());
        Assert.Equal("free", (await tenant.BillingAsync()).GetProperty("plan").GetString());

        // Inside the window it is accepted: the tolerance, not the signature, refused it.
        await Http.EnsureStatusAsync(await factory.PostWebhookAsync(payload, Sign(payload, Now.AddSeconds(-299))), 200);
    }

    [Fact]
    public async Task LivemodeMismatch_Is400_AndChangesNothing()
    {
        var (tenant, customer) = await LinkedTenantAsync();
        var payload = Event("evt_live", "customer.subscription.created", Now, Subscription("sub_live", customer, "active", BillingApiFactory.EnterprisePrice, Now, Now.AddMonths(1)), livemode: true);
        var before = await factory.AllRowCountsAsync();

        await Http.AssertProblemAsync(await factory.PostWebhookAsync(payload), 400);

        Assert.Equal(before, await factory.AllRowCountsAsync());
        Assert.Equal("free", (await tenant.BillingAsync()).GetProperty("plan").GetString());
    }

    [Fact]
    public async Task SameEventFiveTimesConcurrently_IsAppliedExactlyOnce()
    {
        var (tenant, customer) = await LinkedTenantAsync();
        var payload = SubscriptionEvent("evt_repeated_5", "customer.subscription.created", Now, customer, "active");
        var eventsBefore = await factory.CountRowsAsync("stripe_events");

        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => factory.PostWebhookAsync(payload)));

        Assert.All(responses, r => Assert.Equal(200, (int)r.StatusCode));
        Assert.Equal(eventsBefore + 1, await factory.CountRowsAsync("stripe_events"));
        Assert.Single(factory.Logs.Lines, l => l.Contains("evt_repeated_5 applied", StringComparison.Ordinal));
        Assert.Equal(4, factory.Logs.Lines.Count(l => l.Contains("evt_repeated_5 already applied", StringComparison.Ordinal)));
        Assert.Equal("standard", (await tenant.BillingAsync()).GetProperty("plan").GetString());
    }

    [Fact]
    public async Task ShuffledSubscriptionEvents_ReachTheSameStateAsOrdered()
    {
        var t0 = Now.AddMinutes(-3);
        string[] Sequence(string customer, string prefix) =>
        [
            SubscriptionEvent($"{prefix}_1", "customer.subscription.created", t0, customer, "incomplete"),
            SubscriptionEvent($"{prefix}_2", "customer.subscription.updated", t0.AddSeconds(5), customer, "active"),
            SubscriptionEvent($"{prefix}_3", "customer.subscription.updated", t0.AddSeconds(30), customer, "past_due", periodStart: t0.AddSeconds(30)),
            SubscriptionEvent($"{prefix}_4", "customer.subscription.updated", t0.AddSeconds(60), customer, "active", BillingApiFactory.EnterprisePrice, periodStart: t0.AddSeconds(30)),
            Event($"{prefix}_5", "invoice.paid", t0.AddSeconds(60), Invoice(customer)),
        ];

        var (ordered, orderedCustomer) = await LinkedTenantAsync();
        foreach (var e in Sequence(orderedCustomer, "evt_ord"))
        {
            await Http.EnsureStatusAsync(await factory.PostWebhookAsync(e), 200);
        }

        var expected = await ordered.BillingAsync();
        Assert.Equal("enterprise", expected.GetProperty("plan").GetString());
        Assert.Equal("active", expected.GetProperty("status").GetString());

        var random = new Random(7);
        for (var run = 0; run < 3; run++)
        {
            var (shuffled, customer) = await LinkedTenantAsync();
            var events = Sequence(customer, $"evt_shuffled{run}");
            random.Shuffle(events);
            foreach (var e in events.Concat(events.Take(2)))
            {
                await Http.EnsureStatusAsync(await factory.PostWebhookAsync(e), 200);
            }

            Assert.Equal(expected.ToString(), (await shuffled.BillingAsync()).ToString());
        }
    }

    [Fact]
    public async Task DeletedSubscription_IsNotRevivedByALateUpdate()
    {
        var (tenant, customer) = await LinkedTenantAsync();
        await factory.PostWebhookAsync(SubscriptionEvent("evt_del_1", "customer.subscription.created", Now.AddSeconds(-20), customer, "active"));
        await factory.PostWebhookAsync(SubscriptionEvent("evt_del_3", "customer.subscription.deleted", Now, customer, "canceled"));

        await Http.EnsureStatusAsync(await factory.PostWebhookAsync(SubscriptionEvent("evt_del_2", "customer.subscription.updated", Now.AddSeconds(-10), customer, "active")), 200);

        var billing = await tenant.BillingAsync();
        Assert.Equal("canceled", billing.GetProperty("status").GetString());
        Assert.Equal("free", billing.GetProperty("plan").GetString());
    }

    [Fact]
    public async Task InvoiceEvents_RecordTheLatestPaymentOutcome()
    {
        var (tenant, customer) = await LinkedTenantAsync();
        await Http.EnsureStatusAsync(await factory.PostWebhookAsync(Event("evt_inv_2", "invoice.payment_failed", Now, Invoice(customer))), 200);
        await Http.EnsureStatusAsync(await factory.PostWebhookAsync(Event("evt_inv_1", "invoice.paid", Now.AddSeconds(-60), Invoice(customer))), 200);

        var invoice = (await tenant.BillingAsync()).GetProperty("lastInvoice");
        Assert.Equal("payment_failed", invoice.GetProperty("status").GetString());
        Assert.Equal(Now, invoice.GetProperty("at").GetDateTimeOffset());
    }

    [Fact]
    public async Task EventOfAnUnknownCustomer_Is200_AndWritesNothing()
    {
        var before = await factory.AllRowCountsAsync();

        await Http.EnsureStatusAsync(await factory.PostWebhookAsync(SubscriptionEvent("evt_nobody", "customer.subscription.created", Now, "cus_nobody", "active")), 200);
        await Http.EnsureStatusAsync(await factory.PostWebhookAsync(Event("evt_other", "customer.created", Now, new { id = "cus_x", @object = "customer" })), 200);

        Assert.Equal(before, await factory.AllRowCountsAsync());
    }

    [Fact]
    public async Task WebhookLogs_NeverCarryThePayloadOrSecret()
    {
        var (_, customer) = await LinkedTenantAsync();
        var payload = SubscriptionEvent("evt_logs", "customer.subscription.created", Now, customer, "active");
        await factory.PostWebhookAsync(payload, Sign(payload, Now, "whsec_wrong"));
        await factory.PostWebhookAsync(payload);

        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains(BillingApiFactory.WebhookSecret, StringComparison.Ordinal) || l.Contains("\"items\"", StringComparison.Ordinal));
    }
}
