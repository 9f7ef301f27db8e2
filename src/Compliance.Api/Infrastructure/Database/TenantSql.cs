using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Compliance.Api.Infrastructure.Database;

/// <summary>
/// The one way to run raw SQL under a tenant. On a connection of your own: open a transaction and call
/// <see cref="SetAsync"/> first. Inside the request's (or a job's) EF transaction, which
/// <see cref="TenantTransactionInterceptor"/> has already scoped with the same statement: <see cref="CommandAsync"/>
/// or <see cref="RowsAsync{T}"/>. The reporting path sends the same scope inside its first round trip
/// (<see cref="Prologue"/>, <see cref="BatchCommand"/>); nothing else writes <c>app.tenant_id</c>.
/// </summary>
public static class TenantSql
{
    private const string Sql = "select set_config('app.tenant_id', $1, true), set_config('app.supplier_id', $2, true), set_config('app.office_id', $3, true)";

    /// <param name="officeId">Set for an office's people and keys (migration 020): their office, besides the tenant they work on.</param>
    public static async Task SetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid tenantId, Guid? supplierId, CancellationToken ct, Guid? officeId = null)
    {
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { BatchCommand(tenantId, supplierId, officeId) } };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>An office acting on its own rows with no tenant (its members, its links, its roster).</summary>
    public static async Task SetOfficeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid officeId, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { Command(string.Empty, null, officeId) } };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The same scope as <c>SET LOCAL</c> statements to send in front of a transaction's first query
    /// (<see cref="TransactionPrologueInterceptor"/>). The ids are formatted by us (hex and dashes only), never
    /// taken from input as text.
    /// </summary>
    public static string Prologue(Guid tenantId, Guid? supplierId, Guid? officeId = null) =>
        $"set local app.tenant_id = '{tenantId:D}'; set local app.supplier_id = '{(supplierId is Guid s ? s.ToString("D") : string.Empty)}'; " +
        $"set local app.office_id = '{(officeId is Guid o ? o.ToString("D") : string.Empty)}'; ";

    /// <summary>The same statement as the first command of a batch, so scoping costs no round trip of its own.</summary>
    public static NpgsqlBatchCommand BatchCommand(Guid tenantId, Guid? supplierId, Guid? officeId = null) => Command(tenantId.ToString(), supplierId, officeId);

    private static NpgsqlBatchCommand Command(string tenantId, Guid? supplierId, Guid? officeId) => new(Sql)
    {
        Parameters =
        {
            new NpgsqlParameter { Value = tenantId },
            new NpgsqlParameter { Value = supplierId?.ToString() ?? string.Empty },
            new NpgsqlParameter { Value = officeId?.ToString() ?? string.Empty },
        },
    };

    /// <summary>A command on the context's own connection and transaction: the tenant (and supplier) are already set there.</summary>
    public static async Task<NpgsqlCommand> CommandAsync(ComplianceDbContext db, string sql, CancellationToken ct)
    {
        var transaction = db.Database.CurrentTransaction?.GetDbTransaction() as NpgsqlTransaction
            ?? throw new InvalidOperationException("Raw SQL on the request connection needs the unit-of-work transaction.");
        await db.Database.OpenConnectionAsync(ct);
        return new NpgsqlCommand(sql, (NpgsqlConnection)db.Database.GetDbConnection(), transaction);
    }

    /// <summary>Every row of <paramref name="sql"/> in the context's transaction, read by <paramref name="read"/>.</summary>
    public static async Task<List<T>> RowsAsync<T>(
        ComplianceDbContext db, string sql, Func<NpgsqlDataReader, T> read, CancellationToken ct, params (string Name, object Value)[] parameters)
    {
        await using var cmd = await CommandAsync(db, sql, ct);
        foreach (var (name, value) in parameters)
        {
            cmd.Parameters.AddWithValue(name, value);
        }

        var rows = new List<T>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            rows.Add(read(reader));
        }

        return rows;
    }
}
