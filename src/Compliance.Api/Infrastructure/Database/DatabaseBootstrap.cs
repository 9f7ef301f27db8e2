using System.Security.Cryptography;
using Npgsql;

namespace Compliance.Api.Infrastructure.Database;

/// <summary>
/// Resolves the owner and runtime connections at startup: the configured server when
/// <c>ConnectionStrings:Compliance</c> is set, otherwise a private cluster in a persistent per-user folder.
/// Then migrates and (re)creates the runtime role.
/// </summary>
public static class DatabaseBootstrap
{
    public const string ConnectionStringName = "Compliance";

    public static async Task<DatabaseConnections> PrepareAsync(IConfiguration configuration, DatabaseOptions options, CancellationToken ct = default)
    {
        var owner = configuration.GetConnectionString(ConnectionStringName);
        EmbeddedPostgres? embedded = null;
        if (string.IsNullOrWhiteSpace(owner))
        {
            var root = options.EmbeddedDataDirectory ?? EmbeddedPostgres.DefaultAppRoot();
            embedded = await EmbeddedPostgres.StartAsync(root, throwaway: false, ct: ct);
            await EnsureDatabaseAsync(embedded.ConnectionString(), "compliance", ct);
            owner = embedded.ConnectionString("compliance");
            options.RuntimePassword ??= await ReadOrCreateSecretAsync(Path.Combine(root, "runtime.pw"), ct);
        }
        else if (string.IsNullOrWhiteSpace(options.RuntimePassword))
        {
            throw new InvalidOperationException(
                "Database:RuntimePassword must be set when ConnectionStrings:Compliance is configured (the app creates the runtime role with it).");
        }

        await Migrator.MigrateAsync(owner, options, ct);
        var runtime = new NpgsqlConnectionStringBuilder(owner)
        {
            Username = options.RuntimeRole,
            Password = options.RuntimePassword,
            CommandTimeout = options.StatementTimeoutSeconds + 5,
            Options = $"-c statement_timeout={options.StatementTimeoutSeconds * 1000}",
            MaxAutoPrepare = 64,
        };
        return new DatabaseConnections(owner, runtime.ConnectionString, embedded);
    }

    /// <summary>Creates <paramref name="database"/> on the server if it does not exist.</summary>
    public static async Task EnsureDatabaseAsync(string adminConnectionString, string database, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(adminConnectionString);
        await connection.OpenAsync(ct);
        await using var exists = new NpgsqlCommand("select 1 from pg_database where datname = @d", connection);
        exists.Parameters.AddWithValue("d", database);
        if (await exists.ExecuteScalarAsync(ct) is null)
        {
            await using var create = new NpgsqlCommand($"create database \"{database}\"", connection);
            await create.ExecuteNonQueryAsync(ct);
        }
    }

    /// <summary>Reads a secret kept beside the embedded cluster, creating it on first use (mode 0600).</summary>
    public static async Task<string> ReadOrCreateSecretAsync(string path, CancellationToken ct)
    {
        if (!File.Exists(path))
        {
            await File.WriteAllTextAsync(path, Convert.ToHexString(RandomNumberGenerator.GetBytes(24)), ct);
            EmbeddedPostgres.Restrict(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return (await File.ReadAllTextAsync(path, ct)).Trim();
    }
}
