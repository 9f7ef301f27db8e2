using Compliance.IntegrationTests.Infrastructure;
using Npgsql;

namespace Compliance.IntegrationTests.Foundation;

/// <summary>Wall 2, seen from the runtime role the app connects as.</summary>
public class RowLevelSecurityTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private async Task<long> CountAsRuntimeAsync(string table, Guid? tenant)
    {
        await using var connection = new NpgsqlConnection(factory.RuntimeConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        if (tenant is Guid t)
        {
            await using var set = new NpgsqlCommand("select set_config('app.tenant_id', @t, true)", connection, tx);
            set.Parameters.AddWithValue("t", t.ToString());
            await set.ExecuteNonQueryAsync();
        }

        await using var cmd = new NpgsqlCommand($"select count(*) from {table}", connection, tx);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    [Theory]
    [InlineData("tenants")]
    [InlineData("suppliers")]
    [InlineData("sites")]
    [InlineData("api_keys")]
    public async Task RuntimeRole_WithNoTenantSet_SeesZeroRows(string table)
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.CreateSiteAsync();
        Assert.True(await factory.CountRowsAsync(table) > 0);

        Assert.Equal(0, await CountAsRuntimeAsync(table, tenant: null));
    }

    [Fact]
    public async Task RuntimeRole_WithTenantSet_SeesOnlyThatTenantsRows()
    {
        var a = await factory.CreateTenantAsync();
        var b = await factory.CreateTenantAsync();
        await a.CreateSiteAsync();
        await a.CreateSiteAsync();
        await b.CreateSiteAsync();

        Assert.Equal(2, await CountAsRuntimeAsync("sites", a.TenantId));
        Assert.Equal(1, await CountAsRuntimeAsync("sites", b.TenantId));
        Assert.Equal(1, await CountAsRuntimeAsync("tenants", a.TenantId));
    }

    [Fact]
    public async Task RuntimeRole_CannotWriteARowForAnotherTenant()
    {
        var a = await factory.CreateTenantAsync();
        var b = await factory.CreateTenantAsync();
        await using var connection = new NpgsqlConnection(factory.RuntimeConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var set = new NpgsqlCommand("select set_config('app.tenant_id', @t, true)", connection, tx))
        {
            set.Parameters.AddWithValue("t", a.TenantId.ToString());
            await set.ExecuteNonQueryAsync();
        }

        await using var insert = new NpgsqlCommand(
            "insert into suppliers (id, tenant_id, name, country_code, created_at, updated_at) values (gen_random_uuid(), @b, 'x', 'MY', now(), now())", connection, tx);
        insert.Parameters.AddWithValue("b", b.TenantId);

        var error = await Assert.ThrowsAsync<PostgresException>(() => insert.ExecuteNonQueryAsync());
        Assert.Equal(PostgresErrorCodes.InsufficientPrivilege, error.SqlState); // "new row violates row-level security policy"
    }

    [Fact]
    public async Task EveryTableWithTenantId_HasRowLevelSecurityEnabledAndForced()
    {
        await using var connection = new NpgsqlConnection(factory.OwnerConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            """
            select c.relname, c.relrowsecurity, c.relforcerowsecurity
            from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = 'public' and c.relkind in ('r', 'p')
              and (exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id' and not a.attisdropped)
                   or c.relname = 'tenants')
            """, connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        var tables = new List<string>();
        while (await reader.ReadAsync())
        {
            tables.Add(reader.GetString(0));
            Assert.True(reader.GetBoolean(1), $"{reader.GetString(0)} has RLS disabled");
            Assert.True(reader.GetBoolean(2), $"{reader.GetString(0)} does not FORCE RLS");
        }

        Assert.Contains("sites", tables);
        Assert.Contains("api_keys", tables);
    }

    [Fact]
    public async Task RuntimeRole_IsNeitherOwnerNorSuperuserNorBypassRls()
    {
        await using var connection = new NpgsqlConnection(factory.RuntimeConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            """
            select r.rolsuper, r.rolbypassrls, r.rolcreaterole, r.rolcreatedb,
                   (select count(*) from pg_class c join pg_namespace n on n.oid = c.relnamespace
                     where n.nspname = 'public' and pg_get_userbyid(c.relowner) = current_user)
            from pg_roles r where r.rolname = current_user
            """, connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync());
        Assert.False(reader.GetBoolean(0), "superuser");
        Assert.False(reader.GetBoolean(1), "bypassrls");
        Assert.False(reader.GetBoolean(2), "createrole");
        Assert.False(reader.GetBoolean(3), "createdb");
        Assert.Equal(0, reader.GetInt64(4));
    }
}
