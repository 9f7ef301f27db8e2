using System.Net.Http.Json;
using System.Text.Json;
using Compliance.Api.Features.Risk.Assessment;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.WorkerVoice;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Compliance.IntegrationTests.Risk;

/// <summary>Grievance-level escalations to child-protection and NGO destinations, with WireMock as the destination.</summary>
public class GrievanceEscalationTests(EscalationApiFactory factory) : IClassFixture<EscalationApiFactory>
{
    private const string Narrative = "Narrative-7f3a: the supervisor locks the dormitory gate at night";

    private async Task<string> DestinationAsync(TestTenant tenant, string kind)
    {
        var path = $"/hooks/{Guid.NewGuid():N}";
        factory.Destination.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        await Http.IdAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/escalation-destinations", new
        {
            name = $"{kind} {path}",
            kind,
            jurisdiction = "MY",
            url = $"http://127.0.0.1:{factory.Destination.Port}{path}",
            signingSecret = "test-signing-secret-0123456789-abcdefghij",
            minimumLevel = "critical",
            active = true,
        }));
        return path;
    }

    private async Task RunJobAsync(Guid tenantId)
    {
        await using var scope = factory.CreateScope();
        await scope.ServiceProvider.GetRequiredService<RiskAssessmentJob>().RunAsync(tenantId, CancellationToken.None);
    }

    // The site is critical too (its grievance is evidence), so the destination also receives a site dossier.
    private List<string> GrievanceDossiers(string path) =>
        [.. factory.Received(path).Select(e => e.RequestMessage.Body!).Where(b => b.Contains("compliance.escalation.grievance/v1", StringComparison.Ordinal))];

    private static Dictionary<string, bool> Consent(bool childProtection) => new Dictionary<string, bool> { ["child-protection"] = childProtection };

    [Fact]
    public async Task ChildCase_WithoutConsent_IsDelivered_WithIndicatorsAndDaysOnly_NoNarrative()
    {
        var tenant = await factory.CreateTenantAsync();
        var path = await DestinationAsync(tenant, "child-protection");
        var filed = await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(categories: ["under-18"], narrative: Narrative, consent: Consent(false)));

        await RunJobAsync(tenant.TenantId);
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);

        var body = Assert.Single(GrievanceDossiers(path));
        Assert.DoesNotContain("Narrative-7f3a", body, StringComparison.Ordinal);
        Assert.DoesNotContain(filed.CaseReference, body, StringComparison.Ordinal);
        Assert.DoesNotContain(filed.Receipt, body, StringComparison.Ordinal);
        using var dossier = JsonDocument.Parse(body);
        var root = dossier.RootElement;
        Assert.Equal("grievance", root.GetProperty("subject").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("testimony").ValueKind);
        Assert.Equal(["CH01"], root.GetProperty("grievance").GetProperty("indicators").EnumerateArray().Select(i => i.GetString()!).ToArray());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", root.GetProperty("grievance").GetProperty("receivedOn").GetString()!);
        Assert.Equal(1, root.GetProperty("siteGrievancesLast90Days").GetProperty("CH01").GetInt32());
        Assert.Contains(root.GetProperty("withheld").EnumerateArray(), w => w.GetProperty("what").GetString()!.StartsWith("Worker testimony", StringComparison.Ordinal));
        // The withheld list names what this dossier left out (issue 16 hole 5), not a fixed claim: the case has no status
        // data, so it claims to withhold none; it held back the case reference and exact times, and says so.
        var withheld = root.GetProperty("withheld").EnumerateArray().Select(w => w.GetProperty("what").GetString()!).ToList();
        Assert.DoesNotContain(withheld, w => w.StartsWith("Immigration", StringComparison.Ordinal));
        Assert.Contains(withheld, w => w.StartsWith("The case reference", StringComparison.Ordinal));
        Assert.Contains(withheld, w => w.StartsWith("Exact times", StringComparison.Ordinal));
    }

    /// <summary>
    /// Issue #19: the office's notes never leave in a dossier, even one that carries the worker's testimony (consent
    /// given). Mutation that fails it: adding the case's notes to <c>Testimony</c> in <c>TestimonyReader.ReadForDestinationAsync</c>.
    /// </summary>
    [Fact]
    public async Task ADossierWithTheWorkersConsent_CarriesTheirWords_ButNeverTheOfficesNotes()
    {
        var tenant = await factory.CreateTenantAsync();
        var path = await DestinationAsync(tenant, "child-protection");
        var filed = await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(categories: ["under-18"], narrative: Narrative, consent: Consent(true)));
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);
        await Http.IdAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/notes", new { visibility = "internal", text = "Office-note-9c1e: the warden is the agent's cousin" }));

        await RunJobAsync(tenant.TenantId);
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);

        var body = Assert.Single(GrievanceDossiers(path));
        Assert.Contains("Narrative-7f3a", body, StringComparison.Ordinal);
        Assert.DoesNotContain("Office-note-9c1e", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CriticalCase_PastItsAcknowledgementClock_WithConsent_CarriesTheNarrative_OncePerDestination()
    {
        var tenant = await factory.CreateTenantAsync();
        var childProtection = await DestinationAsync(tenant, "child-protection");
        var labour = await DestinationAsync(tenant, "labour-authority");
        await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(categories: ["cannot-leave"], narrative: Narrative, consent: Consent(true)));

        await RunJobAsync(tenant.TenantId);
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from escalations where tenant_id = @t and subject_kind = 'grievance'", ("t", tenant.TenantId)));

        factory.Clock.Advance(TimeSpan.FromDays(8));
        await RunJobAsync(tenant.TenantId);
        await RunJobAsync(tenant.TenantId);
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);

        var body = Assert.Single(GrievanceDossiers(childProtection));
        Assert.Empty(GrievanceDossiers(labour));
        using var dossier = JsonDocument.Parse(body);
        Assert.Equal(Narrative, dossier.RootElement.GetProperty("testimony").GetProperty("narrative").GetString());
        Assert.DoesNotContain("Narrative-7f3a", await factory.ScalarAsync<string>("select string_agg(body, '') from escalations where tenant_id = @t", ("t", tenant.TenantId)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConsentWithdrawnThroughTheReceipt_BeforeDelivery_RemovesTheNarrative()
    {
        var tenant = await factory.CreateTenantAsync();
        var path = await DestinationAsync(tenant, "child-protection");
        var filed = await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(categories: ["under-18"], narrative: Narrative, consent: Consent(true)));

        await RunJobAsync(tenant.TenantId);
        await Http.EnsureStatusAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up/consent", new { receipt = filed.Receipt, consent = Consent(false) }), 200);
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);

        var body = Assert.Single(GrievanceDossiers(path));
        Assert.DoesNotContain("Narrative-7f3a", body, StringComparison.Ordinal);
        Assert.Contains("\"testimony\": null", body, StringComparison.Ordinal);
    }
}
