using System.Net.Http.Headers;
using System.Net.Http.Json;
using Compliance.Api.Features.Risk.Assessment;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Risk;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.IntegrationTests.TrustWalls;

/// <summary>The app (with the base factory's operator credential, <see cref="ComplianceApiFactory.OperatorKey"/>) and escalations allowed to loopback.</summary>
public sealed class OperatorFactory : ComplianceApiFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Escalation:AllowLoopback", "true"),
        new("Escalation:TimeoutSeconds", "2"),
    ];
}

/// <summary>Issue 16, hole 1: the job dashboard is the operator's; tenants read their own jobs from the API.</summary>
public class Hole01JobDashboardTests(OperatorFactory factory) : IClassFixture<OperatorFactory>
{
    private static readonly string[] DashboardPages = ["/hangfire", "/hangfire/jobs/succeeded", "/hangfire/recurring"];

    private static FormUrlEncodedContent Trigger() => new([KeyValuePair.Create("jobs[]", "grievance-retention")]);

    [Fact]
    public async Task Hole01_TenantOwnerCannotReachJobDashboard()
    {
        var tenant = await factory.CreateTenantAsync();
        // A tenant's key is a signed-in caller the dashboard refuses (403); no key, or a wrong operator key (which is no
        // tenant's key either), is nobody (401).
        var clients = new List<(HttpClient Client, int Status)> { (tenant.Owner, 403), (await tenant.ClientAsync("compliance"), 403), (factory.Client(), 401) };
        var wrong = factory.Client();
        wrong.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OperatorFactory.OperatorKey + "x");
        clients.Add((wrong, 401));
        foreach (var (client, expected) in clients)
        {
            foreach (var page in DashboardPages)
            {
                Assert.Equal(expected, (int)(await client.GetAsync(page)).StatusCode);
            }

            Assert.Equal(expected, (int)(await client.PostAsync("/hangfire/recurring/trigger", Trigger())).StatusCode);
        }
    }

    [Fact]
    public async Task Hole01_OperatorKeyReachesJobDashboard_AndIsNeverLogged()
    {
        var client = factory.Client();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", OperatorFactory.OperatorKey);
        foreach (var page in DashboardPages)
        {
            await Http.EnsureStatusAsync(await client.GetAsync(page), 200);
        }

        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains(OperatorFactory.OperatorKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hole01_TenantJobs_ShowOnlyTheCallersTenant()
    {
        var tenant = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        await Http.IdAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/escalation-destinations", new
        {
            name = "Unreachable NGO",
            kind = "ngo",
            jurisdiction = "MY",
            url = "http://127.0.0.1:9/hook",
            signingSecret = "test-signing-secret-0123456789-abcdefghij",
            minimumLevel = "high",
            active = true,
        }));
        await tenant.CriticalSiteAsync();
        await using (var scope = factory.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<RiskAssessmentJob>().RunAsync(tenant.TenantId, CancellationToken.None);
        }

        // The destination is unreachable on purpose: its one delivery attempt fails, and says so.
        Assert.IsType<Compliance.Api.Features.Risk.Escalations.EscalationDeliveryException>(Assert.Single(await factory.RunEnqueuedJobsExpectingFailuresAsync(tenant.TenantId)));

        var mine = await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/jobs"));
        Assert.Equal(factory.Clock.GetUtcNow(), mine.GetProperty("riskAssessment").GetProperty("lastRunAt").GetDateTimeOffset());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, mine.GetProperty("riskAssessment").GetProperty("nextRunAt").ValueKind);
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, mine.GetProperty("retention").GetProperty("nextRunAt").ValueKind);
        var delivery = mine.GetProperty("escalationDelivery");
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, delivery.GetProperty("lastAttemptAt").ValueKind);
        Assert.Equal(1, delivery.GetProperty("pending").GetInt32() + delivery.GetProperty("failed").GetInt32());

        var theirs = await Http.JsonAsync(await (await other.ClientAsync("compliance")).GetAsync("/api/v1/jobs"));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, theirs.GetProperty("riskAssessment").GetProperty("lastRunAt").ValueKind);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, theirs.GetProperty("escalationDelivery").GetProperty("lastAttemptAt").ValueKind);
        Assert.Equal(0, theirs.GetProperty("escalationDelivery").GetProperty("pending").GetInt32());
        Assert.DoesNotContain(tenant.TenantId.ToString(), theirs.ToString(), StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("supplier", 403)]
    [InlineData("auditor", 403)]
    [InlineData("case-handler", 403)]
    [InlineData("compliance", 200)]
    [InlineData("owner", 200)]
    public async Task Hole01_TenantJobs_AreForOwnerAndCompliance(string role, int expected)
    {
        var tenant = await factory.CreateTenantAsync();
        var client = role == "owner" ? tenant.Owner : await tenant.ClientAsync(role, role == "supplier" ? await tenant.CreateSupplierAsync() : null);
        await Http.EnsureStatusAsync(await client.GetAsync("/api/v1/jobs"), expected);
        await Http.EnsureStatusAsync(await factory.Client().GetAsync("/api/v1/jobs"), 401);
    }
}

/// <summary>The app with no operator key configured (outside Development).</summary>
public sealed class NoOperatorKeyFactory : ComplianceApiFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Operations:DashboardKey", "")];
}

/// <summary>Without an operator key outside Development, the dashboard does not exist.</summary>
public class Hole01DashboardOffTests(NoOperatorKeyFactory factory) : IClassFixture<NoOperatorKeyFactory>
{
    [Fact]
    public async Task Hole01_WithoutOperatorKey_DashboardIsOff()
    {
        var tenant = await factory.CreateTenantAsync();
        foreach (var page in new[] { "/hangfire", "/hangfire/jobs/succeeded", "/hangfire/recurring" })
        {
            await Http.EnsureStatusAsync(await tenant.Owner.GetAsync(page), 404);
        }

        await Http.EnsureStatusAsync(await tenant.Owner.PostAsync("/hangfire/recurring/trigger", new FormUrlEncodedContent([KeyValuePair.Create("jobs[]", "grievance-retention")])), 404);
    }
}
