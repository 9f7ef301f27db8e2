using System.Net;
using System.Net.Http.Json;
using Compliance.IntegrationTests.Billing;
using Compliance.IntegrationTests.Infrastructure;
using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.WorkerVoice;

/// <summary>Real billing (Stripe on WireMock, a 7-day grace) and a low guess limit.</summary>
public sealed class WorkerPathBillingFactory : BillingApiFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [.. base.Settings(), new("WorkerVoice:ReceiptFailuresPerClient", "3")];
}

public class WorkerPathGuardsTests(WorkerPathBillingFactory factory) : IClassFixture<WorkerPathBillingFactory>
{
    [Fact]
    public async Task Dnh7_IntakeFollowUpAndCaseHandling_WorkWhenBillingRefusesEverything()
    {
        // A real tenant on a real plan: subscribed through the Stripe webhook, then past due beyond the grace period,
        // so the product's own BillingPlanLimits refuses every employer-side write.
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var handler = await tenant.ClientAsync("case-handler");
        await factory.SubscribeAsync(tenant, "past_due");
        factory.Clock.Advance(TimeSpan.FromDays(BillingApiFactory.GraceDays + 1));
        Assert.False((await tenant.BillingAsync()).GetProperty("employerWritesAllowed").GetBoolean());

        Assert.Equal(HttpStatusCode.PaymentRequired, (await tenant.Owner.PostAsJsonAsync("/api/v1/suppliers", new { name = "X", countryCode = "MY" })).StatusCode);

        var filed = await tenant.FileGrievanceAsync(site: site);
        await Http.EnsureStatusAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up/messages", new { receipt = filed.Receipt, message = "hello" }), 200);
        var id = await handler.GrievanceIdAsync(filed.CaseReference);
        await Http.EnsureStatusAsync(await handler.MoveAsync(id, "acknowledged"), 200);
        await Http.EnsureStatusAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/replies", new { template = "in-progress" }), 201);
        await Http.EnsureStatusAsync(await handler.PutAsJsonAsync($"/api/v1/grievances/{id}/triage", new { indicators = new[] { "FL07" }, severity = "high" }), 200);
    }

    [Fact]
    public async Task Dnh9_WrongReceiptGuesses_AreRateLimited_EvenForTheRightReceiptAfterwards()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync();
        for (var i = 0; i < 3; i++)
        {
            await Http.AssertProblemAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up", new { receipt = $"1234 1234 1234 1234 123{i}" }), 404);
        }

        await Http.AssertProblemAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up", new { receipt = filed.Receipt }), 429);
        factory.Clock.Advance(TimeSpan.FromMinutes(16));
        await Http.EnsureStatusAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up", new { receipt = filed.Receipt }), 200);
    }
}
