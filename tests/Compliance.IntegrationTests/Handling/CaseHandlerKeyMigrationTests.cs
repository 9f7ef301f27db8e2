using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.IntegrationTests.Infrastructure;
using Npgsql;

namespace Compliance.IntegrationTests.Handling;

/// <summary>
/// Migration 020 on the data it finds: a database at migration 019 whose owner had minted case-handler keys is
/// migrated, and those keys now belong to an internal office named after the tenant, flagged as migrated, with an
/// accepted link (so they keep working), and the roster says so. Other tenants and other keys are untouched.
/// </summary>
public class CaseHandlerKeyMigrationTests
{
    [Fact]
    public async Task OwnerMintedHandlerKeys_MoveToAMigratedInternalOffice_AndKeepWorking()
    {
        var db = await TestDatabase.CreateEmptyAsync();
        try
        {
            await Migrator.MigrateAsync(db, TestDatabase.Options, through: "019");
            var withHandlers = Guid.NewGuid();
            var without = Guid.NewGuid();
            var handlerKey = ApiKeySecrets.Generate();
            var ownerKey = ApiKeySecrets.Generate();
            await using (var connection = new NpgsqlConnection(db))
            {
                await connection.OpenAsync();
                await using var seed = new NpgsqlCommand(
                    """
                    insert into tenants (id, name, contact_email, created_at) values (@a, 'Acme Gloves', 'a@example.com', now()), (@b, 'Other Co', 'b@example.com', now());
                    insert into api_keys (id, tenant_id, name, role, prefix, key_hash, created_at) values
                      (gen_random_uuid(), @a, 'old handler', 'case-handler', 'x', @h, now()),
                      (gen_random_uuid(), @a, 'old handler 2', 'case-handler', 'y', @h2, now()),
                      (gen_random_uuid(), @a, 'owner', 'owner', 'z', @o, now()),
                      (gen_random_uuid(), @b, 'owner', 'owner', 'w', @o2, now());
                    """,
                    connection);
                seed.Parameters.AddWithValue("a", withHandlers);
                seed.Parameters.AddWithValue("b", without);
                seed.Parameters.AddWithValue("h", handlerKey.Hash);
                seed.Parameters.AddWithValue("h2", ApiKeySecrets.Generate().Hash);
                seed.Parameters.AddWithValue("o", ownerKey.Hash);
                seed.Parameters.AddWithValue("o2", ApiKeySecrets.Generate().Hash);
                await seed.ExecuteNonQueryAsync();
            }

            await Migrator.MigrateAsync(db, TestDatabase.Options, CancellationToken.None);

            await using var check = new NpgsqlConnection(db);
            await check.OpenAsync();
            Assert.Equal(
                ("Acme Gloves grievance team", "internal", true, withHandlers),
                await OneAsync(check, "select name, kind, migrated, internal_tenant_id from handling_offices", r => (r.GetString(0), r.GetString(1), r.GetBoolean(2), r.GetGuid(3))));
            Assert.Equal(1L, await OneAsync(check, "select count(*) from handling_links where tenant_id = @p and accepted_at is not null and ended_at is null", r => r.GetInt64(0), withHandlers));
            Assert.Equal(0L, await OneAsync(check, "select count(*) from handling_links where tenant_id = @p", r => r.GetInt64(0), without));
            Assert.Equal(2L, await OneAsync(check, "select count(*) from api_keys where office_id is not null and role = 'case-handler'", r => r.GetInt64(0)));
            Assert.Equal(0L, await OneAsync(check, "select count(*) from api_keys where office_id is not null and role <> 'case-handler'", r => r.GetInt64(0)));
            Assert.Equal("office-migrated", await OneAsync(check, "select change from testimony_access_roster where tenant_id = @p", r => r.GetString(0), withHandlers));

            // The migrated key still authenticates (its office's link is live), for its tenant, carrying its office.
            var (tenant, revoked, office) = await OneAsync(check, "select tenant_id, revoked_at is not null, office_id from app.authenticate_api_key(@p)", r => (r.GetGuid(0), r.GetBoolean(1), r.IsDBNull(2) ? (Guid?)null : r.GetGuid(2)), handlerKey.Hash);
            Assert.Equal(withHandlers, tenant);
            Assert.False(revoked);
            Assert.NotNull(office);
            Assert.Null(await OneAsync(check, "select office_id from app.authenticate_api_key(@p)", r => r.IsDBNull(0) ? (Guid?)null : r.GetGuid(0), ownerKey.Hash));
        }
        finally
        {
            await TestDatabase.DropAsync(db);
        }
    }

    private static async Task<T> OneAsync<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> read, object? parameter = null)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        if (parameter is not null)
        {
            cmd.Parameters.AddWithValue("p", parameter);
        }

        await using var reader = await cmd.ExecuteReaderAsync();
        Assert.True(await reader.ReadAsync(), sql);
        var value = read(reader);
        Assert.False(await reader.ReadAsync(), "more than one row: " + sql);
        return value;
    }
}
