using System.Net.Http.Json;
using System.Text.Json;
using Compliance.Api.Features.Risk.Assessment;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.WorkerVoice;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Compliance.IntegrationTests.Risk;

/// <summary>
/// DNH-8 with room to fail: a tenant has six destinations (every kind in its country, and a child-protection service in
/// another), a case filed about something else is found at triage to concern a child (CH01 added by the handler), and
/// the case's dossier must reach exactly the child-protection service and the NGO of the site's country, nowhere else;
/// and the case cannot be closed or resolved without a recorded review. Mutations that fail it: in
/// <c>GrievanceEscalations</c> add <c>police</c> to the referred kinds, or drop the jurisdiction condition; in
/// <c>CaseHandlingApi.ChangeStatusAsync</c> check the worker's categories instead of the case's indicators for CH01.
/// </summary>
public class ChildrenFirstTests(EscalationApiFactory factory) : IClassFixture<EscalationApiFactory>
{
    private async Task<string> DestinationAsync(TestTenant tenant, string kind, string jurisdiction)
    {
        var path = $"/hooks/{kind}-{jurisdiction}-{Guid.NewGuid():N}";
        factory.Destination.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        await Http.IdAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/escalation-destinations", new
        {
            name = $"{kind} {jurisdiction}",
            kind,
            jurisdiction,
            url = $"http://127.0.0.1:{factory.Destination.Port}{path}",
            signingSecret = "test-signing-secret-0123456789-abcdefghij",
            minimumLevel = "high",
            active = true,
        }));
        return path;
    }

    private int GrievanceDossiers(string path) =>
        factory.Received(path).Count(e => e.RequestMessage.Body!.Contains("compliance.escalation.grievance/v1", StringComparison.Ordinal));

    [Fact]
    public async Task Dnh8_Ch01AddedAtTriage_RoutesOnlyToChildProtectionAndNgoOfTheSitesCountry_AndNeedsAReviewToClose()
    {
        var tenant = await factory.CreateTenantAsync();
        var childProtection = await DestinationAsync(tenant, "child-protection", "MY");
        var ngo = await DestinationAsync(tenant, "ngo", "MY");
        string[] elsewhere =
        [
            await DestinationAsync(tenant, "police", "MY"),
            await DestinationAsync(tenant, "labour-authority", "MY"),
            await DestinationAsync(tenant, "buyer", "MY"),
            await DestinationAsync(tenant, "child-protection", "ID"),
        ];
        var filed = await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(categories: ["other"], narrative: "My room-mate is fifteen and works nights."));
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);

        var triaged = await Http.JsonAsync(await handler.PutAsJsonAsync($"/api/v1/grievances/{id}/triage", new { indicators = new[] { "CH01" }, severity = "critical" }));
        Assert.True(triaged.GetProperty("critical").GetBoolean());

        await using (var scope = factory.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<RiskAssessmentJob>().RunAsync(tenant.TenantId, CancellationToken.None);
        }

        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);
        Assert.Equal(1, GrievanceDossiers(childProtection));
        Assert.Equal(1, GrievanceDossiers(ngo));
        Assert.All(elsewhere, path => Assert.Equal(0, GrievanceDossiers(path)));
        var dossier = JsonDocument.Parse(factory.Received(childProtection).Select(e => e.RequestMessage.Body!).First(b => b.Contains("grievance/v1", StringComparison.Ordinal))).RootElement;
        Assert.Contains("CH01", dossier.GetProperty("grievance").GetProperty("indicators").EnumerateArray().Select(i => i.GetString()));

        // The child was not in the worker's categories; the handler's CH01 is enough to require a recorded review.
        await Http.EnsureStatusAsync(await handler.MoveAsync(id, "acknowledged"), 200);
        await Http.AssertValidationProblemAsync(await handler.MoveAsync(id, "resolved"), "reviewNote");
        await Http.AssertValidationProblemAsync(await handler.MoveAsync(id, "closed", " "), "reviewNote");
        Assert.Equal("acknowledged", await factory.ScalarAsync<string>("select status from grievances where id = @id", ("id", id)));
        await Http.EnsureStatusAsync(await handler.MoveAsync(id, "closed", "Age confirmed with the child-protection officer; referred."), 200);
    }
}
