using System.Text.Json.Nodes;
using Compliance.Api.Features.Recruitment;
using Compliance.IntegrationTests.Infrastructure;
using Npgsql;
using static Compliance.IntegrationTests.Recruitment.RecruitmentData;

namespace Compliance.IntegrationTests.Recruitment;

/// <summary>Each flag raised by its evidence and clear without it; the API and app.worker_flags agree.</summary>
public class FlagsTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task FeesFinancedByLoan_RaisedOnlyByALoan()
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync();
        await tenant.PostAsync(worker, "fees", FeeBody());
        Assert.False((await tenant.WorkerAsync(worker)).Flag("feesFinancedByLoan"));
        await tenant.PostAsync(worker, "fees", FeeBody().With(f => { f["financedByLoan"] = true; f["loanInterestRatePercent"] = 36; }));
        Assert.True((await tenant.WorkerAsync(worker)).Flag("feesFinancedByLoan"));
    }

    [Theory]
    [InlineData(2010, "active", true, true)]
    [InlineData(2007, "active", true, false)]
    [InlineData(2010, "left", true, false)]
    [InlineData(1995, "active", false, false)]
    public async Task UnderAge_FromBirthYear_PresumesAChildWhenUncertain(int birthYear, string status, bool atHire, bool now)
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync(change: w => { w["birthYear"] = birthYear; w["status"] = status; });
        var flags = await tenant.WorkerAsync(worker);
        Assert.Equal(atHire, flags.Flag("underAgeAtHire"));
        Assert.Equal(now, flags.Flag("underAgeNow"));
    }

    [Theory]
    [InlineData("2026-11-01", true)]
    [InlineData("2026-11-02", false)]
    [InlineData(null, false)]
    public async Task WorkPermitExpired_ComparedWithToday(string? expiresOn, bool expired)
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync(change: w => w["workPermitExpiresOn"] = expiresOn);
        var flags = await tenant.WorkerAsync(worker);
        Assert.Equal(expired, flags.Flag("workPermitExpired"));
        Assert.Equal("FL01", flags.Indicator("workPermitExpired"));
    }

    [Theory]
    [InlineData(false, "L-1", "2030-01-01", false)]
    [InlineData(true, "L-1", "2030-01-01", true)]
    [InlineData(false, null, null, true)]
    [InlineData(false, "L-1", "2024-12-31", true)]
    public async Task AgencyUnlicensedOrBlacklisted(bool blacklisted, string? licence, string? expires, bool raised)
    {
        var tenant = await factory.CreateTenantAsync();
        var agency = await tenant.CreateAgencyAsync(AgencyBody().With(a => { a["blacklisted"] = blacklisted; a["licenceNumber"] = licence; a["licenceExpiresOn"] = expires; }));
        var worker = await tenant.CreateWorkerAsync(change: w => { w["recruitment"]!["channel"] = "agency"; w["recruitment"]!["agencyId"] = agency; });
        Assert.Equal(raised, (await tenant.WorkerAsync(worker)).Flag("agencyUnlicensedOrBlacklisted"));
    }

    [Fact]
    public async Task SubAgentUsed_ByRecruitmentRecord_OrByAFeePaidToASubAgent()
    {
        var tenant = await factory.CreateTenantAsync();
        var direct = await tenant.CreateWorkerAsync();
        Assert.False((await tenant.WorkerAsync(direct)).Flag("subAgentUsed"));
        var declared = await tenant.CreateWorkerAsync(change: w => w["recruitment"]!["subAgentUsed"] = true);
        Assert.True((await tenant.WorkerAsync(declared)).Flag("subAgentUsed"));
        await tenant.PostAsync(direct, "fees", FeeBody().With(f => f["paidTo"] = "sub-agent"));
        Assert.True((await tenant.WorkerAsync(direct)).Flag("subAgentUsed"));
    }

    [Fact]
    public async Task ApiFlags_AgreeWithTheSqlFunction_ForEveryWorker()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var plain = await tenant.CreateWorkerAsync(site.Id);
        var busy = await tenant.CreateWorkerAsync(site.Id, w => { w["birthYear"] = 2009; w["workPermitExpiresOn"] = "2026-01-01"; w["recruitment"]!["subAgentUsed"] = true; });
        await tenant.PostAsync(busy, "fees", FeeBody().With(f => { f["financedByLoan"] = true; }));
        await tenant.PostAsync(busy, "declarations", DeclarationBody());
        await tenant.PostAsync(busy, "contracts", ContractBody());
        await tenant.PostAsync(busy, "contracts", ContractBody(language: "en", hours: 60m));
        await tenant.PostAsync(busy, "passport-custody", new JsonObject { ["holder"] = "agency", ["since"] = "2025-01-01" });
        await tenant.PostAsync(busy, "passport-access-requests", new JsonObject { ["requestedAt"] = factory.Clock.GetUtcNow().AddDays(-3) });

        var list = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/workers?siteId={site.Id}"));
        await using var connection = new NpgsqlConnection(factory.RuntimeConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await Compliance.Api.Infrastructure.Database.TenantSql.SetAsync(connection, tx, tenant.TenantId, null, CancellationToken.None);
        await using var cmd = new NpgsqlCommand("select * from app.worker_flags(@asOf)", connection, tx);
        cmd.Parameters.AddWithValue("asOf", factory.Clock.GetUtcNow());
        var sql = new Dictionary<Guid, Dictionary<string, bool>>();
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                sql[reader.GetGuid(reader.GetOrdinal("worker_id"))] = WorkerFlags.All.ToDictionary(f => f.Name, f => reader.GetBoolean(reader.GetOrdinal(f.Column)));
            }
        }

        Assert.Equal(2, sql.Count);
        foreach (var item in list.GetProperty("items").EnumerateArray())
        {
            var expected = sql[item.GetProperty("id").GetGuid()];
            foreach (var flag in WorkerFlags.All)
            {
                Assert.Equal(expected[flag.Name], item.Flag(flag.Name));
            }
        }

        Assert.DoesNotContain(true, sql[plain].Values);
        var raised = sql[busy].Where(kv => kv.Value).Select(kv => kv.Key).Order().ToList();
        Assert.Equal(
            new[] { "contractLanguageMismatch", "contractSubstituted", "declarationContradicted", "feesFinancedByLoan", "outstandingRemediation", "paidRecruitmentFees",
                "passportAccessOverdue", "passportHeldByOther", "subAgentUsed", "underAgeAtHire", "underAgeNow", "workPermitExpired" }.Order(),
            raised);
    }
}
