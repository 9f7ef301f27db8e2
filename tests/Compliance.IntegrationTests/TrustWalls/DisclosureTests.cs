using System.Net.Http.Json;
using System.Text.Json;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Recruitment;
using Compliance.IntegrationTests.Reporting;
using Compliance.IntegrationTests.Risk;
using Compliance.IntegrationTests.WorkerVoice;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace Compliance.IntegrationTests.TrustWalls;

/// <summary>Issue 16, holes 2 and 5: what assessments and dossiers disclose outside case handling.</summary>
public class DisclosureTests(EscalationApiFactory factory) : IClassFixture<EscalationApiFactory>
{
    private const string Secret = "test-signing-secret-0123456789-abcdefghij";

    private async Task<string> DestinationAsync(TestTenant tenant, string kind, string minimumLevel = "critical")
    {
        var path = $"/hooks/{Guid.NewGuid():N}";
        factory.Destination.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        await Http.IdAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/escalation-destinations", new
        {
            name = $"{kind} {Guid.NewGuid():N}",
            kind,
            jurisdiction = "MY",
            url = $"http://127.0.0.1:{factory.Destination.Port}{path}",
            signingSecret = Secret,
            minimumLevel,
            active = true,
        }));
        return path;
    }

    private async Task AssessAndDeliverAsync(TestTenant tenant)
    {
        // Testimony counts from the day after it was filed (hole 4): move past midnight first.
        factory.Clock.Advance(TimeSpan.FromDays(1));
        await Http.JsonAsync(await tenant.Owner.PostAsync("/api/v1/risk-assessments/run", null), 202);
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);
    }

    private static JsonElement Item(JsonElement evidence, string rule) =>
        evidence.EnumerateArray().Single(e => e.GetProperty("ruleId").GetString() == rule);

    private static void AssertWithheld(JsonElement item)
    {
        Assert.Equal(JsonValueKind.Null, item.GetProperty("measured").ValueKind);
        Assert.Equal(JsonValueKind.Null, item.GetProperty("sources").GetProperty("worker").ValueKind);
        Assert.StartsWith("fewer than 5 ", item.GetProperty("explanation").GetString(), StringComparison.Ordinal);
        var withheld = item.GetProperty("withheld").EnumerateArray().ToList();
        Assert.Equal(["measured", "sources.worker"], withheld.Select(w => w.GetProperty("field").GetString()!).ToArray());
        Assert.All(withheld, w => Assert.Equal("fewer than 5", w.GetProperty("shown").GetString()));
    }

    [Fact]
    public async Task Hole02_OneGrievance_IsFewerThan5_ForComplianceAuditorOData_AndABuyerDossier_ButTheSiteIsStillCritical()
    {
        var tenant = await factory.CreateTenantAsync();
        var buyer = await DestinationAsync(tenant, "buyer");
        var filed = await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(categories: ["hurt-or-threatened"]));
        await tenant.CreateWorkerAsync(filed.SiteId);

        await AssessAndDeliverAsync(tenant);

        // The stored record keeps the true count; no reader outside case handling gets it.
        Assert.Contains("\"worker\":1", await factory.ScalarAsync<string>("select evidence::text from risk_assessments where site_id = @s", ("s", filed.SiteId)), StringComparison.Ordinal);

        var compliance = await tenant.ClientAsync("compliance");
        var risk = await Http.JsonAsync(await compliance.GetAsync($"/api/v1/sites/{filed.SiteId}/risk"));
        Assert.Equal("critical", risk.GetProperty("level").GetString());
        AssertWithheld(Item(risk.GetProperty("evidence"), "FL05.worker-grievances"));
        AssertWithheld(Item(risk.GetProperty("evidence"), "FL06.worker-grievances"));
        Assert.DoesNotContain("\"worker\":1", risk.GetRawText(), StringComparison.Ordinal);

        var auditor = await tenant.ClientAsync("auditor");
        var rows = await auditor.GetAllAsync($"/odata/RiskAssessments?$filter=SiteId eq {filed.SiteId}&$select=Evidence,Discrepancies,Level");
        var row = Assert.Single(rows.Rows);
        using var odataEvidence = JsonDocument.Parse(row.GetProperty("Evidence").GetString()!);
        AssertWithheld(Item(odataEvidence.RootElement, "FL05.worker-grievances"));
        Assert.Equal("critical", row.GetProperty("Level").GetString());

        var delivered = Assert.Single(factory.Received(buyer)).RequestMessage.Body!;
        using var dossier = JsonDocument.Parse(delivered);
        var assessment = dossier.RootElement.GetProperty("assessment");
        Assert.Equal("critical", assessment.GetProperty("level").GetString());
        AssertWithheld(Item(assessment.GetProperty("evidence"), "FL05.worker-grievances"));
        Assert.Contains(dossier.RootElement.GetProperty("withheld").EnumerateArray(), w => w.GetProperty("what").GetString()!.StartsWith("Worker-derived counts below 5", StringComparison.Ordinal));
        Assert.Contains("fewer than 5", dossier.RootElement.GetProperty("summaryMarkdown").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hole02_FiveGrievances_AreShownAsCounted()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        for (var i = 0; i < 5; i++)
        {
            await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(categories: ["too-many-hours"]), site);
        }

        await AssessAndDeliverAsync(tenant);

        var risk = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{site.Id}/risk"));
        var item = Item(risk.GetProperty("evidence"), "FL11.worker-grievances");
        Assert.Equal(5m, item.GetProperty("measured").GetDecimal());
        Assert.Equal(5, item.GetProperty("sources").GetProperty("worker").GetInt32());
        Assert.False(item.TryGetProperty("withheld", out _));
    }

    [Fact]
    public async Task Hole05_ExpiredPermits_CountInTheScore_ButAPoliceDossierNamesNothingAboutPermitsOrStatus()
    {
        var tenant = await factory.CreateTenantAsync();
        var police = await DestinationAsync(tenant, "police", minimumLevel: "high");
        var (siteId, _) = await tenant.CriticalSiteAsync();
        for (var i = 0; i < 3; i++)
        {
            await tenant.CreateWorkerAsync(siteId, w => w["workPermitExpiresOn"] = "2026-01-01");
        }

        await AssessAndDeliverAsync(tenant);

        var risk = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{siteId}/risk"));
        Assert.Contains(risk.GetProperty("evidence").EnumerateArray(), e => e.GetProperty("ruleId").GetString() == "FL01.work-permit-expired");

        var body = Assert.Single(factory.Received(police)).RequestMessage.Body!;
        foreach (var word in new[] { "permit", "immigration", "migration", "status", "FL01", "visa", "irregular" })
        {
            Assert.DoesNotContain(word, body, StringComparison.OrdinalIgnoreCase);
        }

        // The withheld list describes this dossier: audit text and the punishable evidence, nothing it did not hold back.
        using var dossier = JsonDocument.Parse(body);
        var withheld = dossier.RootElement.GetProperty("withheld").EnumerateArray().Select(w => w.GetProperty("what").GetString()!).ToList();
        Assert.Contains("Evidence that could expose workers to punishment", withheld);
        Assert.Contains("Audit finding free text", withheld);
        Assert.DoesNotContain(withheld, w => w.StartsWith("Worker testimony", StringComparison.Ordinal));
    }
}
