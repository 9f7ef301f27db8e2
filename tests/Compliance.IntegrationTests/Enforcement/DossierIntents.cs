using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Recruitment;
using Compliance.IntegrationTests.Risk;
using Compliance.IntegrationTests.WorkerVoice;

namespace Compliance.IntegrationTests.Enforcement;

/// <summary>Evidence for dossiers, made through the public API only.</summary>
public static class DossierIntents
{
    public const string PeriodFrom = "2024-01-01";
    public const string PeriodTo = "2026-11-02";
    public const string PermitExpiry = "2026-01-01";

    public sealed record EvidenceSite(Guid SiteId, Guid SupplierId, string IntakeCode, string EmployeeRef, string ConsentingReceipt);

    public static async Task<Guid> AddProductAsync(this TestTenant tenant, Guid siteId, HttpClient? client = null) =>
        await Http.IdAsync(await (client ?? tenant.Owner).PostAsJsonAsync($"/api/v1/sites/{siteId}/products", new
        {
            description = "Nitrile examination gloves, powder-free",
            hsCode = "4015190000",
            buyers = "Example Medical Supplies Inc.",
            brands = "CarePlus",
        }));

    /// <summary>
    /// A site with a product and evidence of every kind: a fee paid by a worker on a loan, a passport held by the employer
    /// and an access request never honoured, a substituted contract, an audit with a finding and an overdue corrective
    /// action, a worker whose permit has expired (permit evidence, DNH-6), two worker reports (fewer than 5), one of them
    /// consenting to trade authorities; then an assessment run.
    /// </summary>
    public static async Task<EvidenceSite> EvidenceSiteAsync(this TestTenant tenant)
    {
        var (siteId, intakeCode, supplierId) = await tenant.CreateSiteAsync();
        await tenant.AddProductAsync(siteId);
        var employeeRef = $"EMP-SECRET-{Guid.NewGuid():N}";
        var worker = await tenant.CreateWorkerAsync(siteId, b => b["employeeRef"] = employeeRef);
        await tenant.PostAsync(worker, "fees", RecruitmentData.FeeBody().With(b =>
        {
            b["financedByLoan"] = true;
            b["loanInterestRatePercent"] = 24m;
        }));
        await tenant.PostAsync(worker, "passport-custody", new JsonObject { ["holder"] = "employer-safekeeping", ["since"] = "2025-02-01", ["writtenConsent"] = false });
        await tenant.PostAsync(worker, "passport-access-requests", new JsonObject { ["requestedAt"] = "2026-10-01T08:00:00Z" });
        await tenant.PostAsync(worker, "contracts", RecruitmentData.ContractBody());
        await tenant.PostAsync(worker, "contracts", RecruitmentData.ContractBody(wage: 1100m, hours: 72m));
        await tenant.CreateWorkerAsync(siteId, b => b["workPermitExpiresOn"] = PermitExpiry);

        var audit = await tenant.RecordAuditAsync(siteId);
        var finding = await tenant.RecordFindingAsync(audit, "FL07", "high", description: "Supervisor Ahmad keeps passports in his office");
        await Http.IdAsync(await tenant.Owner.PostAsJsonAsync($"/api/v1/findings/{finding}/corrective-actions", new { description = "Return passports", dueOn = "2026-10-15" }));

        var site = (siteId, intakeCode, supplierId);
        var consenting = await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(narrative: "They keep my passport and I owe the agent.", consent: new Dictionary<string, bool> { ["trade-authority"] = true }), site);
        await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(narrative: "My passport is held."), site);

        await Http.EnsureStatusAsync(await tenant.Owner.PostAsync("/api/v1/risk-assessments/run", null), 202);
        Assert.All(await tenant.Factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);
        return new EvidenceSite(siteId, supplierId, intakeCode, employeeRef, consenting.Receipt);
    }

    public static object Request(string regime, Guid siteId, string? reasons = "Workers at this site paid recruitment fees on loans and their passports are held.", bool consentedTestimony = false) =>
        new { regime, siteIds = new[] { siteId }, periodFrom = PeriodFrom, periodTo = PeriodTo, statementOfReasons = reasons, consentedTestimony };

    public static async Task<JsonElement> CreateDossierAsync(this TestTenant tenant, object request, HttpClient? client = null) =>
        await Http.JsonAsync(await (client ?? tenant.Owner).PostAsJsonAsync("/api/v1/dossiers", request), 201);

    /// <summary>Every fact of every section of a dossier body.</summary>
    public static IEnumerable<JsonElement> Facts(JsonElement dossier) =>
        dossier.GetProperty("sections").EnumerateArray().SelectMany(s => s.GetProperty("facts").EnumerateArray());
}
