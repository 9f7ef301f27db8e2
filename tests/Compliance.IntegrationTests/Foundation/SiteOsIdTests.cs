using System.Net.Http.Json;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Foundation;

/// <summary>An Open Supply Hub id names a facility, so it belongs to a site: validated, unique in the tenant, cleared by omission.</summary>
public class SiteOsIdTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private static object Site(Guid supplierId, string? osId) =>
        new { supplierId, name = "Klang plant", countryCode = "MY", sector = "rubber-gloves", workerHousing = true, osId };

    [Fact]
    public async Task Site_KeepsItsOsId_AndAPutWithoutItClearsIt()
    {
        var tenant = await factory.CreateTenantAsync();
        var supplier = await tenant.CreateSupplierAsync();
        var id = await Http.IdAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/sites", Site(supplier, "MY2019303BQ3FZP")));

        var read = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{id}"));
        Assert.Equal("MY2019303BQ3FZP", read.GetProperty("osId").GetString());

        var updated = await Http.JsonAsync(await tenant.Owner.PutAsJsonAsync($"/api/v1/sites/{id}", Site(supplier, null)));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, updated.GetProperty("osId").ValueKind);
    }

    [Theory]
    [InlineData("MY2024")]
    [InlineData("my2019303bq3fzp")]
    [InlineData("MY2019303BQ3FZP1")]
    [InlineData("")]
    public async Task Site_WithMalformedOsId_Is400NamingTheField_AndWritesNothing(string osId)
    {
        var tenant = await factory.CreateTenantAsync();
        var supplier = await tenant.CreateSupplierAsync();
        var before = await factory.CountRowsAsync("sites");
        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/sites", Site(supplier, osId)), "osId");
        Assert.Equal(before, await factory.CountRowsAsync("sites"));
    }

    [Fact]
    public async Task TwoSitesOfOneTenant_CannotShareAnOsId_ButTwoTenantsCan()
    {
        var first = await factory.CreateTenantAsync();
        var supplier = await first.CreateSupplierAsync();
        await Http.IdAsync(await first.Owner.PostAsJsonAsync("/api/v1/sites", Site(supplier, "MY2020001AAAAAA")));
        await Http.AssertProblemAsync(await first.Owner.PostAsJsonAsync("/api/v1/sites", Site(supplier, "MY2020001AAAAAA")), 409);

        var second = await factory.CreateTenantAsync();
        await Http.IdAsync(await second.Owner.PostAsJsonAsync("/api/v1/sites", Site(await second.CreateSupplierAsync(), "MY2020001AAAAAA")));
    }
}
