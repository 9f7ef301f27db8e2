using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace Compliance.Api.Infrastructure.Database;

/// <summary>
/// Wall 2's input: whenever a transaction starts on a context, set the tenant (and supplier) for that
/// transaction only (<c>set_config(..., true)</c>), so a pooled connection never carries a tenant into the
/// next use. Work outside a transaction has no tenant and sees no rows.
/// </summary>
public sealed class TenantTransactionInterceptor : DbTransactionInterceptor
{
    public override async ValueTask<DbTransaction> TransactionStartedAsync(
        DbConnection connection, TransactionEndEventData eventData, DbTransaction result, CancellationToken cancellationToken = default)
    {
        if (eventData.Context is ComplianceDbContext db && db.Tenant.TenantId is Guid tenantId)
        {
            await TenantSql.SetAsync((NpgsqlConnection)connection, (NpgsqlTransaction)result, tenantId, db.Tenant.SupplierId, cancellationToken);
        }

        return result;
    }

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        if (eventData.Context is ComplianceDbContext db && db.Tenant.TenantId is Guid tenantId)
        {
            TenantSql.SetAsync((NpgsqlConnection)connection, (NpgsqlTransaction)result, tenantId, db.Tenant.SupplierId, CancellationToken.None)
                .GetAwaiter().GetResult();
        }

        return result;
    }
}

/// <summary>The one statement that scopes a transaction to a tenant; also used by raw-SQL paths (COPY, jobs).</summary>
public static class TenantSql
{
    private const string Sql = "select set_config('app.tenant_id', $1, true), set_config('app.supplier_id', $2, true)";

    public static async Task SetAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid tenantId, Guid? supplierId, CancellationToken ct)
    {
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { BatchCommand(tenantId, supplierId) } };
        await batch.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The same scope as <c>SET LOCAL</c> statements to send in front of a transaction's first query
    /// (<see cref="TransactionPrologueInterceptor"/>). The ids are formatted by us (hex and dashes only), never
    /// taken from input as text.
    /// </summary>
    public static string Prologue(Guid tenantId, Guid? supplierId) =>
        $"set local app.tenant_id = '{tenantId:D}'; set local app.supplier_id = '{(supplierId is Guid s ? s.ToString("D") : string.Empty)}'; ";

    /// <summary>The same statement as the first command of a batch, so scoping costs no round trip of its own.</summary>
    public static NpgsqlBatchCommand BatchCommand(Guid tenantId, Guid? supplierId) => new(Sql)
    {
        Parameters =
        {
            new NpgsqlParameter { Value = tenantId.ToString() },
            new NpgsqlParameter { Value = supplierId?.ToString() ?? string.Empty },
        },
    };
}
