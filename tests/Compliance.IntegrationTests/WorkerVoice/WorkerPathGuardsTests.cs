using System.Net;
using System.Net.Http.Json;
using Compliance.Api.Features.Foundation;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.WorkerVoice;

/// <summary>A factory whose billing can be switched to refuse every employer-side write, and a low guess limit.</summary>
public sealed class RefusingBillingFactory : ComplianceApiFactory
{
    public RefusingPlanLimits Limits { get; } = new();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("WorkerVoice:ReceiptFailuresPerClient", "3")];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<IPlanLimits>();
            services.AddSingleton<IPlanLimits>(Limits);
        });
    }

    public sealed class RefusingPlanLimits : IPlanLimits
    {
        public bool Refuse { get; set; }

        public Task<LimitDecision> CheckAsync(PlanResource resource, int adding, CancellationToken ct) =>
            Task.FromResult(Refuse ? new LimitDecision(false, resource, 0, 0, "lapsed") : LimitDecision.Allow(resource));

        public Task<IResult?> CheckWritableAsync(CancellationToken ct) =>
            Task.FromResult<IResult?>(Refuse ? new LimitDecision(false, PlanResource.Sites, 0, 0, "lapsed").ToProblem() : null);
    }
}

public class WorkerPathGuardsTests(RefusingBillingFactory factory) : IClassFixture<RefusingBillingFactory>
{
    [Fact]
    public async Task Dnh7_IntakeFollowUpAndCaseHandling_WorkWhenBillingRefusesEverything()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var handler = await tenant.ClientAsync("case-handler");
        factory.Limits.Refuse = true;
        try
        {
            Assert.Equal(HttpStatusCode.PaymentRequired, (await tenant.Owner.PostAsJsonAsync("/api/v1/suppliers", new { name = "X", countryCode = "MY" })).StatusCode);

            var filed = await tenant.FileGrievanceAsync(site: site);
            await Http.EnsureStatusAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up/messages", new { receipt = filed.Receipt, message = "hello" }), 200);
            var id = await handler.GrievanceIdAsync(filed.CaseReference);
            await Http.EnsureStatusAsync(await handler.MoveAsync(id, "acknowledged"), 200);
            await Http.EnsureStatusAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/replies", new { template = "in-progress" }), 201);
            await Http.EnsureStatusAsync(await handler.PutAsJsonAsync($"/api/v1/grievances/{id}/triage", new { indicators = new[] { "FL07" }, severity = "high" }), 200);
        }
        finally
        {
            factory.Limits.Refuse = false;
        }
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
