using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Reporting;

/// <summary>
/// <c>Edm.Date</c> comparisons in <c>$filter</c> are bound as plain date comparisons (<c>ReportingFilterBinder</c>)
/// instead of the library's year/month/day arithmetic: every operator, on a required and on a nullable date
/// (rows without one never match a comparison), must select exactly the rows PostgreSQL selects.
/// </summary>
public class DateFilterTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Theory]
    [InlineData("DueOn lt 2026-01-20", "due_on < date '2026-01-20'")]
    [InlineData("DueOn le 2026-01-20", "due_on <= date '2026-01-20'")]
    [InlineData("DueOn gt 2026-01-20", "due_on > date '2026-01-20'")]
    [InlineData("DueOn ge 2026-01-20", "due_on >= date '2026-01-20'")]
    [InlineData("DueOn eq 2026-01-20", "due_on = date '2026-01-20'")]
    [InlineData("DueOn ne 2026-01-20", "due_on <> date '2026-01-20'")]
    [InlineData("2026-01-20 gt DueOn and Status eq 'open'", "due_on < date '2026-01-20' and status = 'open'")]
    [InlineData("ClosedOn lt 2026-02-01", "closed_on < date '2026-02-01'")]
    [InlineData("ClosedOn ge 2026-02-01", "closed_on >= date '2026-02-01'")]
    [InlineData("ClosedOn ne 2026-01-09", "(closed_on <> date '2026-01-09' or closed_on is null)")] // OData: null ne a date is true
    [InlineData("ClosedOn eq null", "closed_on is null")]
    [InlineData("ClosedOn gt DueOn", "closed_on > due_on")]
    public async Task DateComparisons_SelectTheRowsPostgreSqlSelects(string filter, string sql)
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.SeedReportingAsync();
        await factory.ScalarAsync<long>(
            """
            with f as (select id, site_id, supplier_id from audit_findings where tenant_id = @t limit 1),
            inserted as (
              insert into corrective_actions (id, tenant_id, finding_id, site_id, supplier_id, description, due_on, status, closed_on, created_at, updated_at)
              select gen_random_uuid(), @t, f.id, f.site_id, f.supplier_id, 'action ' || i, date '2026-01-01' + i,
                     case when i % 3 = 0 then 'done' else 'open' end, case when i % 3 = 0 then date '2026-01-04' + i end, now(), now()
              from f, generate_series(0, 59) i
              returning 1)
            select count(*) from inserted
            """,
            ("t", tenant.TenantId));
        var auditor = factory.Client(await tenant.KeyAsync("auditor"));

        var feed = await auditor.GetAllAsync($"/odata/CorrectiveActions?$filter={filter}&$count=true");
        var expected = await factory.ScalarAsync<Guid[]>(
            $"select coalesce(array_agg(id order by id), '{{}}') from corrective_actions where tenant_id = @t and {sql}", ("t", tenant.TenantId));

        Assert.NotEmpty(expected);
        Assert.Equal(expected.Length, feed.Count);
        Assert.Equal(expected, feed.Rows.Select(r => r.GetProperty("Id").GetGuid()).ToArray());
    }
}
