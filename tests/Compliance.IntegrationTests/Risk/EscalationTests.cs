using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Compliance.Api.Features.Risk.Assessment;
using Compliance.Api.Features.Risk.Escalations;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using WireMock.Logging;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Compliance.IntegrationTests.Risk;

/// <summary>The app with WireMock.Net as the escalation destination, on loopback (allowed for tests only).</summary>
public sealed class EscalationApiFactory : ComplianceApiFactory
{
    public const int MaxAttempts = 3;

    public WireMockServer Destination { get; } = WireMockServer.Start();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Escalation:AllowLoopback", "true"),
        new("Escalation:MaxAttempts", MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("Escalation:TimeoutSeconds", "3"),
    ];

    public IReadOnlyList<ILogEntry> Received(string path) =>
        [.. Destination.LogEntries.Where(e => e.RequestMessage.Path == path)];

    protected override void Dispose(bool disposing)
    {
        Destination.Stop();
        base.Dispose(disposing);
    }
}

public class EscalationTests(EscalationApiFactory factory) : IClassFixture<EscalationApiFactory>
{
    private const string Secret = "test-signing-secret-0123456789-abcdefghij";

    private async Task<(TestTenant Tenant, Guid SiteId, Guid DestinationId, string Path)> CriticalSiteWithDestinationAsync(Action<IRespondWithAProvider, string>? stub = null)
    {
        var tenant = await factory.CreateTenantAsync();
        var path = $"/hooks/{Guid.NewGuid():N}";
        if (stub is null)
        {
            factory.Destination.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        }
        else
        {
            stub(factory.Destination.Given(Request.Create().WithPath(path).UsingPost()), path);
        }

        var destinationId = await Http.IdAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/escalation-destinations", new
        {
            name = "Child protection MY",
            kind = "child-protection",
            jurisdiction = "MY",
            url = $"http://127.0.0.1:{factory.Destination.Port}{path}",
            signingSecret = Secret,
            minimumLevel = "critical",
            active = true,
        }));
        var (siteId, _) = await tenant.CriticalSiteAsync("Ayu, 15, works the night shift");
        return (tenant, siteId, destinationId, path);
    }

    private async Task RunAssessmentJobAsync(Guid tenantId)
    {
        await using var scope = factory.CreateScope();
        await scope.ServiceProvider.GetRequiredService<RiskAssessmentJob>().RunAsync(tenantId, CancellationToken.None);
    }

    /// <summary>One Hangfire execution of the delivery job; returns the exception Hangfire would see.</summary>
    private async Task<Exception?> DeliverOnceAsync(Guid tenantId, Guid escalationId)
    {
        await using var scope = factory.CreateScope();
        try
        {
            await scope.ServiceProvider.GetRequiredService<EscalationDeliveryJob>().DeliverAsync(tenantId, escalationId, CancellationToken.None);
            return null;
        }
        catch (EscalationDeliveryException ex)
        {
            return ex;
        }
    }

    private static async Task<JsonElement> OnlyEscalationAsync(TestTenant tenant)
    {
        var list = await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/escalations"));
        var item = Assert.Single(list.GetProperty("items").EnumerateArray());
        return await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/escalations/{item.GetProperty("id").GetGuid()}"));
    }

    [Fact]
    public async Task CriticalSite_IsDeliveredOnce_WithASignatureThatVerifies_AndNoWithheldData()
    {
        var (tenant, siteId, _, path) = await CriticalSiteWithDestinationAsync();

        await RunAssessmentJobAsync(tenant.TenantId);
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);

        var request = Assert.Single(factory.Received(path)).RequestMessage;
        var body = request.Body!;
        var timestamp = request.Headers!["X-Compliance-Timestamp"].Single();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
        Assert.Equal(expected, request.Headers["X-Compliance-Signature"].Single());

        using var dossier = JsonDocument.Parse(body);
        var root = dossier.RootElement;
        Assert.Equal(siteId, root.GetProperty("site").GetProperty("id").GetGuid());
        Assert.Equal("critical", root.GetProperty("assessment").GetProperty("level").GetString());
        Assert.Equal("fl-2026.1", root.GetProperty("assessment").GetProperty("modelVersion").GetString());
        Assert.Equal("CH01", root.GetProperty("assessment").GetProperty("indicators")[0].GetString());
        // The withheld list describes what this dossier held back (issue 16 hole 5), no longer a constant claim.
        Assert.Contains(root.GetProperty("withheld").EnumerateArray(), w => w.GetProperty("what").GetString() == "Audit finding free text");
        Assert.Contains("**critical**", root.GetProperty("summaryMarkdown").GetString(), StringComparison.Ordinal);
        Assert.DoesNotContain("Ayu", body, StringComparison.Ordinal);

        var escalation = await OnlyEscalationAsync(tenant);
        Assert.Equal("delivered", escalation.GetProperty("status").GetString());
        Assert.Equal(request.Headers["Idempotency-Key"].Single(), escalation.GetProperty("idempotencyKey").GetString());
        Assert.Equal(200, Assert.Single(escalation.GetProperty("attempts").EnumerateArray()).GetProperty("statusCode").GetInt32());
        Assert.DoesNotContain(factory.Logs.Lines, l => l.Contains(Secret, StringComparison.Ordinal));
    }

    [Fact]
    public async Task TwoFailures_ThenSuccess_IsOneEscalation_ThreeAttempts_SameIdempotencyKey()
    {
        var (tenant, _, _, path) = await CriticalSiteWithDestinationAsync((given, p) =>
        {
            given.InScenario(p).WillSetStateTo("second").RespondWith(Response.Create().WithStatusCode(500));
            factory.Destination.Given(Request.Create().WithPath(p).UsingPost()).InScenario(p).WhenStateIs("second").WillSetStateTo("third").RespondWith(Response.Create().WithStatusCode(500));
            factory.Destination.Given(Request.Create().WithPath(p).UsingPost()).InScenario(p).WhenStateIs("third").RespondWith(Response.Create().WithStatusCode(200));
        });
        await RunAssessmentJobAsync(tenant.TenantId);
        var id = (await OnlyEscalationAsync(tenant)).GetProperty("id").GetGuid();

        Assert.NotNull(await DeliverOnceAsync(tenant.TenantId, id));
        Assert.NotNull(await DeliverOnceAsync(tenant.TenantId, id));
        Assert.Null(await DeliverOnceAsync(tenant.TenantId, id));
        Assert.Null(await DeliverOnceAsync(tenant.TenantId, id));

        var received = factory.Received(path);
        Assert.Equal(3, received.Count);
        Assert.Single(received.Select(r => r.RequestMessage.Headers!["Idempotency-Key"].Single()).Distinct());
        var escalation = await OnlyEscalationAsync(tenant);
        Assert.Equal("delivered", escalation.GetProperty("status").GetString());
        Assert.Equal("[500,500,200]", JsonSerializer.Serialize(escalation.GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("statusCode")).ToList()));
    }

    [Fact]
    public async Task ATimeout_IsRecorded_AndRetried()
    {
        var (tenant, _, _, path) = await CriticalSiteWithDestinationAsync((given, p) =>
        {
            given.InScenario(p).WillSetStateTo("answered").RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(4)));
            factory.Destination.Given(Request.Create().WithPath(p).UsingPost()).InScenario(p).WhenStateIs("answered").RespondWith(Response.Create().WithStatusCode(200));
        });
        await RunAssessmentJobAsync(tenant.TenantId);
        var id = (await OnlyEscalationAsync(tenant)).GetProperty("id").GetGuid();

        Assert.NotNull(await DeliverOnceAsync(tenant.TenantId, id));

        // WireMock moves the scenario on once the slow answer is written (it logs the request then); Hangfire's
        // backoff (30 s) would be far longer.
        for (var i = 0; i < 100 && factory.Received(path).Count == 0; i++)
        {
            await Task.Delay(100);
        }

        Assert.Null(await DeliverOnceAsync(tenant.TenantId, id));

        var escalation = await OnlyEscalationAsync(tenant);
        Assert.Equal("delivered", escalation.GetProperty("status").GetString());
        var attempts = escalation.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal(JsonValueKind.Null, attempts[0].GetProperty("statusCode").ValueKind);
        Assert.Contains("Timeout", attempts[0].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, attempts[1].GetProperty("statusCode").GetInt32());
        Assert.Equal(2, factory.Received(path).Count);
    }

    [Fact]
    public async Task AnAlwaysDownDestination_EndsFailed_AfterTheConfiguredAttempts()
    {
        var (tenant, siteId, _, path) = await CriticalSiteWithDestinationAsync((given, _) => given.RespondWith(Response.Create().WithStatusCode(503)));
        await RunAssessmentJobAsync(tenant.TenantId);
        var id = (await OnlyEscalationAsync(tenant)).GetProperty("id").GetGuid();

        for (var i = 1; i < EscalationApiFactory.MaxAttempts; i++)
        {
            Assert.NotNull(await DeliverOnceAsync(tenant.TenantId, id));
        }

        Assert.Null(await DeliverOnceAsync(tenant.TenantId, id));
        Assert.Null(await DeliverOnceAsync(tenant.TenantId, id));

        Assert.Equal(EscalationApiFactory.MaxAttempts, factory.Received(path).Count);
        var failed = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/escalations?status=failed&siteId={siteId}"));
        var item = Assert.Single(failed.GetProperty("items").EnumerateArray());
        Assert.Equal(EscalationApiFactory.MaxAttempts, item.GetProperty("attemptCount").GetInt32());
        Assert.Equal("HTTP 503", item.GetProperty("lastError").GetString());
        var auditor = await tenant.ClientAsync("auditor");
        Assert.Equal("failed", (await Http.JsonAsync(await auditor.GetAsync($"/api/v1/escalations/{id}"))).GetProperty("status").GetString());
    }

    [Fact]
    public async Task RunningTwice_AndRetryingAfterACrashBeforeSending_DeliversExactlyOne()
    {
        var (tenant, _, _, path) = await CriticalSiteWithDestinationAsync();

        // First run creates the escalation; the process "crashes" before any delivery runs: its queued job is lost.
        await RunAssessmentJobAsync(tenant.TenantId);
        Assert.Equal(1, factory.DiscardEnqueuedJobs(tenant.TenantId));

        Assert.Empty(factory.Received(path));

        // The retry and a second run both find the same escalation and re-enqueue its delivery.
        await RunAssessmentJobAsync(tenant.TenantId);
        await RunAssessmentJobAsync(tenant.TenantId);
        var outcomes = await factory.RunEnqueuedJobsAsync(tenant.TenantId);

        Assert.Equal(2, outcomes.Count);
        Assert.Single(factory.Received(path));
        var escalation = await OnlyEscalationAsync(tenant);
        Assert.Equal("delivered", escalation.GetProperty("status").GetString());
        Assert.Equal(1, escalation.GetProperty("attemptCount").GetInt32());
        Assert.Equal(3L, await factory.ScalarAsync<long>("select count(*) from risk_assessments where tenant_id = @t", ("t", tenant.TenantId)));
    }

    [Theory]
    [InlineData("https://10.1.2.3/hook")]
    [InlineData("https://192.168.0.10/hook")]
    [InlineData("https://169.254.169.254/latest/meta-data")]
    [InlineData("https://[fd00:ec2::254]/")]
    [InlineData("http://example.org/hook")]
    [InlineData("ftp://127.0.0.1/hook")]
    public async Task PrivateOrNonHttpsUrls_AreRefused_AndNothingIsWritten(string url)
    {
        var tenant = await factory.CreateTenantAsync();
        var before = await factory.CountRowsAsync("escalation_destinations");
        await Http.AssertValidationProblemAsync(
            await tenant.Owner.PostAsJsonAsync("/api/v1/escalation-destinations", new { name = "x", kind = "ngo", jurisdiction = "MY", url, signingSecret = Secret, minimumLevel = "high", active = true }),
            "url");
        Assert.Equal(before, await factory.CountRowsAsync("escalation_destinations"));
    }

    [Theory]
    [InlineData("kind", "immigration")]
    [InlineData("minimumLevel", "medium")]
    [InlineData("jurisdiction", "Malaysia")]
    [InlineData("signingSecret", "short")]
    [InlineData("name", "")]
    public async Task Destination_WithBadField_Is400_AndWritesNothing(string field, string value)
    {
        var tenant = await factory.CreateTenantAsync();
        var body = new Dictionary<string, object?>
        {
            ["name"] = "NGO",
            ["kind"] = "ngo",
            ["jurisdiction"] = "MY",
            ["url"] = $"http://127.0.0.1:{factory.Destination.Port}/x",
            ["signingSecret"] = Secret,
            ["minimumLevel"] = "high",
            ["active"] = true,
            [field] = value,
        };
        var before = await factory.CountRowsAsync("escalation_destinations");
        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/escalation-destinations", body), field);
        Assert.Equal(before, await factory.CountRowsAsync("escalation_destinations"));
    }

    [Fact]
    public async Task SigningSecret_IsStoredSealed_AlsoWhenChanged()
    {
        var (tenant, _, destinationId, _) = await CriticalSiteWithDestinationAsync();
        const string Rotated = "rotated-signing-secret-0123456789abcdef";

        var stored = await factory.ScalarAsync<string>("select signing_secret from escalation_destinations where id = @id", ("id", destinationId));
        await Http.EnsureStatusAsync(await tenant.Owner.PatchAsJsonAsync($"/api/v1/escalation-destinations/{destinationId}", new { signingSecret = Rotated }), 200);
        var rotated = await factory.ScalarAsync<string>("select signing_secret from escalation_destinations where id = @id", ("id", destinationId));

        Assert.StartsWith(SigningSecretProtector.Prefix, stored, StringComparison.Ordinal);
        Assert.DoesNotContain(Secret, stored, StringComparison.Ordinal);
        Assert.StartsWith(SigningSecretProtector.Prefix, rotated, StringComparison.Ordinal);
        Assert.DoesNotContain(Rotated, rotated, StringComparison.Ordinal);
        Assert.NotEqual(stored, rotated);
    }

    [Fact]
    public async Task Destinations_AreOwnerOnly_SecretIsNeverReturned_AndOtherTenantsSeeNothing()
    {
        var (tenant, _, destinationId, _) = await CriticalSiteWithDestinationAsync();

        var read = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/escalation-destinations/{destinationId}"));
        Assert.False(read.TryGetProperty("signingSecret", out _));
        Assert.True(read.GetProperty("hasSigningSecret").GetBoolean());
        var patched = await Http.JsonAsync(await tenant.Owner.PatchAsJsonAsync($"/api/v1/escalation-destinations/{destinationId}", new { active = false }));
        Assert.False(patched.GetProperty("active").GetBoolean());
        Assert.DoesNotContain(Secret, patched.GetRawText(), StringComparison.Ordinal);

        await Http.AssertProblemAsync(await (await tenant.ClientAsync("compliance")).GetAsync("/api/v1/escalation-destinations"), 403);
        await Http.AssertProblemAsync(await (await tenant.ClientAsync("case-handler")).GetAsync("/api/v1/escalations"), 403);
        var other = await factory.CreateTenantAsync();
        await CrossTenant.AssertInvisibleAsync(other.Owner, $"/api/v1/escalation-destinations/{destinationId}", destinationId, new { active = true }, "/api/v1/escalation-destinations", HttpMethod.Patch, hasDelete: false);

        // An inactive destination receives nothing.
        await RunAssessmentJobAsync(tenant.TenantId);
        Assert.Equal(0, (await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/escalations"))).GetProperty("totalCount").GetInt32());
    }
}
