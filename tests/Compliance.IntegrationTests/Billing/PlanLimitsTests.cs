using System.Net.Http.Json;
using Compliance.IntegrationTests.Infrastructure;
using static Compliance.IntegrationTests.Billing.StripeFakes;

namespace Compliance.IntegrationTests.Billing;

public class PlanLimitsTests(BillingApiFactory factory) : IClassFixture<BillingApiFactory>
{
    private DateTimeOffset Now => factory.Clock.GetUtcNow();

    private static object NewSite(Guid supplierId) => new { supplierId, name = $"Site {Guid.NewGuid():N}", countryCode = "MY", sector = "garment", workerHousing = false };

    private async Task<TestTenant> TenantWithSubscriptionAsync(string status, string eventType = "customer.subscription.updated")
    {
        var tenant = await factory.CreateTenantAsync();
        var customer = $"cus_{Guid.NewGuid():N}";
        await tenant.LinkCustomerAsync(customer);
        var subscription = Subscription($"sub_{Guid.NewGuid():N}", customer, status, BillingApiFactory.StandardPrice, Now, Now.AddMonths(1), status == "canceled" ? Now : null);
        await Http.EnsureStatusAsync(await factory.PostWebhookAsync(Event($"evt_{Guid.NewGuid():N}", eventType, Now, subscription)), 200);
        return tenant;
    }

    [Fact]
    public async Task SiteBeyondTheFreePlan_Is402StatingLimitAndUsage_AndWritesNothing()
    {
        var tenant = await factory.CreateTenantAsync();
        var supplierId = await tenant.CreateSupplierAsync();
        for (var i = 0; i < 3; i++)
        {
            await tenant.CreateSiteAsync(supplierId);
        }

        var before = await factory.AllRowCountsAsync();

        var response = await tenant.Owner.PostAsJsonAsync("/api/v1/sites", NewSite(supplierId));

        var problem = await Http.JsonAsync(response, 402);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(3, problem.GetProperty("limit").GetInt64());
        Assert.Equal(3, problem.GetProperty("usage").GetInt64());
        Assert.Equal("free", problem.GetProperty("plan").GetString());
        Assert.Equal("sites", problem.GetProperty("resource").GetString());
        Assert.Contains("allows 3 sites", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(before, await factory.AllRowCountsAsync());
    }

    [Fact]
    public async Task ConcurrentCreations_CannotBothTakeTheLastPlace()
    {
        var tenant = await factory.CreateTenantAsync();
        var supplierId = await tenant.CreateSupplierAsync();
        await tenant.CreateSiteAsync(supplierId);
        await tenant.CreateSiteAsync(supplierId);

        var responses = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => tenant.Owner.PostAsJsonAsync("/api/v1/sites", NewSite(supplierId))));

