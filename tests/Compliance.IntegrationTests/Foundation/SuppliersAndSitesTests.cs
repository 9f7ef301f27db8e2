using System.Net.Http.Json;
using System.Text;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Foundation;

public class SuppliersAndSitesTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    [Fact]
    public async Task Supplier_Crud_HappyPath()
    {
        var tenant = await factory.CreateTenantAsync();
        var id = await Http.IdAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/suppliers", new { name = "Glove Co", countryCode = "MY", registrationNumber = "123-A", osId = "MY2024" }));

        var read = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/suppliers/{id}"));
        Assert.Equal("Glove Co", read.GetProperty("name").GetString());

        var updated = await Http.JsonAsync(await tenant.Owner.PutAsJsonAsync($"/api/v1/suppliers/{id}", new { name = "Glove Co Bhd", countryCode = "MY" }));
        Assert.Equal("Glove Co Bhd", updated.GetProperty("name").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, updated.GetProperty("registrationNumber").ValueKind);

        await Http.EnsureStatusAsync(await tenant.Owner.DeleteAsync($"/api/v1/suppliers/{id}"), 204);
        await Http.AssertProblemAsync(await tenant.Owner.GetAsync($"/api/v1/suppliers/{id}"), 404);
    }

    [Fact]
    public async Task Sites_ListPagesAndFilters_WithTotalCount()
    {
        var tenant = await factory.CreateTenantAsync();
        var s1 = await tenant.CreateSupplierAsync();
        var s2 = await tenant.CreateSupplierAsync();
        for (var i = 0; i < 3; i++)
        {
            await tenant.CreateSiteAsync(s1);
        }

        await tenant.CreateSiteAsync(s2);

        var page = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites?supplierId={s1}&page=2&pageSize=2"));
        Assert.Equal(3, page.GetProperty("totalCount").GetInt32());
        Assert.Single(page.GetProperty("items").EnumerateArray());
        var byCountry = await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/sites?countryCode=TH"));
        Assert.Equal(0, byCountry.GetProperty("totalCount").GetInt32());
    }

    [Theory]
    [InlineData("/api/v1/sites?pageSize=201", "pageSize")]
    [InlineData("/api/v1/sites?page=0", "page")]
    [InlineData("/api/v1/sites?countryCode=Malaysia", "countryCode")]
    [InlineData("/api/v1/sites?page=abc", "page")]
    [InlineData("/api/v1/sites?supplierId=not-a-guid", "supplierId")]
    public async Task List_WithBadQuery_Is400NamingTheField(string url, string field)
    {
        var tenant = await factory.CreateTenantAsync();
        await Http.AssertValidationProblemAsync(await tenant.Owner.GetAsync(url), field);
    }

    [Fact]
    public async Task Site_GetsAnUnguessableIntakeCode()
    {
        var tenant = await factory.CreateTenantAsync();
        var (_, code, _) = await tenant.CreateSiteAsync();
        var (_, other, _) = await tenant.CreateSiteAsync();

        Assert.Matches("^[0-9A-HJKMNP-TV-Z]{10}$", code);
        Assert.NotEqual(code, other);
    }

    [Theory]
    [InlineData("{\"name\":\"\",\"countryCode\":\"MY\"}", "name")]
    [InlineData("{\"name\":\"x\",\"countryCode\":\"my\"}", "countryCode")]
    [InlineData("{\"name\":\"x\"}", "countryCode")]
    [InlineData("{\"name\":\"x\",\"countryCode\":\"MY\",\"osId\":\"\"}", "osId")]
    [InlineData("{\"name\":\"x\",\"countryCode\":\"MY\",\"vat\":\"1\"}", "vat")]
    [InlineData("{\"name\":5,\"countryCode\":\"MY\"}", "name")]
    public async Task CreateSupplier_WithBadInput_Is400_AndWritesNothing(string json, string field)
    {
        var tenant = await factory.CreateTenantAsync();
        var before = await factory.CountRowsAsync("suppliers");

        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsync("/api/v1/suppliers", Json(json)), field);

        Assert.Equal(before, await factory.CountRowsAsync("suppliers"));
    }

    [Theory]
    [InlineData("{\"name\":\"x\",\"countryCode\":\"MY\",\"sector\":\"mining\",\"workerHousing\":true}", "sector")]
    [InlineData("{\"name\":\"x\",\"countryCode\":\"MY\",\"sector\":\"garment\"}", "workerHousing")]
    [InlineData("{\"name\":\"x\",\"countryCode\":\"ZZ\",\"sector\":\"garment\",\"workerHousing\":false}", "countryCode")]
    [InlineData("{\"name\":\"x\",\"countryCode\":\"MY\",\"sector\":\"garment\",\"workerHousing\":\"yes\"}", "workerHousing")]
    public async Task CreateSite_WithBadInput_Is400_AndWritesNothing(string json, string field)
    {
        var tenant = await factory.CreateTenantAsync();
        var supplier = await tenant.CreateSupplierAsync();
        var before = await factory.CountRowsAsync("sites");
        var body = json.Replace("{", $"{{\"supplierId\":\"{supplier}\",", StringComparison.Ordinal);

        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsync("/api/v1/sites", Json(body)), field);

        Assert.Equal(before, await factory.CountRowsAsync("sites"));
    }

    [Fact]
    public async Task WrongRole_Is403()
    {
        var tenant = await factory.CreateTenantAsync();
        var auditor = await tenant.ClientAsync("auditor");
        var handler = await tenant.ClientAsync("case-handler");
        var supplierId = await tenant.CreateSupplierAsync();
        var before = await factory.CountRowsAsync("suppliers");

        await Http.AssertProblemAsync(await auditor.PostAsJsonAsync("/api/v1/suppliers", new { name = "x", countryCode = "MY" }), 403);
        await Http.AssertProblemAsync(await auditor.PostAsJsonAsync("/api/v1/sites", new { supplierId, name = "x", countryCode = "MY", sector = "other", workerHousing = false }), 403);
        await Http.AssertProblemAsync(await handler.GetAsync("/api/v1/suppliers"), 403);
        await Http.AssertProblemAsync(await handler.GetAsync("/api/v1/sites"), 403);
        await Http.EnsureStatusAsync(await auditor.GetAsync("/api/v1/sites"), 200);
        Assert.Equal(before, await factory.CountRowsAsync("suppliers"));
    }

    [Fact]
    public async Task AnotherTenant_Gets404_OnSupplierAndSite_AndNeverSeesThemListed()
    {
        var a = await factory.CreateTenantAsync();
        var b = await factory.CreateTenantAsync();
        var (siteId, _, supplierId) = await a.CreateSiteAsync();
        var bSupplier = await b.CreateSupplierAsync();

        await CrossTenant.AssertInvisibleAsync(b.Owner, $"/api/v1/suppliers/{supplierId}", supplierId, new { name = "hijack", countryCode = "MY" }, "/api/v1/suppliers");
        await CrossTenant.AssertInvisibleAsync(b.Owner, $"/api/v1/sites/{siteId}", siteId, new { supplierId = bSupplier, name = "hijack", countryCode = "MY", sector = "other", workerHousing = false }, "/api/v1/sites");

        // Nor can B attach a site to A's supplier.
        await Http.AssertValidationProblemAsync(
            await b.Owner.PostAsJsonAsync("/api/v1/sites", new { supplierId, name = "x", countryCode = "MY", sector = "other", workerHousing = false }), "supplierId");
        await Http.EnsureStatusAsync(await a.Owner.GetAsync($"/api/v1/sites/{siteId}"), 200);
    }

    [Fact]
    public async Task SupplierKey_SeesAndWritesOnlyItsOwnSupplier()
    {
        var tenant = await factory.CreateTenantAsync();
        var (ownSite, _, own) = await tenant.CreateSiteAsync();
        var (otherSite, _, other) = await tenant.CreateSiteAsync();
        var supplier = await tenant.ClientAsync("supplier", own);

        var sites = await Http.JsonAsync(await supplier.GetAsync("/api/v1/sites"));
        Assert.Equal([ownSite], sites.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
        var suppliers = await Http.JsonAsync(await supplier.GetAsync("/api/v1/suppliers"));
        Assert.Equal([own], suppliers.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));

        await CrossTenant.AssertInvisibleAsync(supplier, $"/api/v1/sites/{otherSite}", otherSite, new { supplierId = own, name = "x", countryCode = "MY", sector = "other", workerHousing = false }, "/api/v1/sites");
        await Http.AssertProblemAsync(await supplier.GetAsync($"/api/v1/suppliers/{other}"), 404);
        await Http.AssertValidationProblemAsync(
            await supplier.PostAsJsonAsync("/api/v1/sites", new { supplierId = other, name = "x", countryCode = "MY", sector = "other", workerHousing = false }), "supplierId");
        await Http.EnsureStatusAsync(
            await supplier.PostAsJsonAsync("/api/v1/sites", new { supplierId = own, name = "new", countryCode = "MY", sector = "other", workerHousing = false }), 201);
    }

    [Fact]
    public async Task DuplicateSupplierName_Is409_AndDeletingASupplierWithSites_Is409()
    {
        var tenant = await factory.CreateTenantAsync();
        var (_, _, supplierId) = await tenant.CreateSiteAsync();
        var name = (await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/suppliers/{supplierId}"))).GetProperty("name").GetString();

        await Http.AssertProblemAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/suppliers", new { name, countryCode = "MY" }), 409);
        await Http.AssertProblemAsync(await tenant.Owner.DeleteAsync($"/api/v1/suppliers/{supplierId}"), 409);
        await Http.EnsureStatusAsync(await tenant.Owner.GetAsync($"/api/v1/suppliers/{supplierId}"), 200);
    }
}
