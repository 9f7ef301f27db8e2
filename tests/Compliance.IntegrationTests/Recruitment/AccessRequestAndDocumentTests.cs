using System.Text.Json.Nodes;
using Compliance.IntegrationTests.Infrastructure;
using static Compliance.IntegrationTests.Recruitment.RecruitmentData;

namespace Compliance.IntegrationTests.Recruitment;

/// <summary>The standard matrix for the routes under a record: fulfil, refuse and the declaration document.</summary>
public class AccessRequestAndDocumentTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private async Task<(TestTenant Tenant, Guid Worker, Guid Request, Guid Declaration)> SeedAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync();
        var request = await tenant.PostAsync(worker, "passport-access-requests", new JsonObject { ["requestedAt"] = "2025-03-01T08:00:00Z" });
        var declaration = await tenant.PostAsync(worker, "declarations", DeclarationBody());
        return (tenant, worker, request, declaration);
    }

    [Fact]
    public async Task FulfilAndRefuse_WithBadInput_Are400NamingTheField_AndWriteNothing()
    {
        var (tenant, worker, request, _) = await SeedAsync();
        var before = await factory.ScalarAsync<long>("select count(*) from passport_access_requests where returned_at is not null or refused_at is not null");

        await Http.AssertValidationProblemAsync(
            await tenant.Owner.PostAsync($"/api/v1/workers/{worker}/passport-access-requests/{request}/fulfil", Json(new JsonObject { ["returnedAt"] = null })), "returnedAt");
        await Http.AssertValidationProblemAsync(
            await tenant.Owner.PostAsync($"/api/v1/workers/{worker}/passport-access-requests/{request}/refuse", Json(new JsonObject { ["refusedAt"] = "soon" })), "refusedAt");

        Assert.Equal(before, await factory.ScalarAsync<long>("select count(*) from passport_access_requests where returned_at is not null or refused_at is not null"));
    }

    [Fact]
    public async Task FulfilRefuseAndDocument_WrongRoleIs403_AnotherTenantOrSupplierIs404()
    {
        var (tenant, worker, request, declaration) = await SeedAsync();
        var other = await factory.CreateTenantAsync();
        var otherSupplier = await tenant.ClientAsync("supplier", await tenant.CreateSupplierAsync());
        var handler = await tenant.ClientAsync("case-handler");
        var auditor = await tenant.ClientAsync("auditor");
        var fulfil = $"/api/v1/workers/{worker}/passport-access-requests/{request}/fulfil";
        var refuse = $"/api/v1/workers/{worker}/passport-access-requests/{request}/refuse";
        var document = $"/api/v1/workers/{worker}/declarations/{declaration}/document";
        JsonObject Returned() => new() { ["returnedAt"] = "2025-03-01T10:00:00Z" };
        JsonObject Refused() => new() { ["refusedAt"] = "2025-03-01T10:00:00Z" };

        foreach (var client in new[] { handler, auditor })
        {
            await Http.AssertProblemAsync(await client.PostAsync(fulfil, Json(Returned())), 403);
            await Http.AssertProblemAsync(await client.PostAsync(refuse, Json(Refused())), 403);
        }

        await Http.AssertProblemAsync(await handler.GetAsync(document), 403);
        foreach (var stranger in new[] { other.Owner, otherSupplier })
        {
            await Http.AssertProblemAsync(await stranger.PostAsync(fulfil, Json(Returned())), 404);
            await Http.AssertProblemAsync(await stranger.PostAsync(refuse, Json(Refused())), 404);
            await Http.AssertProblemAsync(await stranger.GetAsync(document), 404);
        }

        // Nothing the strangers tried changed the request; its owner can still fulfil it.
        Assert.Equal(0, await factory.ScalarAsync<long>(
            "select count(*) from passport_access_requests where id = @id and (returned_at is not null or refused_at is not null)", ("id", request)));
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsync(fulfil, Json(Returned())), 200);
        await Http.EnsureStatusAsync(await auditor.GetAsync(document), 200);
    }
}
