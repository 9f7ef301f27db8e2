using System.Text.Json;
using Compliance.Api.Features.Risk.Assessment;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Recruitment;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Compliance.IntegrationTests.Risk;

/// <summary>
/// How the job reads its evidence (two connections, one snapshot, the recruitment statement split at the middle site)
/// and how it stores the result (the evidence text as the model wrote it).
/// </summary>
public class EvidenceReadTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private async Task RunAsync(TestTenant tenant)
    {
        await Http.JsonAsync(await tenant.Owner.PostAsync("/api/v1/risk-assessments/run", null), 202);
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);
    }

    private static JsonElement Item(JsonElement risk, string ruleId) =>
        Assert.Single(risk.GetProperty("evidence").EnumerateArray(), e => e.GetProperty("ruleId").GetString() == ruleId);

    [Fact]
    public async Task EverySite_OnEitherSideOfTheSplit_CountsItsOwnWorkersOnce_WithItsOwnFindings()
    {
        // Five sites: whichever falls in the middle, some are counted on each connection. Site k has k + 2 active
        // workers of whom k + 1 paid a fee, so a site counted twice, or not at all, or given another's workers, shows.
        var tenant = await factory.CreateTenantAsync();
        var sites = new List<Guid>();
        for (var k = 0; k < 5; k++)
        {
            var (siteId, _, _) = await tenant.CreateSiteAsync();
            sites.Add(siteId);
            await tenant.CreateWorkerAsync(siteId);
            for (var i = 0; i <= k; i++)
            {
                await tenant.PostAsync(await tenant.CreateWorkerAsync(siteId), "fees", RecruitmentData.FeeBody("worker"));
            }
        }

        var ordered = sites.Order(Comparer<Guid>.Create((a, b) => string.CompareOrdinal(a.ToString(), b.ToString()))).ToList();
        var firstFinding = await tenant.RecordFindingAsync(await tenant.RecordAuditAsync(ordered[0]), "FL05", "high");
        var lastFinding = await tenant.RecordFindingAsync(await tenant.RecordAuditAsync(ordered[^1]), "FL08", "critical");
        Assert.NotEqual(firstFinding, lastFinding);

        await RunAsync(tenant);

        for (var k = 0; k < 5; k++)
        {
            var risk = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{sites[k]}/risk"));
            var fees = Item(risk, "FL09.worker-paid-fees");
            Assert.Equal(k + 1, fees.GetProperty("sources").GetProperty("employer").GetInt32());
            Assert.Equal(Math.Ceiling((k + 1) * 10000m / (k + 2)) / 100m, fees.GetProperty("measured").GetDecimal());

            var rules = risk.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("ruleId").GetString()).ToList();
            Assert.Equal(sites[k] == ordered[0], rules.Contains("FL05.open-audit-finding"));
            Assert.Equal(sites[k] == ordered[^1], rules.Contains("FL08.open-audit-finding"));
        }
    }

    [Fact]
    public async Task Evidence_IsStoredAsTheModelWroteIt_InTheModelsOrder()
    {
        var tenant = await factory.CreateTenantAsync();
        var (siteId, _, _) = await tenant.CreateSiteAsync();
        await tenant.PostAsync(await tenant.CreateWorkerAsync(siteId), "fees", RecruitmentData.FeeBody("worker"));

        await RunAsync(tenant);

        // jsonb would hand back keys sorted by length ("floor", "points", "weight" first) and re-spaced; json keeps
        // the model's record order and its compact text.
        var risk = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{siteId}/risk"));
        var item = Item(risk, "FL09.worker-paid-fees");
        Assert.Equal(
            ["indicator", "ruleId", "measured", "measure", "threshold", "weight", "strength", "points", "floor", "sources", "explanation"],
            item.EnumerateObject().Select(p => p.Name).ToArray());
        var stored = await factory.ScalarAsync<string>(
            "select evidence::text from risk_assessments where site_id = @site", ("site", siteId));
        Assert.StartsWith("""[{"indicator":"FL09","ruleId":"FL09.worker-paid-fees",""", stored, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheSecondReader_SeesTheFirstReadersSnapshot_NotWhatCommittedSince()
    {
        var tenant = await factory.CreateTenantAsync();
        var (siteId, _, _) = await tenant.CreateSiteAsync();
        await tenant.CreateWorkerAsync(siteId);
        var dataSource = factory.Services.GetRequiredService<NpgsqlDataSource>();

        await using var first = await SiteEvidenceGatherer.SnapshotReader.OpenAsync(dataSource, tenant.TenantId, null, CancellationToken.None);
        await tenant.CreateWorkerAsync(siteId); // committed after the snapshot was taken
        await using var second = await SiteEvidenceGatherer.SnapshotReader.OpenAsync(dataSource, tenant.TenantId, first.Snapshot, CancellationToken.None);

        Assert.Equal(1L, await CountWorkersAsync(first));
        Assert.Equal(1L, await CountWorkersAsync(second));
        Assert.Equal(2L, await factory.ScalarAsync<long>("select count(*) from workers where tenant_id = @t", ("t", tenant.TenantId)));
    }

    private static async Task<long> CountWorkersAsync(SiteEvidenceGatherer.SnapshotReader reader)
    {
        await using var cmd = new NpgsqlCommand("select count(*) from workers", reader.Connection, reader.Transaction);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }
}
