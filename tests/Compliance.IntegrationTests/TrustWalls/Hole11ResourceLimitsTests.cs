using System.Text;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Recruitment;

namespace Compliance.IntegrationTests.TrustWalls;

/// <summary>Issue 16, hole 11: paging values that overflow, and an import full of errors, are bounded answers.</summary>
public class Hole11ResourceLimitsTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Theory]
    [InlineData("/api/v1/suppliers?page=99999999999", "page")]
    [InlineData("/api/v1/suppliers?page=2147483647&pageSize=200", "page")]
    [InlineData("/api/v1/sites?page=2147483647&pageSize=200", "page")]
    [InlineData("/api/v1/workers?page=2147483647&pageSize=200", "page")]
    [InlineData("/api/v1/api-keys?page=10737420&pageSize=200", "page")]
    [InlineData("/api/v1/suppliers?pageSize=99999999999", "pageSize")]
    public async Task Hole11_OverflowingPaging_Is400NamingTheField(string url, string field)
    {
        var tenant = await factory.CreateTenantAsync();
        await Http.AssertValidationProblemAsync(await tenant.Owner.GetAsync(url), field);
    }

    [Fact]
    public async Task Hole11_LargestPageThatFits_IsStillAnswered()
    {
        var tenant = await factory.CreateTenantAsync();
        var body = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/suppliers?page={(int.MaxValue / 200) + 1}&pageSize=200"));
        Assert.Equal(0, body.GetProperty("items").GetArrayLength());
    }

    [Fact]
    public async Task Hole11_ImportWithManyErrors_ListsTheFirst1000AndCountsAll()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var csv = new StringBuilder(ImportTests.Header).Append('\n');
        for (var i = 0; i < 1500; i++)
        {
            csv.Append(ImportTests.Row(site.Id, $"BAD-{i}").Replace(",male,", ",man,", StringComparison.Ordinal)).Append('\n');
        }

        var workers = await factory.CountRowsAsync("workers");
        var body = await Http.JsonAsync(await tenant.Owner.PostAsync("/api/v1/imports/workers", new StringContent(csv.ToString(), Encoding.UTF8, "text/csv")), 400);
        Assert.Equal(1000, body.GetProperty("errors").GetArrayLength());
        Assert.Equal(1500, body.GetProperty("totalErrors").GetInt32());
        Assert.Equal(2, body.GetProperty("errors")[0].GetProperty("row").GetInt32());
        Assert.Contains("1500 problem(s) in 1500 row(s)", body.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Equal(workers, await factory.CountRowsAsync("workers"));
    }
}
