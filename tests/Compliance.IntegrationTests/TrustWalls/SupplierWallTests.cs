using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Reporting;
using Compliance.IntegrationTests.Risk;

namespace Compliance.IntegrationTests.TrustWalls;

/// <summary>Issue 16, hole 3: supplier HR is the employer itself, so supplier keys get no grievance-derived data (BRIEF §2).</summary>
public class SupplierWallTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task Hole03_SupplierGetsNoRiskAssessments_NoEscalations_NoGrievanceData_ButKeepsItsAudits()
    {
        var tenant = await factory.CreateTenantAsync();
        var (siteId, supplierId) = await tenant.CriticalSiteAsync();
        await Http.JsonAsync(await tenant.Owner.PostAsync("/api/v1/risk-assessments/run", null), 202);
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);
        var owner = tenant.Owner;
        Assert.NotEmpty((await owner.GetAllAsync("/odata/RiskAssessments")).Rows);
        var supplier = await tenant.ClientAsync("supplier", supplierId);

        foreach (var set in new[] { "RiskAssessments", "Escalations", "GrievanceStatistics", "NarrativeAccessLog" })
        {
            await Http.EnsureStatusAsync(await supplier.GetAsync($"/odata/{set}"), 403);
            await Http.EnsureStatusAsync(await supplier.GetAsync($"/odata/{set}?$apply=aggregate($count as N)"), 403);
        }

        // REST: to a supplier these routes do not exist (404, as for any unknown route), so not even a refusal says there
        // is grievance-derived data here. Mutation that fails it: drop .HiddenFrom(Roles.Supplier) in RiskApi.cs.
        foreach (var path in new[]
        {
            $"/api/v1/sites/{siteId}/risk", $"/api/v1/sites/{siteId}/risk/history", "/api/v1/escalations",
            $"/api/v1/escalations/{Guid.NewGuid()}", "/api/v1/grievance-statistics", "/api/v1/narrative-access-log",
        })
        {
            await Http.AssertProblemAsync(await supplier.GetAsync(path), 404);
        }

        // What suppliers keep: audits, findings and corrective actions of their own sites, and their own records.
        await Http.EnsureStatusAsync(await supplier.GetAsync($"/api/v1/audits?siteId={siteId}"), 200);
        Assert.NotEmpty((await supplier.GetAllAsync("/odata/Findings")).Rows);
        await Http.EnsureStatusAsync(await supplier.GetAsync("/odata/CorrectiveActions"), 200);
        Assert.NotEmpty((await supplier.GetAllAsync("/odata/Sites")).Rows);
    }
}
