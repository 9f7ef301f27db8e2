using System.Net.Http.Json;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Billing;

/// <summary>A newcomer's demo: no Stripe settings at all.</summary>
public class BillingWithoutStripeTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task WithoutStripeSettings_TheFreePlanWorks_AndStripeEndpointsSay503()
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.CreateSiteAsync();

        var billing = await tenant.BillingAsync();
        Assert.Equal("free", billing.GetProperty("plan").GetString());
        Assert.Empty(billing.GetProperty("purchasablePlans").EnumerateArray());

        await Http.AssertProblemAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/billing/checkout", new { plan = "standard" }), 503);
        await Http.AssertProblemAsync(await tenant.Owner.PostAsync("/api/v1/billing/portal", null), 503);
        await Http.AssertProblemAsync(await factory.PostWebhookAsync("{}", "t=1,v1=00"), 503);
    }
}
