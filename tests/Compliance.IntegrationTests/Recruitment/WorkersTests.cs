using System.Text.Json.Nodes;
using Compliance.IntegrationTests.Infrastructure;
using static Compliance.IntegrationTests.Recruitment.RecruitmentData;

namespace Compliance.IntegrationTests.Recruitment;

public class WorkersTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task Worker_RecordedWithAgency_ReadsBackWithSupplierFromSiteAndFlags()
    {
        var tenant = await factory.CreateTenantAsync();
        var agency = await tenant.CreateAgencyAsync();
        var site = await tenant.CreateSiteAsync();
        var body = WorkerBody(site.Id, agency);
        var created = await Http.JsonAsync(await tenant.Owner.PostAsync("/api/v1/workers", Json(body)), 201);

        var read = await tenant.WorkerAsync(created.GetProperty("id").GetGuid());
        Assert.Equal(site.SupplierId, read.GetProperty("supplierId").GetGuid());
        Assert.Equal("agency", read.GetProperty("recruitment").GetProperty("channel").GetString());
        Assert.Equal(agency, read.GetProperty("recruitment").GetProperty("agencyId").GetGuid());
        Assert.False(read.Flag("paidRecruitmentFees"));
        Assert.Equal("FL09", read.Indicator("paidRecruitmentFees"));
        Assert.Equal("CH01", read.Indicator("underAgeNow"));
    }

    public static TheoryData<string, string> BadWorkers => new()
    {
        { "employeeRef", "" },
        { "nationality", "Nepal" },
        { "gender", "woman" },
        { "birthYear", "1800" },
        { "preferredLanguage", "nepali language" },
        { "status", "gone" },
        { "recruitment.channel", "friend" },
        { "recruitment.agencyId", "agency-without-id" },
        { "recruitment.recruitedInCountry", "np" },
        { "recruitment.hiredOn", "null" },
        { "siteId", "unknown" },
        { "extra", "x" },
    };

    [Theory]
    [MemberData(nameof(BadWorkers))]
    public async Task CreateWorker_WithBadField_Is400NamingIt_AndWritesNothing(string field, string value)
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var body = WorkerBody(site.Id).With(b =>
        {
            switch (field)
            {
                case "birthYear": b[field] = int.Parse(value, System.Globalization.CultureInfo.InvariantCulture); break;
                case "recruitment.agencyId": b["recruitment"]!["channel"] = "agency"; break;
                case "recruitment.hiredOn": b["recruitment"]!["hiredOn"] = null; break;
                case "siteId": b["siteId"] = Guid.NewGuid(); break;
                case var f when f.StartsWith("recruitment.", StringComparison.Ordinal): b["recruitment"]![f["recruitment.".Length..]] = value; break;
                default: b[field] = value; break;
            }
        });
        var before = await factory.CountRowsAsync("workers");
        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsync("/api/v1/workers", Json(body)), field);
        Assert.Equal(before, await factory.CountRowsAsync("workers"));
    }

    [Fact]
    public async Task EmployeeRef_IsUniquePerSupplier_NotPerTenant()
    {
        var tenant = await factory.CreateTenantAsync();
        var a = await tenant.CreateSiteAsync();
        var b = await tenant.CreateSiteAsync();
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsync("/api/v1/workers", Json(WorkerBody(a.Id).With(w => w["employeeRef"] = "E-1"))), 201);
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsync("/api/v1/workers", Json(WorkerBody(b.Id).With(w => w["employeeRef"] = "E-1"))), 201);
        await Http.AssertProblemAsync(await tenant.Owner.PostAsync("/api/v1/workers", Json(WorkerBody(a.Id).With(w => w["employeeRef"] = "E-1"))), 409);
    }

    [Fact]
    public async Task Roles_CaseHandlerSeesNothing_AuditorReadsOnly_SupplierWritesItsOwn()
    {
        var tenant = await factory.CreateTenantAsync();
        var mine = await tenant.CreateSiteAsync();
        var theirs = await tenant.CreateSiteAsync();
        var worker = await tenant.CreateWorkerAsync(mine.Id);
        var other = await tenant.CreateWorkerAsync(theirs.Id);

        var handler = await tenant.ClientAsync("case-handler");
        foreach (var url in new[] { "/api/v1/workers", $"/api/v1/workers/{worker}", $"/api/v1/workers/{worker}/fees", $"/api/v1/workers/{worker}/remediation", "/api/v1/agencies" })
        {
            await Http.AssertProblemAsync(await handler.GetAsync(url), 403);
        }

        await Http.AssertProblemAsync(await handler.PostAsync("/api/v1/workers", Json(WorkerBody(mine.Id))), 403);

        var auditor = await tenant.ClientAsync("auditor");
        await Http.EnsureStatusAsync(await auditor.GetAsync($"/api/v1/workers/{worker}"), 200);
        await Http.AssertProblemAsync(await auditor.PostAsync("/api/v1/workers", Json(WorkerBody(mine.Id))), 403);
        await Http.AssertProblemAsync(await auditor.PostAsync($"/api/v1/workers/{worker}/fees", Json(FeeBody())), 403);
        await Http.AssertProblemAsync(await auditor.PostAsync("/api/v1/agencies", Json(AgencyBody())), 403);

        var supplier = await tenant.ClientAsync("supplier", mine.SupplierId);
        await tenant.CreateWorkerAsync(mine.Id, client: supplier);
        await Http.AssertValidationProblemAsync(await supplier.PostAsync("/api/v1/workers", Json(WorkerBody(theirs.Id))), "siteId");
        await Http.AssertProblemAsync(await supplier.PostAsync("/api/v1/agencies", Json(AgencyBody())), 403);
        await Http.EnsureStatusAsync(await supplier.GetAsync("/api/v1/agencies"), 200);
        await CrossTenant.AssertInvisibleAsync(supplier, $"/api/v1/workers/{other}", other, WorkerBody(mine.Id), "/api/v1/workers?pageSize=200", hasDelete: false);
        await Http.AssertProblemAsync(await supplier.PostAsync($"/api/v1/workers/{other}/fees", Json(FeeBody())), 404);
    }

    [Fact]
    public async Task AnotherTenant_GetsNotFound_ForWorkerAndEverythingUnderIt()
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync();
        var stranger = await factory.CreateTenantAsync();
        var strangerSite = await stranger.CreateSiteAsync();

        await CrossTenant.AssertInvisibleAsync(stranger.Owner, $"/api/v1/workers/{worker}", worker, WorkerBody(strangerSite.Id), "/api/v1/workers", hasDelete: false);
        foreach (var path in new[] { "fees", "reimbursements", "remediation", "declarations", "contracts", "passport-custody", "passport-access-requests" })
        {
            await Http.AssertProblemAsync(await stranger.Owner.GetAsync($"/api/v1/workers/{worker}/{path}"), 404);
        }

        var posts = new (string Path, JsonObject Body)[]
        {
            ("fees", FeeBody()), ("declarations", DeclarationBody()), ("contracts", ContractBody()),
            ("passport-custody", new JsonObject { ["holder"] = "worker", ["since"] = "2025-01-01" }),
            ("passport-access-requests", new JsonObject { ["requestedAt"] = "2025-01-01T00:00:00Z" }),
        };
        foreach (var (path, body) in posts)
        {
            await Http.AssertProblemAsync(await stranger.Owner.PostAsync($"/api/v1/workers/{worker}/{path}", Json(body)), 404);
        }

        var agency = await tenant.CreateAgencyAsync();
        await CrossTenant.AssertInvisibleAsync(stranger.Owner, $"/api/v1/agencies/{agency}", agency, AgencyBody(), "/api/v1/agencies", hasDelete: false);
    }

    [Fact]
    public async Task List_FiltersBySiteSupplierNationalityAndFlag_WithPaging()
    {
        var tenant = await factory.CreateTenantAsync();
        var a = await tenant.CreateSiteAsync();
        var b = await tenant.CreateSiteAsync();
        for (var i = 0; i < 3; i++)
        {
            await tenant.CreateWorkerAsync(a.Id);
        }

        var bangladeshi = await tenant.CreateWorkerAsync(b.Id, w => w["nationality"] = "BD");
        await tenant.PostAsync(bangladeshi, "fees", FeeBody());

        var page = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/workers?siteId={a.Id}&page=2&pageSize=2"));
        Assert.Equal(3, page.GetProperty("totalCount").GetInt32());
        Assert.Single(page.GetProperty("items").EnumerateArray());
        var bySupplier = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/workers?supplierId={b.SupplierId}"));
        Assert.Equal(1, bySupplier.GetProperty("totalCount").GetInt32());
        var byNationality = await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/workers?nationality=BD"));
        Assert.Equal(bangladeshi, byNationality.GetProperty("items")[0].GetProperty("id").GetGuid());
        var byFlag = await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/workers?flag=paidRecruitmentFees&flag=outstandingRemediation"));
        Assert.Equal(1, byFlag.GetProperty("totalCount").GetInt32());
        Assert.True(byFlag.GetProperty("items")[0].Flag("paidRecruitmentFees"));
        await Http.AssertValidationProblemAsync(await tenant.Owner.GetAsync("/api/v1/workers?flag=bogus"), "flag");
        await Http.AssertValidationProblemAsync(await tenant.Owner.GetAsync("/api/v1/workers?nationality=Nepal"), "nationality");
    }

    [Fact]
    public async Task Update_MovesWorkerToAnotherSite_AndChildRowsFollow()
    {
        var tenant = await factory.CreateTenantAsync();
        var a = await tenant.CreateSiteAsync();
        var b = await tenant.CreateSiteAsync();
        var worker = await tenant.CreateWorkerAsync(a.Id);
        await tenant.PostAsync(worker, "fees", FeeBody());
        var body = WorkerBody(b.Id).With(w => w["status"] = "left");
        var updated = await Http.JsonAsync(await tenant.Owner.PutAsync($"/api/v1/workers/{worker}", Json(body)));
        Assert.Equal("left", updated.GetProperty("status").GetString());
        Assert.Equal(b.SupplierId, await factory.ScalarAsync<Guid>("select supplier_id from fees where worker_id = @w", ("w", worker)));
    }
}
