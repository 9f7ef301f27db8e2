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
        if (eventData.Context is ComplianceDbContext db)
        {
            await ScopeAsync(db.Tenant, (NpgsqlConnection)connection, (NpgsqlTransaction)result, cancellationToken);
        }

        return result;
    }

    public override DbTransaction TransactionStarted(DbConnection connection, TransactionEndEventData eventData, DbTransaction result)
    {
        if (eventData.Context is ComplianceDbContext db)
        {
            ScopeAsync(db.Tenant, (NpgsqlConnection)connection, (NpgsqlTransaction)result, CancellationToken.None).GetAwaiter().GetResult();
        }

        return result;
    }

    private static Task ScopeAsync(Tenancy.TenantContext scope, NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct) =>
        (scope.TenantId, scope.OfficeId) switch
        {
            (Guid tenantId, var officeId) => TenantSql.SetAsync(connection, transaction, tenantId, scope.SupplierId, ct, officeId),
            (null, Guid officeId) => TenantSql.SetOfficeAsync(connection, transaction, officeId, ct),
            _ => Task.CompletedTask,
        };
}
