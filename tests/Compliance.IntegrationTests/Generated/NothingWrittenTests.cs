using System.Net.Http.Json;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Generated;

/// <summary>
/// The check every test client makes on a 400 (<see cref="NothingWrittenOn400"/>) is not vacuous: the write log it reads
/// records a committed write and nothing of a rolled-back one.
/// </summary>
public class NothingWrittenTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private Task<long> WritesAsync() => factory.ScalarAsync<long>("select count(*) from test_write_log");

    [Fact]
    public async Task WriteLog_RecordsACommittedWrite_AndNothingOfARefusedOne()
    {
        var tenant = await factory.CreateTenantAsync();
        var before = await WritesAsync();
        await Http.IdAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/suppliers", new { name = "Logged Co", countryCode = "MY" }));
        var afterWrite = await WritesAsync();
        Assert.True(afterWrite > before);
        Assert.Equal(1L, await factory.ScalarAsync<long>("select count(*) from test_write_log where id > @id and tbl = 'suppliers'", ("id", before)));

        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/suppliers", new { name = "", countryCode = "Malaysia" }), "name", "countryCode");
        Assert.Equal(afterWrite, await WritesAsync());
    }
}
