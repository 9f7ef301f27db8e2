using Compliance.IntegrationTests.Infrastructure;
using WireMock.Server;

namespace Compliance.IntegrationTests.Billing;

/// <summary>The app with Stripe configured and its API base pointed at a WireMock server standing in for Stripe.</summary>
public sealed class BillingApiFactory : ComplianceApiFactory
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
