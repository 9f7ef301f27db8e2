using Compliance.IntegrationTests.Infrastructure;
using WireMock.Server;

namespace Compliance.IntegrationTests.Billing;

/// <summary>
/// The app with Stripe configured and its API base pointed at a WireMock server standing in for Stripe. Other suites
/// derive from it to put a tenant on a real plan through the product's own paths (plan configuration, webhook).
/// </summary>
public class BillingApiFactory : ComplianceApiFactory
{
    public const string WebhookSecret = "whsec_test_billing_secret";
    public const string StandardPrice = "price_standard_test";
    public const string EnterprisePrice = "price_enterprise_test";
    public const int GraceDays = 7;

    public WireMockServer Stripe { get; } = WireMockServer.Start();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Billing:Stripe:SecretKey", "sk_test_billing_tests"),
        new("Billing:Stripe:WebhookSecret", WebhookSecret),
        new("Billing:Stripe:ApiBase", Stripe.Url),
        new("Billing:Plans:standard:PriceId", StandardPrice),
        new("Billing:Plans:enterprise:PriceId", EnterprisePrice),
        new("Billing:Plans:free:MaxSites", "3"),
        new("Billing:Plans:free:MaxActiveWorkers", "100"),
        new("Billing:PastDueGraceDays", GraceDays.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];

    /// <summary>
    /// Puts <paramref name="tenant"/> on the standard plan the way Stripe does: checkout links its customer, then a
    /// subscription event with <paramref name="status"/>. The webhook is signed with the test secret.
    /// </summary>
    public async Task SubscribeAsync(TestTenant tenant, string status)
    {
        ArgumentNullException.ThrowIfNull(tenant);
        var customer = $"cus_{Guid.NewGuid():N}";
        await tenant.LinkCustomerAsync(customer);
        var now = Clock.GetUtcNow();
        var subscription = StripeFakes.Subscription($"sub_{Guid.NewGuid():N}", customer, status, StandardPrice, now, now.AddMonths(1));
        await Http.EnsureStatusAsync(await this.PostWebhookAsync(StripeFakes.Event($"evt_{Guid.NewGuid():N}", "customer.subscription.updated", now, subscription)), 200);
    }

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Stripe.Stop();
            Stripe.Dispose();
        }

        base.Dispose(disposing);
    }
}
