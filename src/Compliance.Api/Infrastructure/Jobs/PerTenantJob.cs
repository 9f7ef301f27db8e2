using Compliance.Api.Infrastructure.Database;
using Npgsql;

namespace Compliance.Api.Infrastructure.Jobs;

/// <summary>Runs a per-tenant step for every tenant, each in its own DI scope and tenant transaction.</summary>
public abstract class PerTenantJob(NpgsqlDataSource dataSource, IServiceScopeFactory scopes)
{
    /// <summary>Every tenant; re-entrant, exceptions propagate so Hangfire retries.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        foreach (var tenantId in await TenantIdsAsync(dataSource, ct))
        {
            await RunForTenantAsync(tenantId, ct);
        }
    }

    /// <summary>Every tenant's id, through the <c>app.tenant_ids()</c> bypass: the one list every cross-tenant job walks.</summary>
    public static async Task<List<Guid>> TenantIdsAsync(NpgsqlDataSource dataSource, CancellationToken ct)
    {
        var tenants = new List<Guid>();
        await using var cmd = dataSource.CreateCommand("select t from app.tenant_ids() t");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            tenants.Add(reader.GetGuid(0));
        }

        return tenants;
    }

    /// <summary>One tenant, in one transaction; returns the number of grievances changed.</summary>
    public async Task<int> RunForTenantAsync(Guid tenantId, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        await using var tx = await db.BeginTenantTransactionAsync(tenantId, ct);
        var changed = await RunInTenantAsync(db, ct);
        await tx.CommitAsync(ct);
        return changed;
    }

    protected abstract Task<int> RunInTenantAsync(ComplianceDbContext db, CancellationToken ct);
}
