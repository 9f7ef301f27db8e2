using Compliance.Api.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>Runs a per-tenant step for every tenant, each in its own DI scope and tenant transaction.</summary>
public abstract class PerTenantJob(NpgsqlDataSource dataSource, IServiceScopeFactory scopes)
{
    /// <summary>Every tenant; re-entrant, exceptions propagate so Hangfire retries.</summary>
    public async Task RunAsync(CancellationToken ct)
    {
        var tenants = new List<Guid>();
        await using (var cmd = dataSource.CreateCommand("select t from app.tenant_ids() t"))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                tenants.Add(reader.GetGuid(0));
            }
        }

        foreach (var tenantId in tenants)
        {
            await RunForTenantAsync(tenantId, ct);
        }
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

/// <summary>Flags cases whose acknowledgement or feedback clock has run out (BRIEF.md §5). Never changes a status.</summary>
public sealed class GrievanceClockJob(NpgsqlDataSource dataSource, IServiceScopeFactory scopes, TimeProvider clock) : PerTenantJob(dataSource, scopes)
{
    protected override async Task<int> RunInTenantAsync(ComplianceDbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var grievances = db.Set<Grievance>();
        var acknowledge = await grievances.Where(GrievanceClocks.AcknowledgeOverdue(now)).Where(g => !g.AcknowledgeOverdue)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.AcknowledgeOverdue, true), ct);
        var feedback = await grievances.Where(GrievanceClocks.FeedbackOverdue(now)).Where(g => !g.FeedbackOverdue)
            .ExecuteUpdateAsync(s => s.SetProperty(g => g.FeedbackOverdue, true), ct);
        return acknowledge + feedback;
    }
}

/// <summary>
/// DNH-13: deletes the narrative, review note and messages of cases closed longer ago than the tenant's
/// retention period, and clears the wrapped data key (so copies in backups cannot be read either). The
/// grievance row stays with its categories, indicators and dates, so de-identified counts remain.
/// </summary>
public sealed class GrievanceRetentionJob(NpgsqlDataSource dataSource, IServiceScopeFactory scopes, TimeProvider clock) : PerTenantJob(dataSource, scopes)
{
    protected override async Task<int> RunInTenantAsync(ComplianceDbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var cutoff = now.AddDays(-await WorkerVoiceSettingsApi.RetentionDaysAsync(db, ct));
        var expired = db.Set<Grievance>()
            .Where(g => g.Status == GrievanceStatuses.Closed && g.ClosedAt < cutoff && g.TestimonyDeletedAt == null);
        await db.Set<GrievanceMessage>().Where(m => expired.Select(g => g.Id).Contains(m.GrievanceId)).ExecuteDeleteAsync(ct);
        return await expired.ExecuteUpdateAsync(
            s => s.SetProperty(g => g.NarrativeCiphertext, (byte[]?)null)
                .SetProperty(g => g.ReviewNoteCiphertext, (byte[]?)null)
                .SetProperty(g => g.WrappedKey, (byte[]?)null)
                .SetProperty(g => g.TestimonyDeletedAt, now),
            ct);
    }
}
