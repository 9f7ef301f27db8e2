using System.Net.Http.Json;
using System.Text;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Risk;

public class AuditsTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Auditor_RecordsAuditFindingAndAction_SupplierMarksDone_AuditorVerifies()
    {
        var tenant = await factory.CreateTenantAsync();
        var (siteId, _, supplierId) = await tenant.CreateSiteAsync();
        var auditor = await tenant.ClientAsync("auditor");
        var supplier = await tenant.ClientAsync("supplier", supplierId);

        var auditId = await tenant.RecordAuditAsync(siteId, auditor);
        var audit = await Http.JsonAsync(await supplier.GetAsync($"/api/v1/audits/{auditId}"));
        Assert.Equal(supplierId, audit.GetProperty("supplierId").GetGuid());
        var findingId = await tenant.RecordFindingAsync(auditId, "FL07", "high", auditor);
        var findings = await Http.JsonAsync(await supplier.GetAsync($"/api/v1/audits/{auditId}/findings"));
        Assert.Equal("FL07", findings.GetProperty("items")[0].GetProperty("indicator").GetString());

        var actionId = await Http.IdAsync(await auditor.PostAsJsonAsync($"/api/v1/findings/{findingId}/corrective-actions", new { description = "Return passports", dueOn = "2026-12-01" }));
        var done = await Http.JsonAsync(await supplier.PatchAsJsonAsync($"/api/v1/corrective-actions/{actionId}", new { status = "done", closedOn = "2026-11-20" }));
        Assert.Equal("done", done.GetProperty("status").GetString());

        await Http.AssertProblemAsync(await supplier.PatchAsJsonAsync($"/api/v1/corrective-actions/{actionId}", new { status = "verified", verificationNote = "self-certified" }), 403);
        var verified = await Http.JsonAsync(await auditor.PatchAsJsonAsync($"/api/v1/corrective-actions/{actionId}", new { status = "verified", closedOn = "2026-11-20", verificationNote = "Seen in lockers held by workers" }));
        Assert.Equal("verified", verified.GetProperty("status").GetString());
        await Http.AssertProblemAsync(await supplier.PatchAsJsonAsync($"/api/v1/corrective-actions/{actionId}", new { status = "open" }), 403);

        var list = await Http.JsonAsync(await supplier.GetAsync($"/api/v1/findings/{findingId}/corrective-actions"));
        Assert.Equal("verified", list.GetProperty("items")[0].GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("{\"auditorOrganisation\":\"A\",\"kind\":\"social-compliance\",\"startedOn\":\"2026-10-01\",\"endedOn\":\"2026-10-02\",\"workersInterviewed\":1}", "siteId")]
    [InlineData("{\"siteId\":\"SITE\",\"auditorOrganisation\":\"\",\"kind\":\"social-compliance\",\"startedOn\":\"2026-10-01\",\"endedOn\":\"2026-10-02\",\"workersInterviewed\":1}", "auditorOrganisation")]
    [InlineData("{\"siteId\":\"SITE\",\"auditorOrganisation\":\"A\",\"kind\":\"vibes\",\"startedOn\":\"2026-10-01\",\"endedOn\":\"2026-10-02\",\"workersInterviewed\":1}", "kind")]
    [InlineData("{\"siteId\":\"SITE\",\"auditorOrganisation\":\"A\",\"kind\":\"follow-up\",\"startedOn\":\"2026-10-05\",\"endedOn\":\"2026-10-02\",\"workersInterviewed\":1}", "endedOn")]
    [InlineData("{\"siteId\":\"SITE\",\"auditorOrganisation\":\"A\",\"kind\":\"follow-up\",\"endedOn\":\"2026-10-02\",\"workersInterviewed\":1}", "startedOn")]
    [InlineData("{\"siteId\":\"SITE\",\"auditorOrganisation\":\"A\",\"kind\":\"follow-up\",\"startedOn\":\"2026-10-01\",\"endedOn\":\"2026-10-02\",\"workersInterviewed\":-1}", "workersInterviewed")]
    [InlineData("{\"siteId\":\"SITE\",\"auditorOrganisation\":\"A\",\"kind\":\"follow-up\",\"startedOn\":\"2026-10-01\",\"endedOn\":\"2026-10-02\",\"workersInterviewed\":1,\"x\":1}", "x")]
    [InlineData("{\"siteId\":\"00000000-0000-0000-0000-000000000001\",\"auditorOrganisation\":\"A\",\"kind\":\"follow-up\",\"startedOn\":\"2026-10-01\",\"endedOn\":\"2026-10-02\",\"workersInterviewed\":1}", "siteId")]
    public async Task CreateAudit_WithBadInput_Is400_AndWritesNothing(string json, string field)
    {
        var tenant = await factory.CreateTenantAsync();
        var (siteId, _, _) = await tenant.CreateSiteAsync();
        var before = await factory.CountRowsAsync("audits");
        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsync("/api/v1/audits", Json(json.Replace("SITE", siteId.ToString(), StringComparison.Ordinal))), field);
        Assert.Equal(before, await factory.CountRowsAsync("audits"));
    }

    [Theory]
    [InlineData("{\"indicator\":\"FL99\",\"severity\":\"low\",\"description\":\"d\"}", "indicator")]
    [InlineData("{\"indicator\":\"FL01\",\"severity\":\"grave\",\"description\":\"d\"}", "severity")]
    [InlineData("{\"indicator\":\"FL01\",\"severity\":\"low\"}", "description")]
    public async Task AddFinding_WithBadInput_Is400_AndWritesNothing(string json, string field)
    {
        var tenant = await factory.CreateTenantAsync();
        var (siteId, _, _) = await tenant.CreateSiteAsync();
        var auditId = await tenant.RecordAuditAsync(siteId);
        var before = await factory.CountRowsAsync("audit_findings");
        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsync($"/api/v1/audits/{auditId}/findings", Json(json)), field);
        Assert.Equal(before, await factory.CountRowsAsync("audit_findings"));
    }

    [Theory]
    [InlineData("{\"status\":\"closed\"}", "status")]
    [InlineData("{\"status\":\"open\",\"closedOn\":\"2026-11-01\"}", "closedOn")]
    [InlineData("{\"status\":\"verified\"}", "verificationNote")]
    [InlineData("{}", "status")]
    public async Task UpdateAction_WithBadInput_Is400_AndChangesNothing(string json, string field)
    {
        var tenant = await factory.CreateTenantAsync();
        var (siteId, _, _) = await tenant.CreateSiteAsync();
        var findingId = await tenant.RecordFindingAsync(await tenant.RecordAuditAsync(siteId), "FL08", "medium");
        var actionId = await Http.IdAsync(await tenant.Owner.PostAsJsonAsync($"/api/v1/findings/{findingId}/corrective-actions", new { description = "Pay arrears", dueOn = "2026-12-01" }));
        var request = new HttpRequestMessage(HttpMethod.Patch, $"/api/v1/corrective-actions/{actionId}") { Content = Json(json) };
        await Http.AssertValidationProblemAsync(await tenant.Owner.SendAsync(request), field);
        var action = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/corrective-actions/{actionId}"));
        Assert.Equal("open", action.GetProperty("status").GetString());
    }

    [Theory]
    [InlineData("{\"dueOn\":\"2026-12-01\"}", "description")]
    [InlineData("{\"description\":\"x\"}", "dueOn")]
    public async Task CreateAction_WithBadInput_Is400_AndWritesNothing(string json, string field)
    {
        var tenant = await factory.CreateTenantAsync();
        var (siteId, _, _) = await tenant.CreateSiteAsync();
        var findingId = await tenant.RecordFindingAsync(await tenant.RecordAuditAsync(siteId), "FL08", "medium");
        var before = await factory.CountRowsAsync("corrective_actions");
        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsync($"/api/v1/findings/{findingId}/corrective-actions", Json(json)), field);
        Assert.Equal(before, await factory.CountRowsAsync("corrective_actions"));
    }

    [Fact]
    public async Task WrongRoles_Are403()
    {
        var tenant = await factory.CreateTenantAsync();
        var (siteId, _, supplierId) = await tenant.CreateSiteAsync();
        var auditId = await tenant.RecordAuditAsync(siteId);
        var findingId = await tenant.RecordFindingAsync(auditId, "FL11", "low");
        var supplier = await tenant.ClientAsync("supplier", supplierId);
        var handler = await tenant.ClientAsync("case-handler");

        await Http.AssertProblemAsync(await supplier.PostAsJsonAsync("/api/v1/audits", new { siteId, auditorOrganisation = "x", kind = "follow-up", startedOn = "2026-10-01", endedOn = "2026-10-01", workersInterviewed = 0 }), 403);
        await Http.AssertProblemAsync(await supplier.PostAsJsonAsync($"/api/v1/audits/{auditId}/findings", new { indicator = "FL01", severity = "low", description = "x" }), 403);
        await Http.AssertProblemAsync(await supplier.PostAsJsonAsync($"/api/v1/findings/{findingId}/corrective-actions", new { description = "x", dueOn = "2026-12-01" }), 403);
        await Http.AssertProblemAsync(await handler.GetAsync("/api/v1/audits"), 403);
        await Http.AssertProblemAsync(await handler.GetAsync($"/api/v1/audits/{auditId}/findings"), 403);
        await Http.AssertProblemAsync(await handler.PostAsJsonAsync($"/api/v1/audits/{auditId}/findings", new { indicator = "FL01", severity = "low", description = "x" }), 403);
    }

    [Fact]
    public async Task OtherTenantsAndOtherSuppliers_SeeNothing()
    {
        var tenant = await factory.CreateTenantAsync();
        var (siteId, _, _) = await tenant.CreateSiteAsync();
        var auditId = await tenant.RecordAuditAsync(siteId);
        var findingId = await tenant.RecordFindingAsync(auditId, "FL10", "medium");
        var actionId = await Http.IdAsync(await tenant.Owner.PostAsJsonAsync($"/api/v1/findings/{findingId}/corrective-actions", new { description = "Fix housing", dueOn = "2026-12-01" }));

        var other = (await factory.CreateTenantAsync()).Owner;
        var otherSupplier = await tenant.ClientAsync("supplier", await tenant.CreateSupplierAsync());
        foreach (var client in new[] { other, otherSupplier })
        {
            await CrossTenant.AssertInvisibleAsync(client, $"/api/v1/audits/{auditId}", auditId, null, "/api/v1/audits", hasDelete: false);
            await CrossTenant.AssertInvisibleAsync(client, $"/api/v1/findings/{findingId}", findingId, null, null, hasDelete: false);
            await CrossTenant.AssertInvisibleAsync(client, $"/api/v1/corrective-actions/{actionId}", actionId, new { status = "done" }, null, HttpMethod.Patch, hasDelete: false);
            await Http.AssertProblemAsync(await client.GetAsync($"/api/v1/audits/{auditId}/findings"), 404);
            await Http.AssertProblemAsync(await client.GetAsync($"/api/v1/findings/{findingId}/corrective-actions"), 404);
        }

        await Http.AssertProblemAsync(await other.PostAsJsonAsync($"/api/v1/audits/{auditId}/findings", new { indicator = "FL01", severity = "low", description = "x" }), 404);
        await Http.AssertValidationProblemAsync(
            await other.PostAsJsonAsync("/api/v1/audits", new { siteId, auditorOrganisation = "x", kind = "follow-up", startedOn = "2026-10-01", endedOn = "2026-10-01", workersInterviewed = 0 }), "siteId");
    }
}
