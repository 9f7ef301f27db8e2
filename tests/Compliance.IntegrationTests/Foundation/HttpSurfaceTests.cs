using System.Net.Http.Json;
using System.Text;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Foundation;

/// <summary>Every error is a problem document; docs and health answer.</summary>
public class HttpSurfaceTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task UnsupportedMethod_Is405Problem() =>
        await Http.AssertProblemAsync(await factory.Client().PatchAsync("/api/v1/tenants", null), 405);

    [Fact]
    public async Task UnknownRoute_Is404Problem() =>
        await Http.AssertProblemAsync(await factory.Client().GetAsync("/api/v1/nothing-here"), 404);

    [Fact]
    public async Task NonJsonBody_Is415Problem()
    {
        var tenant = await factory.CreateTenantAsync();
        await Http.AssertProblemAsync(await tenant.Owner.PostAsync("/api/v1/suppliers", new StringContent("name=x", Encoding.UTF8, "text/plain")), 415);
    }

    [Fact]
    public async Task BodyOverOneMegabyte_Is413Problem_AndWritesNothing()
    {
        var tenant = await factory.CreateTenantAsync();
        var before = await factory.CountRowsAsync("suppliers");
        var huge = JsonContent.Create(new { name = new string('x', 1_100_000), countryCode = "MY" });
        await huge.LoadIntoBufferAsync();

        await Http.AssertProblemAsync(await tenant.Owner.PostAsync("/api/v1/suppliers", huge), 413);

        Assert.Equal(before, await factory.CountRowsAsync("suppliers"));
    }

    [Fact]
    public async Task MalformedJson_Is400Problem()
    {
        var tenant = await factory.CreateTenantAsync();
        var response = await tenant.Owner.PostAsync("/api/v1/suppliers", new StringContent("{\"name\":", Encoding.UTF8, "application/json"));
        await Http.AssertProblemAsync(response, 400);
    }

    [Fact]
    public async Task OpenApiDocument_And_DocsUi_AreServed()
    {
        var client = factory.Client();
        var doc = await Http.JsonAsync(await client.GetAsync("/openapi/v1.json"));
        Assert.True(doc.GetProperty("paths").TryGetProperty("/api/v1/sites", out _));
        var ui = await client.GetAsync("/docs/index.html");
        await Http.EnsureStatusAsync(ui, 200);
    }

    [Fact]
    public async Task Health_LiveAndReady()
    {
        await Http.EnsureStatusAsync(await factory.Client().GetAsync("/health/live"), 200);
        var ready = await factory.Client().GetAsync("/health/ready");
        await Http.EnsureStatusAsync(ready, 200);
        Assert.Equal("Healthy", await ready.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task HangfireDashboard_IsClosedToEveryTenantRole_OwnerIncluded()
    {
        // Issue 16, hole 1: the owner's 200 here was the hole; the dashboard is the operator's (see Hole01JobDashboardTests).
        var tenant = await factory.CreateTenantAsync();
        Assert.Equal(401, (int)(await factory.Client().GetAsync("/hangfire")).StatusCode);
        Assert.Equal(403, (int)(await (await tenant.ClientAsync("compliance")).GetAsync("/hangfire")).StatusCode);
        Assert.Equal(403, (int)(await tenant.Owner.GetAsync("/hangfire")).StatusCode);
    }
}
