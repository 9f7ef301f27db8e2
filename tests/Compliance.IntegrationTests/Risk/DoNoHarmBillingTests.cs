using System.Net;
using System.Net.Http.Json;
using Compliance.IntegrationTests.Billing;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.WorkerVoice;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;
using static Compliance.IntegrationTests.Billing.StripeFakes;

namespace Compliance.IntegrationTests.Risk;

/// <summary>Billing configured (Stripe webhooks) and a loopback escalation destination, both on one WireMock server.</summary>
public sealed class BilledEscalationApiFactory : ComplianceApiFactory
{
    public WireMockServer Mock { get; } = WireMockServer.Start();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Billing:Stripe:SecretKey", "sk_test_billing_tests"),
        new("Billing:Stripe:WebhookSecret", BillingApiFactory.WebhookSecret),
        new("Billing:Stripe:ApiBase", Mock.Url),
        new("Billing:Plans:standard:PriceId", BillingApiFactory.StandardPrice),
        new("Billing:Plans:enterprise:PriceId", BillingApiFactory.EnterprisePrice),
        new("Billing:PastDueGraceDays", BillingApiFactory.GraceDays.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Escalation:AllowLoopback", "true"),
        new("Escalation:TimeoutSeconds", "3"),
    ];

    protected override void Dispose(bool disposing)
    {
        Mock.Stop();
        base.Dispose(disposing);
    }
}

/// <summary>
/// DNH-7: a tenant that stopped paying (past due beyond grace, or cancelled) loses employer-side writes, never the
/// worker channel, case handling, the risk job or escalation delivery.
/// </summary>
public class DoNoHarmBillingTests(BilledEscalationApiFactory factory) : IClassFixture<BilledEscalationApiFactory>
{
    [Theory]
    [InlineData("past_due", "customer.subscription.updated")]
    [InlineData("canceled", "customer.subscription.deleted")]
    public async Task Dnh7_UnpaidTenant_KeepsIntake_WorkerPages_CaseHandling_RiskJob_AndEscalations(string status, string eventType)
    {
        var tenant = await factory.CreateTenantAsync();
        var now = factory.Clock.GetUtcNow();
        var customer = $"cus_{Guid.NewGuid():N}";
        await tenant.LinkCustomerAsync(customer);
        var subscription = Subscription($"sub_{Guid.NewGuid():N}", customer, status, BillingApiFactory.StandardPrice, now, now.AddMonths(1), status == "canceled" ? now : null);
        await Http.EnsureStatusAsync(await factory.PostWebhookAsync(Event($"evt_{Guid.NewGuid():N}", eventType, now, subscription)), 200);
        var site = await tenant.CreateSiteAsync();
        var path = $"/hooks/{Guid.NewGuid():N}";
        factory.Mock.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        var handler = await tenant.ClientAsync("case-handler");
        factory.Clock.Advance(TimeSpan.FromDays(BillingApiFactory.GraceDays + 1));

        // The tenant really is blocked for employer-side writes.
        await Http.AssertProblemAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/suppliers", new { name = $"Late {status}", countryCode = "MY" }), 402);

        // Escalation configuration, the intake API and the worker pages still work.
        await Http.IdAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/escalation-destinations", new
        {
            name = "Child protection MY",
            kind = "child-protection",
            jurisdiction = "MY",
            url = $"http://127.0.0.1:{factory.Mock.Port}{path}",
            signingSecret = "test-signing-secret-0123456789-abcdefghij",
            minimumLevel = "critical",
            active = true,
        }));
        var filed = await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(categories: ["under-18"]), site);
        var client = factory.Client();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync($"/v/{site.IntakeCode}/en")).StatusCode);
        var page = await client.PostAsync($"/v/{site.IntakeCode}/en", new FormUrlEncodedContent([new("language", "en"), new("categories", "documents-held"), new("narrative", "They keep my passport")]));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("class=\"receipt\"", await page.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // A case handler can still reply.
        var id = await handler.GrievanceIdAsync(filed.CaseReference);
        var reply = await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/replies", new { text = "We received your report and are acting on it." });
        Assert.True(reply.IsSuccessStatusCode, $"reply: {(int)reply.StatusCode}");

        // The risk job runs and the escalations are delivered.
        // Testimony counts from the day after it was received (issue 16 hole 4: a re-score must not date a filing finer than a day).
        factory.Clock.Advance(TimeSpan.FromDays(1));
        await Http.JsonAsync(await tenant.Owner.PostAsync("/api/v1/risk-assessments/run", null), 202);
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);
        var risk = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{site.Id}/risk"));
        Assert.Equal("critical", risk.GetProperty("level").GetString());
        var bodies = factory.Mock.LogEntries.Where(e => e.RequestMessage.Path == path).Select(e => e.RequestMessage.Body!).ToList();
        Assert.Contains(bodies, b => b.Contains("compliance.escalation.site/v1", StringComparison.Ordinal));
        Assert.Contains(bodies, b => b.Contains("compliance.escalation.grievance/v1", StringComparison.Ordinal));
    }
}
