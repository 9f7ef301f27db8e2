using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Compliance.IntegrationTests.Infrastructure;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Compliance.IntegrationTests.Billing;

/// <summary>Stripe's side in tests: canned API answers on WireMock, and webhook events signed like Stripe signs them.</summary>
public static class StripeFakes
{
    public static void StubCustomers(this WireMockServer stripe, string customerId = "cus_test_1") =>
        stripe.Given(Request.Create().WithPath("/v1/customers").UsingPost())
            .RespondWith(Json(new { id = customerId, @object = "customer" }));

    public static void StubCheckout(this WireMockServer stripe, string url = "https://checkout.stripe.test/c/pay/cs_test_1") =>
        stripe.Given(Request.Create().WithPath("/v1/checkout/sessions").UsingPost())
            .RespondWith(Json(new { id = "cs_test_1", @object = "checkout.session", url }));

    public static void StubPortal(this WireMockServer stripe, string url = "https://billing.stripe.test/p/session/test_1") =>
        stripe.Given(Request.Create().WithPath("/v1/billing_portal/sessions").UsingPost())
            .RespondWith(Json(new { id = "bps_test_1", @object = "billing_portal.session", url }));

    public static IReadOnlyList<ILogEntry> Requests(this WireMockServer stripe, string path) =>
        [.. stripe.LogEntries.Where(e => e.RequestMessage.Path == path)];

    public static string? Header(this ILogEntry entry, string name) =>
        entry.RequestMessage.Headers?.FirstOrDefault(h => string.Equals(h.Key, name, StringComparison.OrdinalIgnoreCase)).Value?.FirstOrDefault();

    public static IResponseBuilder Json(object body, int status = 200) =>
        Response.Create().WithStatusCode(status).WithHeader("Content-Type", "application/json").WithBody(JsonSerializer.Serialize(body));

    /// <summary>A Stripe event envelope (the API version of the SDK, so ConstructEvent accepts it).</summary>
    public static string Event(string id, string type, DateTimeOffset created, object dataObject, bool livemode = false) =>
        new JsonObject
        {
            ["id"] = id,
            ["object"] = "event",
            ["api_version"] = Stripe.StripeConfiguration.ApiVersion,
            ["created"] = created.ToUnixTimeSeconds(),
            ["livemode"] = livemode,
            ["pending_webhooks"] = 1,
            ["type"] = type,
            ["data"] = new JsonObject { ["object"] = JsonSerializer.SerializeToNode(dataObject) },
        }.ToJsonString();

    public static object Subscription(string id, string customer, string status, string price, DateTimeOffset periodStart, DateTimeOffset periodEnd, DateTimeOffset? endedAt = null) => new
    {
        id,
        @object = "subscription",
        customer,
        status,
        ended_at = endedAt?.ToUnixTimeSeconds(),
        items = new
        {
            @object = "list",
            data = new[]
            {
                new
                {
                    id = $"si_{id}",
                    @object = "subscription_item",
                    current_period_start = periodStart.ToUnixTimeSeconds(),
                    current_period_end = periodEnd.ToUnixTimeSeconds(),
                    price = new { id = price, @object = "price" },
                },
            },
        },
    };

    public static object CheckoutSession(string customer, Guid tenantId, string? subscription, string plan) => new
    {
        id = $"cs_{Guid.NewGuid():N}",
        @object = "checkout.session",
        customer,
        subscription,
        client_reference_id = tenantId.ToString(),
        mode = "subscription",
        metadata = new Dictionary<string, string> { ["tenant_id"] = tenantId.ToString(), ["plan"] = plan },
    };

    public static object Invoice(string customer) => new { id = $"in_{Guid.NewGuid():N}", @object = "invoice", customer };

    /// <summary>The Stripe-Signature header for <paramref name="payload"/>, signed at <paramref name="at"/>.</summary>
    public static string Sign(string payload, DateTimeOffset at, string secret = BillingApiFactory.WebhookSecret)
    {
        var t = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={t},v1={Stripe.EventUtility.ComputeSignature(secret, t, payload)}";
    }

    /// <summary>Posts <paramref name="payload"/> to the webhook, signed now on the app's clock unless a header is given.</summary>
    public static Task<HttpResponseMessage> PostWebhookAsync(this ComplianceApiFactory factory, string payload, string? signature = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/billing/stripe-webhook")
        {
            Content = new StringContent(payload, Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Stripe-Signature", signature ?? Sign(payload, factory.Clock.GetUtcNow()));
        return factory.Client().SendAsync(request);
    }

    /// <summary>Links <paramref name="customerId"/> to the tenant the way a first checkout does (client_reference_id).</summary>
    public static async Task LinkCustomerAsync(this TestTenant tenant, string customerId)
    {
        var payload = Event($"evt_{Guid.NewGuid():N}", "checkout.session.completed", tenant.Factory.Clock.GetUtcNow(), CheckoutSession(customerId, tenant.TenantId, null, "standard"));
        await Http.EnsureStatusAsync(await tenant.Factory.PostWebhookAsync(payload), 200);
    }

    public static async Task<JsonElement> BillingAsync(this TestTenant tenant) =>
        await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/billing"));

    /// <summary>Row counts of every table the app owns (public, app and hangfire schemas), for "nothing written" checks.</summary>
    public static async Task<Dictionary<string, long>> AllRowCountsAsync(this ComplianceApiFactory factory)
    {
        var tables = new List<string>();
        await using (var connection = new Npgsql.NpgsqlConnection(factory.OwnerConnectionString))
        {
            await connection.OpenAsync();
            await using var cmd = new Npgsql.NpgsqlCommand(
                "select quote_ident(table_schema) || '.' || quote_ident(table_name) from information_schema.tables where table_schema in ('public', 'app', 'hangfire') and table_type = 'BASE TABLE' order by 1",
                connection);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync())
            {
                tables.Add(reader.GetString(0));
            }
        }

        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            counts[table] = await factory.CountRowsAsync(table);
        }

        return counts;
    }
}
