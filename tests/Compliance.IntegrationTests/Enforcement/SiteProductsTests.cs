using System.Net;
using System.Net.Http.Json;
using Compliance.Api.Infrastructure.Auth;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Enforcement;

/// <summary><c>/api/v1/sites/{id}/products</c> and the OData set, over HTTP and PostgreSQL.</summary>
public class SiteProductsTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task Products_AreRecordedListedAndRemoved_AndShownInOData()
    {
        var tenant = await factory.CreateTenantAsync();
        var (site, _, _) = await tenant.CreateSiteAsync();
        var id = await tenant.AddProductAsync(site);
        var list = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{site}/products"));
        var product = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal("4015190000", product.GetProperty("hsCode").GetString());
        Assert.Equal("CarePlus", product.GetProperty("brands").GetString());

        var auditor = await tenant.ClientAsync(Roles.Auditor);
        var odata = await Http.JsonAsync(await auditor.GetAsync("/odata/SiteProducts"));
        Assert.Equal(id, Assert.Single(odata.GetProperty("value").EnumerateArray()).GetProperty("Id").GetGuid());

        Assert.Equal(HttpStatusCode.NoContent, (await tenant.Owner.DeleteAsync($"/api/v1/sites/{site}/products/{id}")).StatusCode);
        Assert.Equal(0, (await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{site}/products"))).GetProperty("totalCount").GetInt32());
    }

    [Theory]
    [InlineData("40151")]
    [InlineData("40151900001")]
    [InlineData("4015.19")]
    [InlineData("ABCDEF")]
    public async Task HsCode_MustBe6To10Digits(string hsCode)
    {
        var tenant = await factory.CreateTenantAsync();
        var (site, _, _) = await tenant.CreateSiteAsync();
        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsJsonAsync($"/api/v1/sites/{site}/products", new { description = "Gloves", hsCode }), "hsCode");
        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsJsonAsync($"/api/v1/sites/{site}/products", new { hsCode = "401519" }), "description");
    }

    [Fact]
    public async Task Suppliers_RecordTheirOwnSitesProducts_NotAnotherSuppliers_AndAuditorsOnlyRead()
    {
        var tenant = await factory.CreateTenantAsync();
        var (own, _, supplier) = await tenant.CreateSiteAsync();
        var (others, _, _) = await tenant.CreateSiteAsync();
        var supplierClient = await tenant.ClientAsync(Roles.Supplier, supplier);
        await tenant.AddProductAsync(own, supplierClient);
        var foreign = await tenant.AddProductAsync(others);
        Assert.Equal(HttpStatusCode.NotFound, (await supplierClient.PostAsJsonAsync($"/api/v1/sites/{others}/products", new { description = "Gloves", hsCode = "401519" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await supplierClient.GetAsync($"/api/v1/sites/{others}/products")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await supplierClient.DeleteAsync($"/api/v1/sites/{others}/products/{foreign}")).StatusCode);

        var auditor = await tenant.ClientAsync(Roles.Auditor);
        Assert.Equal(HttpStatusCode.Forbidden, (await auditor.PostAsJsonAsync($"/api/v1/sites/{own}/products", new { description = "Gloves", hsCode = "401519" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await auditor.GetAsync($"/api/v1/sites/{own}/products")).StatusCode);

        var other = await factory.CreateTenantAsync();
        Assert.Equal(HttpStatusCode.NotFound, (await other.Owner.PostAsJsonAsync($"/api/v1/sites/{own}/products", new { description = "Gloves", hsCode = "401519" })).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Owner.DeleteAsync($"/api/v1/sites/{others}/products/{foreign}")).StatusCode);
        Assert.Equal(2, await factory.ScalarAsync<long>("select count(*) from site_products where tenant_id = @t", ("t", tenant.TenantId)));
    }
}
