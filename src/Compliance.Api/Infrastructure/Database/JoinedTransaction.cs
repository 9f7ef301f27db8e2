using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Compliance.Api.Infrastructure.Database;

/// <summary>
/// "Join the current transaction or open one": work that must see its caller's own writes and locks runs inside the
/// context's current transaction when there is one; otherwise it gets a transaction of its own on the context, which
/// <see cref="TenantTransactionInterceptor"/> scopes to the context's tenant. Only an owned transaction is committed,
/// rolled back or disposed here; a joined one belongs to whoever opened it.
/// </summary>
public sealed class JoinedTransaction : IAsyncDisposable
{
    private readonly IDbContextTransaction? _owned;

    private JoinedTransaction(ComplianceDbContext db, IDbContextTransaction? owned)
    {
        _owned = owned;
        Connection = (NpgsqlConnection)db.Database.GetDbConnection();
        Transaction = (NpgsqlTransaction)db.Database.CurrentTransaction!.GetDbTransaction();
    }

    /// <summary>True when this call opened the transaction (and so commits it).</summary>
    public bool Owned => _owned is not null;

    public NpgsqlConnection Connection { get; }

    public NpgsqlTransaction Transaction { get; }

    public static async Task<JoinedTransaction> JoinOrBeginAsync(ComplianceDbContext db, CancellationToken ct)
    {
        var owned = db.Database.CurrentTransaction is null ? await db.Database.BeginTransactionAsync(ct) : null;
        return new JoinedTransaction(db, owned);
    }

    public Task CommitIfOwnedAsync(CancellationToken ct) => _owned?.CommitAsync(ct) ?? Task.CompletedTask;

    public Task RollbackIfOwnedAsync(CancellationToken ct) => _owned?.RollbackAsync(ct) ?? Task.CompletedTask;

    public ValueTask DisposeAsync() => _owned?.DisposeAsync() ?? ValueTask.CompletedTask;
}
