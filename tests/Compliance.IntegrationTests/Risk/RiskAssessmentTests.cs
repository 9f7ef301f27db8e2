using System.Net.Http.Json;
using System.Text.Json;
using Compliance.Api.Features.Risk.Assessment;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Risk;

public class RiskAssessmentTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private async Task RunAssessmentAsync(TestTenant tenant)
    {
        var accepted = await Http.JsonAsync(await tenant.Owner.PostAsync("/api/v1/risk-assessments/run", null), 202);
        Assert.False(string.IsNullOrEmpty(accepted.GetProperty("jobId").GetString()));
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);
    }

    [Fact]
    public async Task AuditEvidence_OfAChildWorker_MakesTheSiteCritical_WithItsEvidence()
    {
        var tenant = await factory.CreateTenantAsync();
        var (siteId, _) = await tenant.CriticalSiteAsync();
        var (cleanSiteId, _, _) = await tenant.CreateSiteAsync();

        await RunAssessmentAsync(tenant);

        var risk = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{siteId}/risk"));
        Assert.Equal("critical", risk.GetProperty("level").GetString());
        Assert.Equal("fl-2026.1", risk.GetProperty("modelVersion").GetString());
        Assert.Equal("2026-11", risk.GetProperty("period").GetString());
        var item = Assert.Single(risk.GetProperty("evidence").EnumerateArray());
        Assert.Equal("CH01.open-audit-finding", item.GetProperty("ruleId").GetString());
        Assert.Equal("critical", item.GetProperty("floor").GetString());
        Assert.Equal(1, item.GetProperty("sources").GetProperty("audit").GetInt32());
        Assert.Contains("audit", risk.GetProperty("sources").EnumerateArray().Select(s => s.GetString()));

        var clean = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{cleanSiteId}/risk"));
        Assert.Equal("low", clean.GetProperty("level").GetString());
        Assert.Empty(clean.GetProperty("evidence").EnumerateArray());
    }

    [Fact]
    public async Task ReRunning_KeepsHistory_AndGivesTheSameResult()
    {
        var tenant = await factory.CreateTenantAsync();
        var (siteId, _, _) = await tenant.CreateSiteAsync();
        var auditId = await tenant.RecordAuditAsync(siteId);
        var findingId = await tenant.RecordFindingAsync(auditId, "FL08", "high");
        await Http.IdAsync(await tenant.Owner.PostAsJsonAsync($"/api/v1/findings/{findingId}/corrective-actions", new { description = "Pay arrears", dueOn = "2026-10-15" }));

        await RunAssessmentAsync(tenant);
        var first = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{siteId}/risk"));
        factory.Clock.Advance(TimeSpan.FromMinutes(5));
        await RunAssessmentAsync(tenant);
        var second = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{siteId}/risk"));

        Assert.NotEqual(first.GetProperty("id").GetGuid(), second.GetProperty("id").GetGuid());
        Assert.Equal(first.GetProperty("score").GetInt32(), second.GetProperty("score").GetInt32());
        Assert.Equal(JsonSerializer.Serialize(first.GetProperty("evidence")), JsonSerializer.Serialize(second.GetProperty("evidence")));
        var rules = second.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("ruleId").GetString()).ToList();
        Assert.Equal(["FL08.open-audit-finding", "FL08.corrective-action-overdue"], rules);

        var history = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{siteId}/risk/history?pageSize=1"));
        Assert.Equal(2, history.GetProperty("totalCount").GetInt32());
        Assert.Equal(second.GetProperty("id").GetGuid(), history.GetProperty("items")[0].GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task VerifiedActions_CloseTheFinding_AndARecentCleanAuditIsRecorded()
    {
        var tenant = await factory.CreateTenantAsync();
        var (siteId, _, _) = await tenant.CreateSiteAsync();
        var findingId = await tenant.RecordFindingAsync(await tenant.RecordAuditAsync(siteId), "FL07", "critical");
        var actionId = await Http.IdAsync(await tenant.Owner.PostAsJsonAsync($"/api/v1/findings/{findingId}/corrective-actions", new { description = "Return passports", dueOn = "2026-12-01" }));
        await Http.JsonAsync(await tenant.Owner.PatchAsJsonAsync($"/api/v1/corrective-actions/{actionId}", new { status = "verified", verificationNote = "Checked" }));
        await tenant.RecordAuditAsync(siteId);

        await RunAssessmentAsync(tenant);

        var risk = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{siteId}/risk"));
        Assert.Equal("low", risk.GetProperty("level").GetString());
        Assert.Equal(0, risk.GetProperty("score").GetInt32());
    }

    [Fact]
    public async Task RiskEndpoints_Roles_AndIsolation()
    {
        var tenant = await factory.CreateTenantAsync();
        var (siteId, supplierId) = await tenant.CriticalSiteAsync();
        await RunAssessmentAsync(tenant);

        var auditor = await tenant.ClientAsync("auditor");
        Assert.Equal("critical", (await Http.JsonAsync(await auditor.GetAsync($"/api/v1/sites/{siteId}/risk"))).GetProperty("level").GetString());
        await Http.AssertProblemAsync(await (await tenant.ClientAsync("case-handler")).GetAsync($"/api/v1/sites/{siteId}/risk"), 403);
        await Http.AssertProblemAsync(await (await tenant.ClientAsync("supplier", supplierId)).GetAsync($"/api/v1/sites/{siteId}/risk"), 404);
        await Http.AssertProblemAsync(await auditor.PostAsync("/api/v1/risk-assessments/run", null), 403);

        var other = (await factory.CreateTenantAsync()).Owner;
        await Http.AssertProblemAsync(await other.GetAsync($"/api/v1/sites/{siteId}/risk"), 404);
        await Http.AssertProblemAsync(await other.GetAsync($"/api/v1/sites/{siteId}/risk/history"), 404);
    }

    [Fact]
    public async Task ManySites_AreAssessedOnceEach_AcrossInsertChunks()
    {
        var tenant = await factory.CreateTenantAsync();
        var (_, _, supplierId) = await tenant.CreateSiteAsync();
        var bulk = RiskAssessmentJob.InsertChunk * 2;
        await factory.ScalarAsync<long>(
            """
            with added as (
              insert into sites (id, tenant_id, supplier_id, name, country_code, sector, worker_housing, intake_code, created_at, updated_at)
              select gen_random_uuid(), @t, @s, 'Bulk site ' || g, 'MY', 'garment', false, 'BULK-' || @t::text || '-' || g, now(), now()
              from generate_series(1, @n) g
              returning 1)
            select count(*) from added
            """,
            ("t", tenant.TenantId), ("s", supplierId), ("n", bulk));
        var (criticalSiteId, _) = await tenant.CriticalSiteAsync();

        await RunAssessmentAsync(tenant);

        var sites = bulk + 2;
        Assert.Equal((long)sites, await factory.ScalarAsync<long>("select count(*) from risk_assessments where tenant_id = @t", ("t", tenant.TenantId)));
        Assert.Equal((long)sites, await factory.ScalarAsync<long>("select count(distinct site_id) from risk_assessments where tenant_id = @t", ("t", tenant.TenantId)));

        // Three chunks, the third a short one written from the first chunk's (reused) buffer: every site's documents
        // are its own, whole, and where they belong.
        Assert.Equal((long)sites - 1, await factory.ScalarAsync<long>(
            "select count(*) from risk_assessments where tenant_id = @t and evidence::text = '[]' and discrepancies::text = '[]'", ("t", tenant.TenantId)));
        var risk = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{criticalSiteId}/risk"));
        Assert.Equal("critical", risk.GetProperty("level").GetString());
        Assert.Equal("CH01.open-audit-finding", Assert.Single(risk.GetProperty("evidence").EnumerateArray()).GetProperty("ruleId").GetString());
    }
}
