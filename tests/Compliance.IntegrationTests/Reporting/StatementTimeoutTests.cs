using Compliance.Api.Features.Reporting;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Reporting;

/// <summary>A reporting statement timeout of 1 ms, so an aggregation over 100,000 rows is cut off.</summary>
public sealed class TinyStatementTimeoutFactory : ComplianceApiFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("Reporting:StatementTimeoutMs", "1")];
}

public class StatementTimeoutTests(TinyStatementTimeoutFactory factory) : IClassFixture<TinyStatementTimeoutFactory>
{
    [Fact]
    public async Task QueryOverTheStatementTimeout_Is400NamingIt_NotA500OrAHang()
    {
        var tenant = await factory.CreateTenantAsync();
        var supplier = await tenant.CreateSupplierAsync();
        await ReportingData.InsertSitesAsync(factory, tenant.TenantId, supplier, 100_000);
        var auditor = factory.Client(await tenant.KeyAsync("auditor"));

        var response = await auditor.GetAsync("/odata/Sites?$apply=groupby((Name),aggregate($count as Sites))&$count=true");

        await LimitsTests.AssertRefusedAsync(response, ReportingLimits.Names.StatementTimeout);
        Assert.Equal(1, await factory.ScalarAsync<long>("select count(*) from odata_request_log where tenant_id = @t", ("t", tenant.TenantId)));
    }
}
