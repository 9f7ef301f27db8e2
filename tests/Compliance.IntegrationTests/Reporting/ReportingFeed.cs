using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Compliance.Api.Features.Reporting;
using Compliance.Domain.Reference;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Recruitment;
using Compliance.IntegrationTests.Risk;

namespace Compliance.IntegrationTests.Reporting;

/// <summary>What one walk of a feed URL returned: every row over all pages, the advertised count and the page count.</summary>
public sealed record FeedResult(IReadOnlyList<JsonElement> Rows, long? Count, int Pages)
{
    /// <summary>Every GUID anywhere in the rows, expanded entities and foreign keys included.</summary>
    public ISet<Guid> AllGuids()
    {
        var found = new HashSet<Guid>();
        foreach (var row in Rows)
        {
            Collect(row, found);
        }

        return found;
    }

    public ISet<Guid> Keys(string key = "Id") => Rows.Select(r => r.GetProperty(key).GetGuid()).ToHashSet();

    private static void Collect(JsonElement e, HashSet<Guid> found)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    Collect(p.Value, found);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    Collect(item, found);
                }

                break;
            case JsonValueKind.String when Guid.TryParse(e.GetString(), out var g):
                found.Add(g);
                break;
        }
    }
}

/// <summary>Intent helpers for the OData feed.</summary>
public static class ReportingFeed
{
    /// <summary>Follows <c>@odata.nextLink</c> to the end (bounded, so a paging bug cannot loop forever).</summary>
    public static async Task<FeedResult> GetAllAsync(this HttpClient client, string url, int maxPages = 50)
    {
        var rows = new List<JsonElement>();
        long? count = null;
        var pages = 0;
        string? next = url;
        while (next is not null)
        {
            Assert.True(++pages <= maxPages, $"More than {maxPages} pages from {url}");
            var page = await Http.JsonAsync(await client.GetAsync(next));
            if (count is null && page.TryGetProperty("@odata.count", out var c))
            {
                count = c.GetInt64();
            }

            rows.AddRange(page.GetProperty("value").EnumerateArray().Select(r => r.Clone()));
            next = page.TryGetProperty("@odata.nextLink", out var link) ? link.GetString() : null;
        }

        return new FeedResult(rows, count, pages);
    }

    /// <summary><c>Worker/Site</c> → <c>Worker($expand=Site)</c>.</summary>
    public static string ExpandOption(string path)
    {
        var parts = path.Split('/');
        var option = parts[^1];
        for (var i = parts.Length - 2; i >= 0; i--)
        {
            option = $"{parts[i]}($expand={option})";
        }

        return option;
    }

    /// <summary>
    /// Gives a tenant rows in every entity set: two suppliers with two sites each. A set added to
    /// <see cref="ReportingSets"/> without seed data here fails the generated suite on purpose.
    /// </summary>
    public static async Task<SeededTenant> SeedReportingAsync(this TestTenant tenant)
    {
        var first = await tenant.CreateSupplierAsync();
        var second = await tenant.CreateSupplierAsync();

        // A handling office linked to the tenant, with a handler key: rows on the testimony access roster.
        await tenant.KeyAsync("case-handler");
        var agencyId = await tenant.CreateAgencyAsync();
        foreach (var supplier in new[] { first, second })
        {
            var (siteId, _, _) = await tenant.CreateSiteAsync(supplier);
            await tenant.CreateSiteAsync(supplier, sector: "garment");
            await tenant.SeedEvidenceAsync(siteId, supplier, agencyId);
            await Enforcement.DossierIntents.AddProductAsync(tenant, siteId);
        }

        return new SeededTenant(tenant, first, second);
    }

    /// <summary>
    /// One row in each recruitment, audit, risk and worker-voice set at <paramref name="siteId"/>; five grievances in
    /// October 2026 (a complete month on the test clock) so the site-month passes the k = 5 suppression.
    /// </summary>
    private static async Task SeedEvidenceAsync(this TestTenant tenant, Guid siteId, Guid supplierId, Guid agencyId)
    {
        var workerId = await tenant.CreateWorkerAsync(siteId, w => w["recruitment"] = RecruitmentData.WorkerBody(siteId, agencyId)["recruitment"]!.DeepClone());
        await tenant.PostAsync(workerId, "fees", RecruitmentData.FeeBody());
        await tenant.PostAsync(workerId, "reimbursements", new JsonObject { ["amount"] = 500, ["currency"] = "MYR", ["paidOn"] = "2026-10-01", ["reference"] = "TRX-1" });
        await tenant.PostAsync(workerId, "declarations", RecruitmentData.DeclarationBody());
        await tenant.PostAsync(workerId, "contracts", RecruitmentData.ContractBody());
        await tenant.PostAsync(workerId, "passport-custody", new JsonObject { ["holder"] = "agency", ["since"] = "2026-09-01" });
        await tenant.PostAsync(workerId, "passport-access-requests", new JsonObject { ["requestedAt"] = "2026-10-01T08:00:00Z" });
        var auditId = await tenant.RecordAuditAsync(siteId);
        var findingId = await tenant.RecordFindingAsync(auditId, "FL05", "high");
        await Http.IdAsync(await tenant.Owner.PostAsJsonAsync($"/api/v1/findings/{findingId}/corrective-actions", new { description = "Repay the fees", dueOn = "2026-10-15" }));
        var october = new DateTimeOffset(2026, 10, 1, 0, 0, 0, TimeSpan.Zero);
        await tenant.AssessmentWithEscalationAsync(siteId, supplierId, score: 70, assessedAt: october.AddDays(30));

        // Categories the intake page offers: FL05 (and FL06) by the Domain's own mapping, critical as intake marks it.
        await tenant.GrievancesAsync(siteId, supplierId, 5, "SEED", october, [GrievanceCategories.HurtOrThreatened], acknowledgedAt: october.AddDays(1));
        await tenant.Factory.ScalarAsync<int>(
            """
            with n as (
              insert into narrative_access_log (id, tenant_id, grievance_id, api_key_id, read_at)
              select gen_random_uuid(), @t, g.id, null, '2026-10-02' from grievances g where g.tenant_id = @t and g.site_id = @site limit 1
              returning id)
            select count(*)::int from n
            """,
            ("t", tenant.TenantId), ("site", siteId));
    }
}

public sealed record SeededTenant(TestTenant Tenant, Guid FirstSupplier, Guid SecondSupplier);
