using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Compliance.Api.Infrastructure.Database;

/// <summary>
/// Sends a transaction's scoping statements (<see cref="ComplianceDbContext.TransactionPrologue"/>) in front of the
/// first command the context runs in it, in the same round trip: Npgsql sends <c>BEGIN</c> lazily with the first
/// command too, so a read path pays one round trip for BEGIN, scope and query instead of two. The prologue holds
/// only <c>SET</c> statements, which return no rows, so the reader still starts at the query's rows. It is taken
/// once: later commands run as they are, inside the already-scoped transaction. Only queries take it (EF reads
/// through readers, aggregates included): it serves read-only paths, and a path whose first command were anything
/// else would run unscoped, which RLS answers with no rows, never with another tenant's.
/// </summary>
public sealed class TransactionPrologueInterceptor : DbCommandInterceptor
{
    public override InterceptionResult<DbDataReader> ReaderExecuting(DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result)
    {
        Prepend(command, eventData);
        return result;
    }

    public override ValueTask<InterceptionResult<DbDataReader>> ReaderExecutingAsync(
        DbCommand command, CommandEventData eventData, InterceptionResult<DbDataReader> result, CancellationToken cancellationToken = default)
    {
        Prepend(command, eventData);
        return ValueTask.FromResult(result);
    }

    private static void Prepend(DbCommand command, CommandEventData eventData)
    {
        if (eventData.Context is ComplianceDbContext { TransactionPrologue: { } prologue } db)
        {
            db.TransactionPrologue = null;
            command.CommandText = prologue + command.CommandText;
        }
    }
}
