using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Compliance.IntegrationTests.Billing;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Recruitment;

public class ImportTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    internal const string Header =
        "site_id,employee_ref,nationality,gender,birth_year,preferred_language,channel,agency_id,sub_agent_used,recruited_in_country,hired_on,arrived_on,work_permit_expires_on,status," +
        "fee1_category,fee1_amount,fee1_currency,fee1_paid_by,fee1_paid_to,fee1_paid_on,fee1_paid_in_country,fee1_financed_by_loan,fee1_loan_interest_rate_percent," +
        "fee2_category,fee2_amount,fee2_currency,fee2_paid_by,fee2_paid_to,fee2_paid_on,fee2_paid_in_country,fee2_financed_by_loan,fee2_loan_interest_rate_percent";

    internal static string Row(Guid site, string reference, string fee1Amount = "1500.00") =>
        $"{site},{reference},NP,male,1990,ne,direct,,false,NP,2025-01-10,2025-02-01,2027-01-01,active," +
        $"recruitment,{fee1Amount},MYR,worker,agency,2024-12-01,NP,true,24," +
        "visa,\"300.50\",NPR,employer,government,2024-12-05,NP,false,";

    private static StringContent Csv(string text) => new(text, Encoding.UTF8, "text/csv");

    [Fact]
    public async Task GoodFile_ImportsWorkersAndFees_WithFlags()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var csv = Header + "\n" + Row(site.Id, "IMP-1") + "\r\n" + Row(site.Id, "IMP-2") + "\n";
        var result = await Http.JsonAsync(await tenant.Owner.PostAsync("/api/v1/imports/workers", Csv(csv)), 201);
        Assert.Equal(2, result.GetProperty("workers").GetInt32());
        Assert.Equal(4, result.GetProperty("fees").GetInt32());

        var list = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/workers?siteId={site.Id}&flag=feesFinancedByLoan"));
        Assert.Equal(2, list.GetProperty("totalCount").GetInt32());
        Assert.Equal(site.SupplierId, await factory.ScalarAsync<Guid>("select distinct supplier_id from fees where site_id = @s", ("s", site.Id)));
    }

    [Fact]
    public async Task FileWithBadRows_ReturnsEveryBadRowWithColumn_AndWritesNothing()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var csv = new StringBuilder(Header).Append('\n');
        for (var i = 0; i < 5; i++)
        {
            csv.Append(Row(site.Id, $"OK-{i}")).Append('\n');
        }

        csv.Append(Row(site.Id, "BAD-1", fee1Amount: "12.345")).Append('\n');
        csv.Append(Row(Guid.NewGuid(), "BAD-2").Replace(",male,", ",man,", StringComparison.Ordinal)).Append('\n');
        csv.Append(Row(site.Id, "OK-0")).Append('\n');
        var workers = await factory.CountRowsAsync("workers");
        var fees = await factory.CountRowsAsync("fees");

        var response = await tenant.Owner.PostAsync("/api/v1/imports/workers", Csv(csv.ToString()));
        var errors = (await Http.JsonAsync(response, 400)).GetProperty("errors").EnumerateArray()
            .Select(e => (e.GetProperty("row").GetInt32(), e.GetProperty("column").GetString())).ToList();
        Assert.Contains((7, "fee1_amount"), errors);
        Assert.Contains((8, "site_id"), errors);
        Assert.Contains((8, "gender"), errors);
        Assert.Contains((9, "employee_ref"), errors);
        Assert.Equal(4, errors.Count);
        Assert.Equal(workers, await factory.CountRowsAsync("workers"));
        Assert.Equal(fees, await factory.CountRowsAsync("fees"));
    }

    [Theory]
    [InlineData("site_id,employee_ref\n", "nationality")]
    [InlineData("site_id,employee_ref,nationality,gender,birth_year,preferred_language,channel,sub_agent_used,recruited_in_country,hired_on,shoe_size\n", "shoe_size")]
    public async Task BadHeader_IsReportedOnRow1(string csv, string column)
    {
        var tenant = await factory.CreateTenantAsync();
        var response = await tenant.Owner.PostAsync("/api/v1/imports/workers", Csv(csv));
        var errors = (await Http.JsonAsync(response, 400)).GetProperty("errors").EnumerateArray();
        Assert.Contains(errors, e => e.GetProperty("row").GetInt32() == 1 && e.GetProperty("column").GetString() == column);
    }

    [Fact]
    public async Task LargeFile_AboveTheDefaultBodyLimit_IsAccepted_AndRolesApply()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var csv = new StringBuilder(Header).Append('\n');
        var rows = 0;
        while (csv.Length < 1_200_000)
        {
            csv.Append(Row(site.Id, $"BIG-{rows++}")).Append('\n');
        }

        var result = await Http.JsonAsync(await tenant.Owner.PostAsync("/api/v1/imports/workers", Csv(csv.ToString())), 201);
        Assert.Equal(rows, result.GetProperty("workers").GetInt32());

        await Http.AssertProblemAsync(await (await tenant.ClientAsync("auditor")).PostAsync("/api/v1/imports/workers", Csv(Header)), 403);
        await Http.AssertProblemAsync(await (await tenant.ClientAsync("case-handler")).PostAsync("/api/v1/imports/workers", Csv(Header)), 403);
        var otherSupplier = await tenant.ClientAsync("supplier", await tenant.CreateSupplierAsync());
        var response = await otherSupplier.PostAsync("/api/v1/imports/workers", Csv(Header + "\n" + Row(site.Id, "X-1")));
        var errors = (await Http.JsonAsync(response, 400)).GetProperty("errors").EnumerateArray().ToList();
        Assert.Contains(errors, e => e.GetProperty("row").GetInt32() == 2 && e.GetProperty("column").GetString() == "site_id");
    }
}

/// <summary>Real billing whose standard plan allows one active worker.</summary>
public sealed class FullPlanFactory : BillingApiFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
        [.. base.Settings(), new("Billing:Plans:standard:MaxActiveWorkers", "1")];
}

public class PlanLimitTests(FullPlanFactory factory) : IClassFixture<FullPlanFactory>
{
    [Fact]
    public async Task OverThePlan_WorkerCreationAndWholeImport_Are402_AndWriteNothing()
    {
        // A real tenant on a real plan: subscribed to standard through the Stripe webhook, its one worker recorded.
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        await factory.SubscribeAsync(tenant, "active");
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsync("/api/v1/workers", RecruitmentData.Json(RecruitmentData.WorkerBody(site.Id))), 201);
        var before = await factory.AllRowCountsAsync();

        await Http.AssertProblemAsync(await tenant.Owner.PostAsync("/api/v1/workers", RecruitmentData.Json(RecruitmentData.WorkerBody(site.Id))), 402);
        var response = await tenant.Owner.PostAsync("/api/v1/imports/workers", new StringContent(ImportTests.Header + "\n" + ImportTests.Row(site.Id, "P-1"), Encoding.UTF8, "text/csv"));
        var problem = await Http.JsonAsync(response, 402);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("standard", problem.GetProperty("plan").GetString());
        Assert.Equal("active workers", problem.GetProperty("resource").GetString());
        Assert.Equal(before, await factory.AllRowCountsAsync());
    }
}
