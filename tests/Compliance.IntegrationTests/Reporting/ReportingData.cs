using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Reporting;

/// <summary>Bulk rows for paging and timeout tests, written as the owner in one set-based statement.</summary>
public static class ReportingData
{
    public static Task InsertSitesAsync(ComplianceApiFactory factory, Guid tenantId, Guid supplierId, int count) =>
        factory.ScalarAsync<long>(
            """
            with inserted as (
              insert into sites (id, tenant_id, supplier_id, name, country_code, sector, worker_housing, intake_code, created_at, updated_at)
              select gen_random_uuid(), @t, @s, 'bulk ' || i || ' ' || @s, 'MY', 'garment', i % 2 = 0,
                     'B' || replace(gen_random_uuid()::text, '-', ''), '2026-01-01', '2026-01-01'
              from generate_series(1, @n) i
              returning 1)
            select count(*) from inserted
            """,
            ("t", tenantId), ("s", supplierId), ("n", count));
}
