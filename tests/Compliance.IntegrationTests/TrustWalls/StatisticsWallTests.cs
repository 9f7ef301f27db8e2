using System.Net.Http.Json;
using System.Text.Json;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Reporting;
using Compliance.IntegrationTests.Risk;
using Compliance.IntegrationTests.WorkerVoice;

namespace Compliance.IntegrationTests.TrustWalls;

/// <summary>Issue 16, holes 8 and 7 (ceiling): statistics that moving a site or flooding an intake code cannot game.</summary>
public class StatisticsWallTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private static async Task MoveAsync(TestTenant tenant, Guid siteId, Guid supplierId) =>
        await Http.EnsureStatusAsync(await tenant.Owner.PutAsJsonAsync($"/api/v1/sites/{siteId}", new
        {
            supplierId,
            name = $"Site {siteId:N}",
            countryCode = "MY",
            sector = "rubber-gloves",
            workerHousing = true,
        }), 200);

    private static async Task<JsonElement> StatsAsync(TestTenant tenant, string query) =>
        await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/grievance-statistics?from=2026-11-01&to=2026-11-30&{query}"));

    private static int? Total(JsonElement stats) =>
        stats.GetProperty("total").ValueKind == JsonValueKind.Null ? null : stats.GetProperty("total").GetInt32();

    [Fact]
    public async Task Hole08_MovingASiteForOneShift_AndBack_RevealsNothingBySubtraction()
    {
        var tenant = await factory.CreateTenantAsync();
        var a = await tenant.CreateSupplierAsync();
        var b = await tenant.CreateSupplierAsync();
        var site = await tenant.CreateSiteAsync(a);
        for (var i = 0; i < 5; i++)
        {
            await tenant.FileGrievanceAsync(site: site);
        }

        // One shift under supplier B: a single report, then the site goes back to A.
        await MoveAsync(tenant, site.Id, b);
        await tenant.FileGrievanceAsync(site: site);
        await MoveAsync(tenant, site.Id, a);
        factory.Clock.Advance(TimeSpan.FromDays(35)); // November is complete

        var whole = Total(await StatsAsync(tenant, $"siteId={site.Id}"));
        var underA = Total(await StatsAsync(tenant, $"siteId={site.Id}&supplierId={a}"));
        var underB = Total(await StatsAsync(tenant, $"siteId={site.Id}&supplierId={b}"));
        Assert.Equal(6, whole);
        Assert.Equal(whole, underA);
        Assert.Null(underB);
        foreach (var groupBy in new[] { "category", "indicator" })
        {
            Assert.Equal(
                (await StatsAsync(tenant, $"siteId={site.Id}&groupBy={groupBy}")).GetProperty("cells").GetRawText(),
                (await StatsAsync(tenant, $"siteId={site.Id}&supplierId={a}&groupBy={groupBy}")).GetProperty("cells").GetRawText());
        }

        // OData keys the unit by site, with the site's supplier now.
        var rows = (await tenant.Owner.GetAllAsync($"/odata/GrievanceStatistics?$filter=SiteId eq {site.Id}")).Rows;
        Assert.NotEmpty(rows);
        Assert.All(rows, r => Assert.Equal(a, r.GetProperty("SupplierId").GetGuid()));
        Assert.Empty((await tenant.Owner.GetAllAsync($"/odata/GrievanceStatistics?$filter=SupplierId eq {b}")).Rows);
    }
}

/// <summary>Hole 7's ceiling, with a small ceiling so the test files few reports.</summary>
public sealed class CeilingApiFactory : ComplianceApiFactory
{
    public const int Ceiling = 3;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [new("WorkerVoice:Intake:DailyCeilingPerCode", Ceiling.ToString(System.Globalization.CultureInfo.InvariantCulture))];
}

public class IntakeCeilingTests(CeilingApiFactory factory) : IClassFixture<CeilingApiFactory>
{
    [Fact]
    public async Task Hole07_ReportsOverAnIntakeCodesDailyCeiling_AreAccepted_ButHeldOutOfStatisticsAndEvidence_UntilAHandlerConfirms()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var filed = new List<WorkerVoiceHelpers.Filed>();
        for (var i = 0; i < CeilingApiFactory.Ceiling + 3; i++)
        {
            filed.Add(await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(categories: ["too-many-hours"]), site)); // 201 every time
        }

        var handler = await tenant.ClientAsync("case-handler");
        var held = await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances?siteId={site.Id}&heldForReview=true"));
        Assert.Equal(3, held.GetProperty("items").GetArrayLength());
        Assert.All(held.GetProperty("items").EnumerateArray(), i => Assert.True(i.GetProperty("heldForReview").GetBoolean()));

        // The next day: evidence counts the 3 under the ceiling only; statistics of a complete month hold them out too.
        factory.Clock.Advance(TimeSpan.FromDays(30));
        await Http.JsonAsync(await tenant.Owner.PostAsync("/api/v1/risk-assessments/run", null), 202);
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);
        Assert.Equal(3, await WorkerCountAsync(tenant, site.Id));
        var stats = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/grievance-statistics?siteId={site.Id}&from=2026-11-01&to=2026-11-30"));
        Assert.Equal(JsonValueKind.Null, stats.GetProperty("total").ValueKind);

        // A handler confirms two of them: 5 now count.
        foreach (var item in held.GetProperty("items").EnumerateArray().Take(2))
        {
            var confirmed = await Http.JsonAsync(await handler.PostAsync($"/api/v1/grievances/{item.GetProperty("id").GetGuid()}/confirm", null));
            Assert.False(confirmed.GetProperty("heldForReview").GetBoolean());
        }

        await Http.EnsureStatusAsync(await (await tenant.ClientAsync("compliance")).PostAsync($"/api/v1/grievances/{Guid.NewGuid()}/confirm", null), 403);
        stats = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/grievance-statistics?siteId={site.Id}&from=2026-11-01&to=2026-11-30"));
        Assert.Equal(5, stats.GetProperty("total").GetInt32());
        await Http.JsonAsync(await tenant.Owner.PostAsync("/api/v1/risk-assessments/run", null), 202);
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);
        Assert.Equal(5, await WorkerCountAsync(tenant, site.Id));
    }

    /// <summary>The true worker count of the latest assessment (the stored record; readers get "fewer than 5" below 5).</summary>
    private async Task<int> WorkerCountAsync(TestTenant tenant, Guid siteId)
    {
        var stored = await factory.ScalarAsync<string>(
            "select evidence::text from risk_assessments where tenant_id = @t and site_id = @s order by assessed_at desc limit 1", ("t", tenant.TenantId), ("s", siteId));
        using var evidence = JsonDocument.Parse(stored);
        return evidence.RootElement.EnumerateArray().Single(e => e.GetProperty("ruleId").GetString() == "FL11.worker-grievances")
            .GetProperty("sources").GetProperty("worker").GetInt32();
    }
}
