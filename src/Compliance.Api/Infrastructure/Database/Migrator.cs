using System.Reflection;
using Npgsql;

namespace Compliance.Api.Infrastructure.Database;

/// <summary>
/// Applies the embedded plain-SQL migrations (<c>Migrations/NNN_name.sql</c>) in order, each once, under a
/// PostgreSQL advisory lock so two replicas starting together do not race. Then (re)grants the runtime role.
/// </summary>
public static class Migrator
{
    private const long LockKey = 0x436f6d706c69; // "Complian"

    public static Task MigrateAsync(string ownerConnectionString, DatabaseOptions options, CancellationToken ct = default) =>
        MigrateAsync(ownerConnectionString, options, through: null, ct);

    /// <param name="through">Stop after this migration (its number, <c>"019"</c>); null applies all. A database can be
    /// brought to an old version to prove what a later migration does to the data it finds (tests of migration 020).</param>
    public static async Task MigrateAsync(string ownerConnectionString, DatabaseOptions options, string? through, CancellationToken ct = default)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await ExecuteAsync(connection, "select pg_advisory_lock(@k)", ct, ("k", LockKey));
        try
        {
            await ExecuteAsync(connection, "create table if not exists schema_migrations (id text primary key, applied_at timestamptz not null default now())", ct);
            var applied = new HashSet<string>();
            await using (var cmd = new NpgsqlCommand("select id from schema_migrations", connection))
            await using (var reader = await cmd.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct))
                {
                    applied.Add(reader.GetString(0));
                }
            }

            foreach (var (id, sql) in Scripts().Where(s => !applied.Contains(s.Id) && (through is null || string.CompareOrdinal(s.Id[..3], through) <= 0)))
            {
                await using var tx = await connection.BeginTransactionAsync(ct);
                await using (var cmd = new NpgsqlCommand(sql, connection, tx))
                {
                    await cmd.ExecuteNonQueryAsync(ct);
                }

                await using (var record = new NpgsqlCommand("insert into schema_migrations (id) values (@id)", connection, tx))
                {
                    record.Parameters.AddWithValue("id", id);
                    await record.ExecuteNonQueryAsync(ct);
                }

                await tx.CommitAsync(ct);
            }

        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await ExecuteAsync(connection, "select pg_advisory_unlock(@k)", ct, ("k", LockKey));
            }
        }

        await EnsureRuntimeRoleAsync(ownerConnectionString, options, ct);
    }

    /// <summary>The migration scripts, ordered by id (the file name without extension).</summary>
    public static IReadOnlyList<(string Id, string Sql)> Scripts()
    {
        var assembly = typeof(Migrator).Assembly;
        const string prefix = "Compliance.Api.Infrastructure.Database.Migrations.";
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Order(StringComparer.Ordinal)
            .Select(n => (n[prefix.Length..^4], Read(assembly, n)))
            .ToList();
    }

    private static string Read(Assembly assembly, string name)
    {
        using var stream = assembly.GetManifestResourceStream(name)!;
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }

    /// <summary>
    /// The runtime role owns nothing and cannot bypass row-level security; it gets DML on the public tables
    /// and EXECUTE on the narrow security-definer functions in schema <c>app</c>.
    /// </summary>
    private static async Task EnsureRuntimeRoleAsync(string ownerConnectionString, DatabaseOptions options, CancellationToken ct)
    {
        // Roles are cluster-wide while the advisory lock is per database, so apps migrating two databases of one
        // cluster at once can collide on the role's catalog row ("tuple concurrently updated"): retry, each time
        // on a fresh connection because the failed one is not reusable.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await using var connection = new NpgsqlConnection(ownerConnectionString);
                await connection.OpenAsync(ct);
                await GrantRuntimeRoleAsync(connection, options, ct);
                return;
            }
            catch (Exception ex) when (attempt < 8 && ex is PostgresException { SqlState: PostgresErrorCodes.InternalError or PostgresErrorCodes.UniqueViolation } or InvalidOperationException)
            {
                await Task.Delay(50 * attempt, ct);
            }
        }
    }

    private static async Task GrantRuntimeRoleAsync(NpgsqlConnection connection, DatabaseOptions options, CancellationToken ct)
    {
        var role = new NpgsqlCommandBuilder().QuoteIdentifier(options.RuntimeRole);
        var password = options.RuntimePassword ?? throw new InvalidOperationException("Database:RuntimePassword is not set.");
        await ExecuteAsync(connection, $"""
            do $$ begin
              if not exists (select from pg_roles where rolname = '{options.RuntimeRole.Replace("'", "''", StringComparison.Ordinal)}') then
                create role {role} login nosuperuser nocreatedb nocreaterole nobypassrls noinherit;
              end if;
            end $$;
            """, ct);
        // ALTER ROLE cannot take a bind parameter; the password is quoted as a literal.
        await ExecuteAsync(connection, $"alter role {role} login nosuperuser nobypassrls password '{password.Replace("'", "''", StringComparison.Ordinal)}'", ct);
        await ExecuteAsync(connection, $"""
            grant connect on database "{connection.Database}" to {role};
            grant usage on schema public, app to {role};
            grant select, insert, update, delete on all tables in schema public to {role};
            revoke all on schema_migrations from {role};
            grant usage, select on all sequences in schema public to {role};
            grant execute on all functions in schema app to {role};
            select app.after_grants('{options.RuntimeRole.Replace("'", "''", StringComparison.Ordinal)}');
            """, ct);
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        await cmd.ExecuteNonQueryAsync(ct);
    }
}
