using Compliance.Api.Infrastructure.Database;
using Hangfire.PostgreSql;
using Npgsql;

namespace Compliance.IntegrationTests.Infrastructure;

/// <summary>
/// One PostgreSQL per test run: the configured server when <c>ConnectionStrings__Compliance</c> is set, otherwise a
/// throwaway cluster from the local binaries, removed at exit. A template database is migrated once; each test
/// class gets a fresh copy of it (CREATE DATABASE ... TEMPLATE is far faster than migrating).
/// </summary>
public static class TestDatabase
{
    public const string RuntimePassword = "test-runtime-password";
    private const string Template = "compliance_test_template";
    private static readonly Lazy<Task<string>> Server = new(StartAsync);
    private static int _counter;

    // A configured server outlives runs, so a database name must not repeat one a crashed earlier run left behind.
    private static readonly string RunId = Guid.NewGuid().ToString("N")[..8];

    public static readonly DatabaseOptions Options = new() { RuntimePassword = RuntimePassword };

    /// <summary>Creates a fresh, migrated database and returns its owner connection string.</summary>
    public static async Task<string> CreateAsync()
    {
        var admin = await Server.Value;
        var name = $"test_{RunId}_{Interlocked.Increment(ref _counter)}";
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"create database \"{name}\" template \"{Template}\"", connection);
        await cmd.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    /// <summary>Creates an empty database (no migration applied) and returns its owner connection string.</summary>
    public static async Task<string> CreateEmptyAsync()
    {
        var admin = await Server.Value;
        var name = $"test_{RunId}_{Interlocked.Increment(ref _counter)}_empty";
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"create database \"{name}\" template template0", connection);
        await cmd.ExecuteNonQueryAsync();
        return new NpgsqlConnectionStringBuilder(admin) { Database = name }.ConnectionString;
    }

    public static async Task DropAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        // Only this database's pools: other test classes run in parallel on the same cluster.
        NpgsqlConnection.ClearPool(new NpgsqlConnection(connectionString));
        NpgsqlConnection.ClearPool(new NpgsqlConnection(RuntimeConnectionString(connectionString)));
        await using var connection = new NpgsqlConnection(await Server.Value);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand($"drop database if exists \"{name}\" with (force)", connection);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The runtime role's connection to the same database: what requests run as.</summary>
    public static string RuntimeConnectionString(string ownerConnectionString) =>
        new NpgsqlConnectionStringBuilder(ownerConnectionString) { Username = Options.RuntimeRole, Password = RuntimePassword }.ConnectionString;

    /// <summary>
    /// Test-only: every insert, update or delete statement on a product table appends the table's name to
    /// <c>test_write_log</c>, in the writer's transaction, so a rolled-back request leaves no trace and a committed one
    /// does. <see cref="NothingWrittenOn400"/> reads it around every request that answers 400. Idempotent, because a
    /// configured server keeps its template between runs (a second <c>dotnet test</c> against it must work too).
    /// </summary>
    private const string WriteLogSql =
        """
        create table if not exists public.test_write_log (id bigserial primary key, tbl text not null);
        create or replace function public.test_log_write() returns trigger language plpgsql security definer set search_path = public as $$
        begin
          insert into public.test_write_log (tbl) values (tg_table_name);
          return null;
        end $$;
        do $$
        declare t record;
        begin
          for t in select table_name from information_schema.tables
                   where table_schema = 'public' and table_type = 'BASE TABLE' and table_name <> 'test_write_log' loop
            execute format('create or replace trigger test_write_log after insert or update or delete on public.%I for each statement execute function public.test_log_write()', t.table_name);
          end loop;
        end $$;
        """;

    private static async Task<string> StartAsync()
    {
        var admin = Environment.GetEnvironmentVariable("ConnectionStrings__Compliance");
        if (string.IsNullOrWhiteSpace(admin))
        {
            // Under root the cluster runs as 'postgres', so the folder sits in /tmp rather than under /root.
            EmbeddedPostgres.SweepAbandoned(Path.GetTempPath(), "compliance-tests-");
            var root = Path.Combine(Path.GetTempPath(), $"compliance-tests-{Environment.ProcessId}-{Guid.NewGuid():N}");
            var cluster = await EmbeddedPostgres.StartAsync(root, throwaway: true);
            AppDomain.CurrentDomain.ProcessExit += (_, _) => cluster.Stop();
            admin = cluster.ConnectionString();
        }

        await DatabaseBootstrap.EnsureDatabaseAsync(admin, Template, CancellationToken.None);
        var template = new NpgsqlConnectionStringBuilder(admin) { Database = Template }.ConnectionString;
        await Migrator.MigrateAsync(template, Options);
        await using (var connection = new NpgsqlConnection(template))
        {
            await connection.OpenAsync();
            PostgreSqlObjectsInstaller.Install(connection, "hangfire");
            await using var writeLog = new NpgsqlCommand(WriteLogSql, connection);
            await writeLog.ExecuteNonQueryAsync();
        }

        NpgsqlConnection.ClearAllPools();
        return admin;
    }
}
