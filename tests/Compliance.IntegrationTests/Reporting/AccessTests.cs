using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Reporting;

/// <summary>Who may read the feed, and the record of every auditor request.</summary>
public class AccessTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Theory]
    [InlineData("/odata/Sites")]
    [InlineData("/odata/Suppliers")]
    [InlineData("/odata/$metadata")]
    [InlineData("/odata")]
    public async Task CaseHandler_Gets403_EverywhereOnTheFeed(string url)
    {
        var tenant = await factory.CreateTenantAsync();
        var caseHandler = await tenant.ClientAsync("case-handler");

        await Http.AssertProblemAsync(await caseHandler.GetAsync(url), 403);
    }

    [Fact]
    public async Task WithoutKey_Gets401()
    {
        await Http.AssertProblemAsync(await factory.Client().GetAsync("/odata/Sites"), 401);
    }

    [Fact]
    public async Task ExpiredAuditorKey_Gets401()
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.CreateSiteAsync();
        var auditor = factory.Client(await tenant.KeyAsync("auditor", expiresAt: factory.Clock.GetUtcNow().AddHours(1)));
        await Http.EnsureStatusAsync(await auditor.GetAsync("/odata/Sites"), 200);

        factory.Clock.Advance(TimeSpan.FromHours(2));

        await Http.AssertProblemAsync(await auditor.GetAsync("/odata/Sites"), 401);
    }

    [Theory]
    [InlineData("owner")]
    [InlineData("compliance")]
    [InlineData("auditor")]
    public async Task TenantWideRoles_SeeEveryRowOfTheTenant(string role)
    {
        var seeded = await (await factory.CreateTenantAsync()).SeedReportingAsync();
        var client = role == "owner" ? seeded.Tenant.Owner : await seeded.Tenant.ClientAsync(role);

        var sites = await client.GetAllAsync("/odata/Sites?$count=true");
        var suppliers = await client.GetAllAsync("/odata/Suppliers");

        Assert.Equal(4, sites.Count);
        Assert.Equal(2, suppliers.Rows.Count);
    }

    [Fact]
    public async Task SupplierKey_SeesOnlyItsOwnSupplierAndSites_ThroughExpandAndApply()
    {
        var seeded = await (await factory.CreateTenantAsync()).SeedReportingAsync();
        var supplier = factory.Client(await seeded.Tenant.KeyAsync("supplier", seeded.FirstSupplier));

        var sites = await supplier.GetAllAsync("/odata/Sites?$expand=Supplier");
        var grouped = await supplier.GetAllAsync("/odata/Sites?$apply=groupby((SupplierId),aggregate($count as Sites))");

        Assert.Equal(2, sites.Rows.Count);
        Assert.All(sites.Rows, r => Assert.Equal(seeded.FirstSupplier, r.GetProperty("Supplier").GetProperty("Id").GetGuid()));
        var only = Assert.Single(grouped.Rows);
        Assert.Equal(seeded.FirstSupplier, only.GetProperty("SupplierId").GetGuid());
        Assert.Equal(2, only.GetProperty("Sites").GetInt32());
    }

    [Fact]
    public async Task Apply_GroupsAggregatesAndFilters()
    {
        var seeded = await (await factory.CreateTenantAsync()).SeedReportingAsync();
        var auditor = await seeded.Tenant.ClientAsync("auditor");

        var bySector = await auditor.GetAllAsync("/odata/Sites?$apply=filter(WorkerHousing eq true)/groupby((Sector),aggregate($count as Sites))&$orderby=Sector");

        Assert.Equal(["garment", "rubber-gloves"], bySector.Rows.Select(r => r.GetProperty("Sector").GetString()));
        Assert.All(bySector.Rows, r => Assert.Equal(2, r.GetProperty("Sites").GetInt32()));
    }

    [Fact]
    public async Task AuditorRequests_AreRecorded_WithKeyTimePathAndQuery_OthersAreNot()
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.CreateSiteAsync();
        var auditor = factory.Client(await tenant.KeyAsync("auditor"));
        var compliance = await tenant.ClientAsync("compliance");
        var auditorKeyId = await factory.ScalarAsync<Guid>(
            "select id from api_keys where tenant_id = @t and role = 'auditor'", ("t", tenant.TenantId));

        await Http.EnsureStatusAsync(await auditor.GetAsync("/odata/Sites?$filter=Sector eq 'garment'&$count=true"), 200);
        await Http.EnsureStatusAsync(await auditor.GetAsync("/odata/Sites?$top=5000"), 400);
        await Http.EnsureStatusAsync(await compliance.GetAsync("/odata/Sites"), 200);

        Assert.Equal(2, await factory.ScalarAsync<long>("select count(*) from odata_request_log where tenant_id = @t", ("t", tenant.TenantId)));
        Assert.Equal(2, await factory.ScalarAsync<long>(
            "select count(*) from odata_request_log where tenant_id = @t and api_key_id = @k and path = '/odata/Sites' and requested_at = @at",
            ("t", tenant.TenantId), ("k", auditorKeyId), ("at", factory.Clock.GetUtcNow())));
        Assert.Equal("?$filter=Sector%20eq%20'garment'&$count=true", await factory.ScalarAsync<string>(
            "select query from odata_request_log where tenant_id = @t order by id limit 1", ("t", tenant.TenantId)));
    }

    [Fact]
    public async Task RequestLog_IsAppendOnly_ForTheRuntimeRole()
    {
        var grants = await factory.ScalarAsync<string>(
            "select string_agg(privilege_type, ',' order by privilege_type) from information_schema.role_table_grants where table_name = 'odata_request_log' and grantee = 'compliance_app'");

        Assert.Contains("INSERT", grants, StringComparison.Ordinal);
        Assert.Contains("SELECT", grants, StringComparison.Ordinal);
        Assert.DoesNotContain("UPDATE", grants, StringComparison.Ordinal);
        Assert.DoesNotContain("DELETE", grants, StringComparison.Ordinal);
    }
}