        Assert.Single(responses, r => (int)r.StatusCode == 201);
        Assert.Equal(3, responses.Count(r => (int)r.StatusCode == 402));
        Assert.Equal(3, (await tenant.BillingAsync()).GetProperty("usage").GetProperty("sites").GetInt64());
    }

    [Fact]
    public async Task PaidPlan_RaisesTheLimit()
    {
        var tenant = await TenantWithSubscriptionAsync("active", "customer.subscription.created");
        var supplierId = await tenant.CreateSupplierAsync();
        for (var i = 0; i < 4; i++)
        {
            await tenant.CreateSiteAsync(supplierId);
        }

        var billing = await tenant.BillingAsync();
        Assert.Equal("standard", billing.GetProperty("plan").GetString());
        Assert.Equal(4, billing.GetProperty("usage").GetProperty("sites").GetInt64());
    }

    [Fact]
    public async Task PastDueWithinGrace_StillWrites()
    {
        var tenant = await TenantWithSubscriptionAsync("past_due");
        factory.Clock.Advance(TimeSpan.FromDays(BillingApiFactory.GraceDays - 1));

        await tenant.CreateSiteAsync();

        var billing = await tenant.BillingAsync();
        Assert.Equal("past_due", billing.GetProperty("status").GetString());
        Assert.True(billing.GetProperty("employerWritesAllowed").GetBoolean());
    }

    [Theory]
    [InlineData("past_due")]
    [InlineData("unpaid")]
    [InlineData("canceled")]
    public async Task BeyondGrace_EmployerWritesAre402_AndWriteNothing_ButReadsAndBillingStillWork(string status)
    {
        // Set up while writes are allowed.
        var tenant = await TenantWithSubscriptionAsync(status, status == "canceled" ? "customer.subscription.deleted" : "customer.subscription.updated");
        var (siteId, _, supplierId) = await tenant.CreateSiteAsync();
        var compliance = await tenant.ClientAsync("compliance");
        var supplierClient = await tenant.ClientAsync("supplier", supplierId);
        factory.Clock.Advance(TimeSpan.FromDays(BillingApiFactory.GraceDays + 1));
        var before = await factory.AllRowCountsAsync();

        await Http.AssertProblemAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/suppliers", new { name = "Late Co", countryCode = "MY" }), 402);
        await Http.AssertProblemAsync(await compliance.PostAsJsonAsync("/api/v1/sites", NewSite(supplierId)), 402);
        await Http.AssertProblemAsync(await supplierClient.PutAsJsonAsync($"/api/v1/sites/{siteId}", NewSite(supplierId)), 402);
        await Http.AssertProblemAsync(await tenant.Owner.DeleteAsync($"/api/v1/sites/{siteId}"), 402);
        Assert.Equal(before, await factory.AllRowCountsAsync());

        // DNH-7 and common sense: the tenant still reads its data, sees why, can issue keys (case handlers) and can pay.
        await Http.EnsureStatusAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{siteId}"), 200);
        await Http.EnsureStatusAsync(await supplierClient.GetAsync("/api/v1/sites"), 200);
        await Http.EnsureStatusAsync(await compliance.GetAsync("/api/v1/suppliers"), 200);
        var billing = await tenant.BillingAsync();
        Assert.False(billing.GetProperty("employerWritesAllowed").GetBoolean());
        await tenant.KeyAsync("case-handler");
        factory.Stripe.StubPortal();
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsync("/api/v1/billing/portal", null), 200);
    }

    [Fact]
    public async Task PaymentRecovered_ReopensWrites()
    {
        var tenant = await factory.CreateTenantAsync();
        var customer = $"cus_{Guid.NewGuid():N}";
        await tenant.LinkCustomerAsync(customer);
        await factory.PostWebhookAsync(Event("evt_rec_1", "customer.subscription.updated", Now, Subscription("sub_rec", customer, "past_due", BillingApiFactory.StandardPrice, Now, Now.AddMonths(1))));
        factory.Clock.Advance(TimeSpan.FromDays(BillingApiFactory.GraceDays + 1));
        await Http.AssertProblemAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/suppliers", new { name = "Blocked Co", countryCode = "MY" }), 402);

        await Http.EnsureStatusAsync(await factory.PostWebhookAsync(Event("evt_rec_2", "customer.subscription.updated", Now, Subscription("sub_rec", customer, "active", BillingApiFactory.StandardPrice, Now, Now.AddMonths(1)))), 200);

        await Http.EnsureStatusAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/suppliers", new { name = "Blocked Co", countryCode = "MY" }), 201);
    }

    [Fact]
    public async Task ActiveWorkerUsage_IsZero_UntilTheWorkersTableExists()
    {
        var tenant = await factory.CreateTenantAsync();
        var exists = await factory.ScalarAsync<bool>("select to_regclass('public.workers') is not null");

        var usage = (await tenant.BillingAsync()).GetProperty("usage");

        // Before the recruitment branch is merged there is no table; after it, a new tenant has no workers.
        Assert.Equal(0, usage.GetProperty("activeWorkers").GetInt64());
        Assert.True(exists || usage.GetProperty("activeWorkers").GetInt64() == 0);
    }
}
