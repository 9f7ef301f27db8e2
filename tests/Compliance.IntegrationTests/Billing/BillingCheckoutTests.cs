using System.Net.Http.Json;
using Compliance.IntegrationTests.Infrastructure;
using WireMock.RequestBuilders;
using static Compliance.IntegrationTests.Billing.StripeFakes;

namespace Compliance.IntegrationTests.Billing;

public class BillingCheckoutTests : IClassFixture<BillingApiFactory>
{
    private readonly BillingApiFactory _factory;

    public BillingCheckoutTests(BillingApiFactory factory)
    {
        _factory = factory;
        _factory.Stripe.Reset();
    }

    private DateTimeOffset Now => _factory.Clock.GetUtcNow();

    [Fact]
    public async Task NewTenant_IsOnTheFreePlan_WithLimitsAndUsage()
    {
        var tenant = await _factory.CreateTenantAsync();
        await tenant.CreateSiteAsync();

        var billing = await tenant.BillingAsync();

        Assert.Equal("free", billing.GetProperty("plan").GetString());
        Assert.Equal("active", billing.GetProperty("status").GetString());
        Assert.Equal(3, billing.GetProperty("limits").GetProperty("sites").GetInt64());
        Assert.Equal(100, billing.GetProperty("limits").GetProperty("activeWorkers").GetInt64());
        Assert.Equal(1, billing.GetProperty("usage").GetProperty("sites").GetInt64());
        Assert.Equal(0, billing.GetProperty("usage").GetProperty("activeWorkers").GetInt64());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, billing.GetProperty("currentPeriodEnd").ValueKind);
        Assert.True(billing.GetProperty("employerWritesAllowed").GetBoolean());
    }

    [Fact]
    public async Task Checkout_CreatesTheCustomerOnce_ThenReusesIt_WithIdempotencyKeys()
    {
        _factory.Stripe.StubCustomers("cus_reuse");
        _factory.Stripe.StubCheckout();
        var tenant = await _factory.CreateTenantAsync();

        var first = await Http.JsonAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/billing/checkout", new { plan = "standard" }));
        var second = await Http.JsonAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/billing/checkout", new { plan = "enterprise" }));

        Assert.Equal("https://checkout.stripe.test/c/pay/cs_test_1", first.GetProperty("url").GetString());
        Assert.Equal("https://checkout.stripe.test/c/pay/cs_test_1", second.GetProperty("url").GetString());
        var customers = _factory.Stripe.Requests("/v1/customers");
        Assert.Single(customers);
        Assert.Contains($"metadata[tenant_id]={tenant.TenantId}", Uri.UnescapeDataString(customers[0].RequestMessage.Body!), StringComparison.Ordinal);
        Assert.Equal($"customer-create:{tenant.TenantId}", customers[0].Header("Idempotency-Key"));

        var sessions = _factory.Stripe.Requests("/v1/checkout/sessions");
        Assert.Equal(2, sessions.Count);
        Assert.All(sessions, s => Assert.Contains("customer=cus_reuse", s.RequestMessage.Body!, StringComparison.Ordinal));
        Assert.Contains($"line_items[0][price]={BillingApiFactory.StandardPrice}", Uri.UnescapeDataString(sessions[0].RequestMessage.Body!), StringComparison.Ordinal);
        Assert.Contains($"line_items[0][price]={BillingApiFactory.EnterprisePrice}", Uri.UnescapeDataString(sessions[1].RequestMessage.Body!), StringComparison.Ordinal);
        var keys = sessions.Select(s => s.Header("Idempotency-Key")).ToList();
        Assert.All(keys, k => Assert.StartsWith($"checkout:{tenant.TenantId}:", k, StringComparison.Ordinal));
        Assert.NotEqual(keys[0], keys[1]);
        Assert.Equal("cus_reuse", await _factory.ScalarAsync<string>("select stripe_customer_id from billing_accounts where tenant_id = @t", ("t", tenant.TenantId)));
    }

    [Fact]
    public async Task Checkout_WhenStripeAnswers500ThenSucceeds_RetriesWithTheSameKey_AndKeepsOneCustomer()
    {
        _factory.Stripe.Given(Request.Create().WithPath("/v1/customers").UsingPost()).InScenario("flaky").WillSetStateTo("recovered")
            .RespondWith(Json(new { error = new { type = "api_error", message = "boom" } }, 500));
        _factory.Stripe.Given(Request.Create().WithPath("/v1/customers").UsingPost()).InScenario("flaky").WhenStateIs("recovered")
            .RespondWith(Json(new { id = "cus_after_retry", @object = "customer" }));
        _factory.Stripe.StubCheckout();
        var tenant = await _factory.CreateTenantAsync();

        await Http.EnsureStatusAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/billing/checkout", new { plan = "standard" }), 200);

        var customers = _factory.Stripe.Requests("/v1/customers");
        Assert.Equal(2, customers.Count);
        Assert.Equal([500, 200], customers.Select(c => (int)c.ResponseMessage.StatusCode!));
        Assert.Single(customers.Select(c => c.Header("Idempotency-Key")).Distinct());
        Assert.Equal(1L, await _factory.ScalarAsync<long>("select count(*) from billing_accounts where tenant_id = @t and stripe_customer_id = 'cus_after_retry'", ("t", tenant.TenantId)));
    }

    [Fact]
    public async Task Checkout_WhenStripeRefuses_Is502_AndWritesNothing()
    {
        _factory.Stripe.Given(Request.Create().WithPath("/v1/customers").UsingPost())
            .RespondWith(Json(new { error = new { type = "invalid_request_error", code = "parameter_invalid", message = "no" } }, 400));
        var tenant = await _factory.CreateTenantAsync();
        var before = await _factory.AllRowCountsAsync();

        await Http.AssertProblemAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/billing/checkout", new { plan = "standard" }), 502);

        Assert.Equal(before, await _factory.AllRowCountsAsync());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("{\"plan\":\"free\"}")]
    [InlineData("{\"plan\":\"platinum\"}")]
    [InlineData("{\"plan\":3}")]
    public async Task Checkout_WithBadPlan_Is400NamingPlan_AndWritesNothing(string json)
    {
        var tenant = await _factory.CreateTenantAsync();
        var before = await _factory.AllRowCountsAsync();

        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsync("/api/v1/billing/checkout", new StringContent(json, System.Text.Encoding.UTF8, "application/json")), "plan");

        Assert.Equal(before, await _factory.AllRowCountsAsync());
        Assert.Empty(_factory.Stripe.LogEntries);
    }

    [Theory]
    [InlineData("compliance")]
    [InlineData("supplier")]
    [InlineData("auditor")]
    [InlineData("case-handler")]
    public async Task CheckoutAndPortal_AreOwnerOnly(string role)
    {
        var tenant = await _factory.CreateTenantAsync();
        var supplierId = role == "supplier" ? await tenant.CreateSupplierAsync() : (Guid?)null;
        var client = await tenant.ClientAsync(role, supplierId);

        Assert.Equal(403, (int)(await client.PostAsJsonAsync("/api/v1/billing/checkout", new { plan = "standard" })).StatusCode);
        Assert.Equal(403, (int)(await client.PostAsync("/api/v1/billing/portal", null)).StatusCode);
        Assert.Empty(_factory.Stripe.LogEntries);
    }

    [Theory]
    [InlineData("supplier", 403)]
    [InlineData("auditor", 403)]
    [InlineData("case-handler", 403)]
    [InlineData("compliance", 200)]
    public async Task BillingStatus_IsReadByOwnerAndCompliance(string role, int expected)
    {
        var tenant = await _factory.CreateTenantAsync();
        var supplierId = role == "supplier" ? await tenant.CreateSupplierAsync() : (Guid?)null;
        var client = await tenant.ClientAsync(role, supplierId);

        Assert.Equal(expected, (int)(await client.GetAsync("/api/v1/billing")).StatusCode);
        Assert.Equal(401, (int)(await _factory.Client().GetAsync("/api/v1/billing")).StatusCode);
    }

    [Fact]
    public async Task Portal_WithoutACustomer_Is409_ThenAfterCheckout_ReturnsTheUrl()
    {
        _factory.Stripe.StubCustomers("cus_portal");
        _factory.Stripe.StubCheckout();
        _factory.Stripe.StubPortal();
        var tenant = await _factory.CreateTenantAsync();

        await Http.AssertProblemAsync(await tenant.Owner.PostAsync("/api/v1/billing/portal", null), 409);
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/billing/checkout", new { plan = "standard" }), 200);
        var portal = await Http.JsonAsync(await tenant.Owner.PostAsync("/api/v1/billing/portal", null));

        Assert.Equal("https://billing.stripe.test/p/session/test_1", portal.GetProperty("url").GetString());
        var request = Assert.Single(_factory.Stripe.Requests("/v1/billing_portal/sessions"));
        Assert.Contains("customer=cus_portal", request.RequestMessage.Body!, StringComparison.Ordinal);
        Assert.StartsWith($"portal:{tenant.TenantId}:cus_portal:", request.Header("Idempotency-Key"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task FreeTenant_MovesToStandard_ThroughCheckoutAndWebhooks()
    {
        _factory.Stripe.StubCustomers("cus_upgrade");
        _factory.Stripe.StubCheckout();
        var tenant = await _factory.CreateTenantAsync();
        Assert.Equal("free", (await tenant.BillingAsync()).GetProperty("plan").GetString());

        await Http.EnsureStatusAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/billing/checkout", new { plan = "standard" }), 200);

        // What Stripe sends once the customer pays on the checkout page.
        await Http.EnsureStatusAsync(await _factory.PostWebhookAsync(Event("evt_up_1", "checkout.session.completed", Now, CheckoutSession("cus_upgrade", tenant.TenantId, "sub_upgrade", "standard"))), 200);
        var provisional = await tenant.BillingAsync();
        Assert.Equal("standard", provisional.GetProperty("plan").GetString());

        await Http.EnsureStatusAsync(await _factory.PostWebhookAsync(Event("evt_up_2", "customer.subscription.created", Now, Subscription("sub_upgrade", "cus_upgrade", "active", BillingApiFactory.StandardPrice, Now, Now.AddMonths(1)))), 200);
        await Http.EnsureStatusAsync(await _factory.PostWebhookAsync(Event("evt_up_3", "invoice.paid", Now, Invoice("cus_upgrade"))), 200);

        var billing = await tenant.BillingAsync();
        Assert.Equal("standard", billing.GetProperty("plan").GetString());
        Assert.Equal("active", billing.GetProperty("status").GetString());
        Assert.Equal(25, billing.GetProperty("limits").GetProperty("sites").GetInt64());
        Assert.Equal(Now.AddMonths(1), billing.GetProperty("currentPeriodEnd").GetDateTimeOffset());
        Assert.Equal("paid", billing.GetProperty("lastInvoice").GetProperty("status").GetString());

        // A second checkout would start a second subscription: plan changes go through the portal.
        await Http.AssertProblemAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/billing/checkout", new { plan = "enterprise" }), 409);
    }
}
