using System.Net.Http.Json;
using Compliance.Api.Features.Risk.Assessment;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Risk;
using Compliance.IntegrationTests.WorkerVoice;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Compliance.IntegrationTests.TrustWalls;

/// <summary>Issue 16, hole 10: destinations are validated on every change and hear only about their own country.</summary>
public class Hole10EscalationDestinationTests(EscalationApiFactory factory) : IClassFixture<EscalationApiFactory>
{
    private const string Secret = "test-signing-secret-0123456789-abcdefghij";

    private async Task<(Guid Id, string Path)> DestinationAsync(TestTenant tenant, string jurisdiction, string kind = "child-protection")
    {
        var path = $"/hooks/{Guid.NewGuid():N}";
        factory.Destination.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        var id = await Http.IdAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/escalation-destinations", new
        {
            name = $"{kind} {jurisdiction}",
            kind,
            jurisdiction,
            url = $"http://127.0.0.1:{factory.Destination.Port}{path}",
            signingSecret = Secret,
            minimumLevel = "critical",
            active = true,
        }));
        return (id, path);
    }

    private async Task RunAssessmentJobAsync(Guid tenantId)
    {
        await using var scope = factory.CreateScope();
        await scope.ServiceProvider.GetRequiredService<RiskAssessmentJob>().RunAsync(tenantId, CancellationToken.None);
    }

    [Theory]
    [InlineData("kind", "immigration")]
    [InlineData("jurisdiction", "Malaysia")]
    [InlineData("minimumLevel", "medium")]
    [InlineData("name", " ")]
    [InlineData("url", "ftp://example.org/hook")]
    [InlineData("url", "http://93.184.216.34/hook")]
    [InlineData("url", "https://10.0.0.7/hook")]
    [InlineData("url", "https://[::10.0.0.7]/hook")]
    [InlineData("url", "https://[::ffff:169.254.169.254]/hook")]
    [InlineData("url", "https://[64:ff9b::a00:7]/hook")]
    [InlineData("url", "https://[2002:a00:7::1]/hook")]
    [InlineData("url", "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook")]
    public async Task Hole10_PatchDestination_IsValidatedLikePost_AndWritesNothing(string field, string value)
    {
        var tenant = await factory.CreateTenantAsync();
        var (id, _) = await DestinationAsync(tenant, "MY", kind: "ngo");
        const string Row = "select concat_ws('|', name, kind, jurisdiction, url, minimum_level, updated_at) from escalation_destinations where id = @id";
        var before = await factory.ScalarAsync<string>(Row, ("id", id));

        await Http.AssertValidationProblemAsync(
            await tenant.Owner.PatchAsJsonAsync($"/api/v1/escalation-destinations/{id}", new Dictionary<string, object?> { [field] = value }),
            field);
        Assert.Equal(before, await factory.ScalarAsync<string>(Row, ("id", id)));
    }

    [Fact]
    public async Task Hole10_PatchDestination_IsOwnerOnly_AndAnotherTenantsIsNotFound()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        var (id, _) = await DestinationAsync(tenant, "MY");

        foreach (var role in new[] { "compliance", "supplier", "auditor", "case-handler" })
        {
            var supplierId = role == "supplier" ? await tenant.CreateSupplierAsync() : (Guid?)null;
            var client = await tenant.ClientAsync(role, supplierId);
            await Http.EnsureStatusAsync(await client.PatchAsJsonAsync($"/api/v1/escalation-destinations/{id}", new { jurisdiction = "ID" }), 403);
        }

        await Http.EnsureStatusAsync(await other.Owner.PatchAsJsonAsync($"/api/v1/escalation-destinations/{id}", new { jurisdiction = "ID" }), 404);
        Assert.Equal("MY", await factory.ScalarAsync<string>("select jurisdiction from escalation_destinations where id = @id", ("id", id)));
    }

    [Fact]
    public async Task Hole10_SiteEscalation_GoesOnlyToDestinationsOfTheSitesCountry()
    {
        var tenant = await factory.CreateTenantAsync();
        var malaysia = await DestinationAsync(tenant, "MY");
        var indonesia = await DestinationAsync(tenant, "ID");
        var (siteId, _) = await tenant.CriticalSiteAsync();

        await RunAssessmentJobAsync(tenant.TenantId);
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);

        Assert.Single(factory.Received(malaysia.Path));
        Assert.Empty(factory.Received(indonesia.Path));
        Assert.Equal(0L, await factory.ScalarAsync<long>(
            "select count(*) from escalations where destination_id = @d and site_id = @s", ("d", indonesia.Id), ("s", siteId)));
    }

    [Fact]
    public async Task Hole10_GrievanceEscalation_GoesOnlyToDestinationsOfTheSitesCountry()
    {
        var tenant = await factory.CreateTenantAsync();
        var malaysia = await DestinationAsync(tenant, "MY", kind: "ngo");
        var indonesia = await DestinationAsync(tenant, "ID", kind: "ngo");
        await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(categories: ["under-18"]));

        await RunAssessmentJobAsync(tenant.TenantId);

        const string Count = "select count(*) from escalations where destination_id = @d and subject_kind = 'grievance'";
        Assert.Equal(1L, await factory.ScalarAsync<long>(Count, ("d", malaysia.Id)));
        Assert.Equal(0L, await factory.ScalarAsync<long>(Count, ("d", indonesia.Id)));
    }
}
