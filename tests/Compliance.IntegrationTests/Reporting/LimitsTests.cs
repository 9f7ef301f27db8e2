using System.Text.Json;
using Compliance.Api.Features.Reporting;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.OData.Edm;
using Microsoft.OData.ModelBuilder;
using Microsoft.OData.UriParser;

namespace Compliance.IntegrationTests.Reporting;

/// <summary>Each reporting limit refuses a query over it with a 400 problem naming the limit; paging is server-driven.</summary>
public class LimitsTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task TopOverMaximum_Is400NamingMaxTop()
    {
        var auditor = await AuditorAsync();

        await AssertRefusedAsync(await auditor.GetAsync("/odata/Sites?$top=1001"), ReportingLimits.Names.MaxTop);
        await Http.EnsureStatusAsync(await auditor.GetAsync("/odata/Sites?$top=1000"), 200);
    }

    [Fact]
    public async Task FilterOverNodeCount_Is400NamingMaxNodeCount()
    {
        var auditor = await AuditorAsync();
        var filter = string.Join(" or ", Enumerable.Range(0, 60).Select(i => $"Name eq 'site {i}'"));

        await AssertRefusedAsync(await auditor.GetAsync($"/odata/Sites?$filter={Uri.EscapeDataString(filter)}"), ReportingLimits.Names.MaxNodeCount);
    }

    [Fact]
    public async Task TooManyOrderByClauses_Is400NamingMaxOrderByNodeCount()
    {
        var auditor = await AuditorAsync();

        await AssertRefusedAsync(
            await auditor.GetAsync("/odata/Sites?$orderby=Name,Sector,CountryCode,SupplierId,CreatedAt,UpdatedAt"),
            ReportingLimits.Names.MaxOrderByNodeCount);
    }

    [Fact]
    public async Task QueryOptionOutsideTheAllowedList_Is400NamingAllowedQueryOptions()
    {
        var auditor = await AuditorAsync();

        await AssertRefusedAsync(await auditor.GetAsync("/odata/Sites?$format=json"), ReportingLimits.Names.AllowedQueryOptions);
    }

    [Theory]
    [InlineData("$filter=Evidence eq '[]'", "Evidence")]
    [InlineData("$filter=contains(Sources,'audit')", "Sources")]
    [InlineData("$orderby=Discrepancies", "Discrepancies")]
    [InlineData("$apply=groupby((Evidence))", "Evidence")]
    [InlineData("$apply=filter(Score gt 0)/groupby((Level),aggregate($count as n))/filter(n gt 0)&$filter=Level eq 'low'", null)]
    [InlineData("$apply=filter(contains(Discrepancies,'x'))", "Discrepancies")]
    public async Task StoredJsonDocuments_CannotBeFilteredSortedOrGrouped_400NamingTheProperty(string query, string? property)
    {
        // An assessment's evidence, discrepancies and sources are stored json text: PostgreSQL has no equality or
        // ordering on json, so these would otherwise fail in the database as a 500.
        var auditor = await AuditorAsync();

        var response = await auditor.GetAsync($"/odata/RiskAssessments?{query.Replace(" ", "%20", StringComparison.Ordinal)}");

        if (property is null)
        {
            await Http.EnsureStatusAsync(response, 200);
            return;
        }

        await Http.AssertProblemAsync(response, 400);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains($"'{property}'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void ExpandOffTheAllowList_Is400NamingIt()
    {
        var (model, set) = SyntheticModel(allowed: ["Site"]);

        var refused = Assert.Throws<ReportingLimitException>(() => ExpandAllowList.Check(Parse(model, "Workers", "Supplier"), set));

        Assert.Equal(ReportingLimits.Names.ExpandAllowList, refused.Limit);
        ExpandAllowList.Check(Parse(model, "Workers", "Site"), set);
    }

    [Fact]
    public void ExpandDeeperThanTwo_Is400NamingMaxExpansionDepth()
    {
        var (model, set) = SyntheticModel(allowed: ["Site/Supplier"]);

        var refused = Assert.Throws<ReportingLimitException>(
            () => ExpandAllowList.Check(Parse(model, "Workers", "Site($expand=Supplier($expand=Sites))"), set));

        Assert.Equal(ReportingLimits.Names.MaxExpansionDepth, refused.Limit);
        ExpandAllowList.Check(Parse(model, "Workers", "Site($expand=Supplier)"), set);
    }

    [Fact]
    public void RegisteringAnExpandPathDeeperThanTwo_FailsAtStartup() =>
        Assert.Throws<InvalidOperationException>(() => new ReportingModelBuilder().Set<TestWorker>("Workers", expand: ["Site/Supplier/Sites"]));

    [Fact]
    public async Task LongResults_ArePagedBy100_WithNextLink_AndTopIsHonouredAcrossPages()
    {
        var tenant = await factory.CreateTenantAsync();
        var supplier = await tenant.CreateSupplierAsync();
        await ReportingData.InsertSitesAsync(factory, tenant.TenantId, supplier, 250);
        var auditor = factory.Client(await tenant.KeyAsync("auditor"));

        var first = await Http.JsonAsync(await auditor.GetAsync("/odata/Sites?$count=true"));
        var all = await auditor.GetAllAsync("/odata/Sites?$count=true");
        var topped = await auditor.GetAllAsync("/odata/Sites?$top=150");

        Assert.Equal(ReportingLimits.PageSize, first.GetProperty("value").GetArrayLength());
        Assert.StartsWith("http://localhost/odata/Sites?", first.GetProperty("@odata.nextLink").GetString(), StringComparison.Ordinal);
        Assert.Equal(250, all.Rows.Count);
        Assert.Equal(250, all.Count);
        Assert.Equal(3, all.Pages);
        Assert.Equal(250, all.Keys().Count);
        Assert.Equal(150, topped.Rows.Count);
        Assert.Equal(2, topped.Pages);
    }

    private async Task<HttpClient> AuditorAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.CreateSiteAsync();
        return factory.Client(await tenant.KeyAsync("auditor"));
    }

    internal static async Task AssertRefusedAsync(HttpResponseMessage response, string limit)
    {
        await Http.AssertProblemAsync(response, 400);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.DoesNotContain("StackTrace", body.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(limit, body.GetProperty("limit").GetString());
    }

    private static (IEdmModel Model, ReportingSet Set) SyntheticModel(string[] allowed)
    {
        var builder = new ODataConventionModelBuilder();
        builder.EntitySet<TestWorker>("Workers");
        builder.EntitySet<TestSite>("Sites");
        builder.EntitySet<TestSupplier>("Suppliers");
        return (builder.GetEdmModel(), new ReportingSet("Workers", typeof(TestWorker), allowed));
    }

    private static SelectExpandClause Parse(IEdmModel model, string set, string expand) =>
        new ODataUriParser(model, new Uri($"{set}?$expand={expand}", UriKind.Relative)).ParseSelectAndExpand();

    public sealed class TestWorker
    {
        public Guid Id { get; set; }

        public TestSite? Site { get; set; }

        public TestSupplier? Supplier { get; set; }
    }

    public sealed class TestSite
    {
        public Guid Id { get; set; }

        public TestSupplier? Supplier { get; set; }
    }

    public sealed class TestSupplier
    {
        public Guid Id { get; set; }

        public List<TestSite> Sites { get; set; } = [];
    }
}

/// <summary>
/// Server-driven paging through <c>$skiptoken</c> (next links made by <see cref="ReportingSkipTokenHandler"/>): every
/// row arrives exactly once, in the order PostgreSQL gives for the same <c>$orderby</c>, across ties, descending keys,
/// text with spaces, timestamps, a filter, a <c>$top</c> and a <c>$select</c> wrapper.
/// </summary>
public class SkipTokenPagingTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Theory]
    [InlineData("$orderby=WorkerHousing desc,Name", "worker_housing desc, name, id", null, 250)]
    [InlineData("$orderby=CreatedAt", "created_at, id", null, 250)]
    [InlineData("$orderby=Name desc", "name desc, id", null, 250)]
    [InlineData("$filter=WorkerHousing eq true&$orderby=Name desc&$top=120", "name desc, id", "worker_housing", 120)]
    [InlineData("$select=Id,Name&$orderby=Name", "name, id", null, 250)]
    public async Task NextLinks_WalkEveryRowOnce_InTheDatabaseOrder(string query, string sqlOrder, string? sqlFilter, int expected)
    {
        var tenant = await factory.CreateTenantAsync();
        var supplier = await tenant.CreateSupplierAsync();
        await ReportingData.InsertSitesAsync(factory, tenant.TenantId, supplier, 250);
        var auditor = factory.Client(await tenant.KeyAsync("auditor"));

        var first = await Http.JsonAsync(await auditor.GetAsync("/odata/Sites?" + query));
        var all = await auditor.GetAllAsync("/odata/Sites?" + query);
        var order = await factory.ScalarAsync<Guid[]>(
            $"select array_agg(id order by {sqlOrder}) from (select * from sites where tenant_id = @t {(sqlFilter is null ? string.Empty : "and " + sqlFilter)} order by {sqlOrder} limit @n) s",
            ("t", tenant.TenantId), ("n", expected));

        var next = first.GetProperty("@odata.nextLink").GetString()!;
        Assert.Contains("$skiptoken=", next, StringComparison.Ordinal);
        Assert.DoesNotContain("$skip=", next, StringComparison.Ordinal);
        Assert.Equal(expected, all.Rows.Count);
        Assert.Equal(order, all.Rows.Select(r => r.GetProperty("Id").GetGuid()).ToArray());
    }

    /// <summary>The "Done when" walk: an auditor pages through worker-paid fees by next link, every fee once, in key order.</summary>
    [Fact]
    public async Task Fees_PageByNextLink_EveryFeeOnce()
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.SeedReportingAsync();
        await factory.ScalarAsync<long>(
            """
            with w as (select tenant_id, supplier_id, site_id, id from workers where tenant_id = @t limit 1),
            inserted as (
              insert into fees (id, tenant_id, supplier_id, site_id, worker_id, category, amount, currency, paid_by, paid_to, paid_on, paid_in_country, financed_by_loan, recorded_at)
              select gen_random_uuid(), w.tenant_id, w.supplier_id, w.site_id, w.id, 'recruitment', 10 + i, 'MYR', 'worker', 'agency', date '2026-01-01' + i, 'NP', i % 2 = 0, now()
              from w, generate_series(1, 230) i
              returning 1)
            select count(*) from inserted
            """,
            ("t", tenant.TenantId));
        var auditor = factory.Client(await tenant.KeyAsync("auditor"));

        var all = await auditor.GetAllAsync("/odata/Fees?$filter=PaidBy eq 'worker'&$count=true");
        var expected = await factory.ScalarAsync<Guid[]>(
            "select array_agg(id order by id) from fees where tenant_id = @t and paid_by = 'worker'", ("t", tenant.TenantId));

        Assert.True(all.Pages >= 3, $"{all.Pages} pages");
        Assert.Equal(expected.Length, all.Count);
        Assert.Equal(expected, all.Rows.Select(r => r.GetProperty("Id").GetGuid()).ToArray());
    }

    /// <summary>
    /// A counted page is read in one statement (rows and count side by side); the count is still every filtered
    /// row whatever the page, $skip or $top, including an empty page that has no row to carry it.
    /// </summary>
    [Theory]
    [InlineData("$count=true", "id", null, 0, 250, 250)]
    [InlineData("$count=true&$orderby=Name desc", "name desc, id", null, 0, 250, 250)]
    [InlineData("$count=true&$filter=WorkerHousing eq true&$orderby=CreatedAt desc&$top=110", "created_at desc, id", "worker_housing", 0, 110, 125)]
    [InlineData("$count=true&$skip=240", "id", null, 240, 10, 250)]
    [InlineData("$count=true&$skip=300", "id", null, 300, 0, 250)]
    [InlineData("$count=true&$top=0", "id", null, 0, 0, 250)]
    public async Task CountedPages_CountEveryFilteredRow_AndWalkTheDatabaseOrder(
        string query, string sqlOrder, string? sqlFilter, int skip, int take, int count)
    {
        var tenant = await factory.CreateTenantAsync();
        var supplier = await tenant.CreateSupplierAsync();
        await ReportingData.InsertSitesAsync(factory, tenant.TenantId, supplier, 250);
        var auditor = factory.Client(await tenant.KeyAsync("auditor"));

        var pages = new List<long>();
        var rows = new List<Guid>();
        for (string? next = "/odata/Sites?" + query; next is not null;)
        {
            var page = await Http.JsonAsync(await auditor.GetAsync(next));
            pages.Add(page.GetProperty("@odata.count").GetInt64());
            rows.AddRange(page.GetProperty("value").EnumerateArray().Select(r => r.GetProperty("Id").GetGuid()));
            next = page.TryGetProperty("@odata.nextLink", out var link) ? link.GetString() : null;
        }

        var order = await factory.ScalarAsync<Guid[]>(
            $"select coalesce(array_agg(id order by {sqlOrder}), '{{}}') from (select * from sites where tenant_id = @t {(sqlFilter is null ? string.Empty : "and " + sqlFilter)} order by {sqlOrder} offset @skip limit @take) s",
            ("t", tenant.TenantId), ("skip", skip), ("take", take));

        Assert.All(pages, c => Assert.Equal(count, c));
        Assert.Equal(take, rows.Count);
        Assert.Equal(order, rows.ToArray());
    }
}
