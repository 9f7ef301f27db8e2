using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Jobs;
using Compliance.Domain.Reference;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Compliance.Api.Features.WorkerVoice;

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
/// The daily reminder (issue #19): marks open cases whose running clock falls due within a day (<c>due_soon</c>), and
/// unmarks those no longer so; the console's inbox counts them. Never changes a status or a clock.
/// </summary>
public sealed class GrievanceReminderJob(NpgsqlDataSource dataSource, IServiceScopeFactory scopes, TimeProvider clock) : PerTenantJob(dataSource, scopes)
{
    public static readonly TimeSpan Horizon = TimeSpan.FromDays(1);

    protected override async Task<int> RunInTenantAsync(ComplianceDbContext db, CancellationToken ct)
    {
        var dueSoon = GrievanceClocks.DueWithin(clock.GetUtcNow(), Horizon);
        var grievances = db.Set<Grievance>();
        var marked = await grievances.Where(dueSoon).Where(g => !g.DueSoon).ExecuteUpdateAsync(s => s.SetProperty(g => g.DueSoon, true), ct);
        var cleared = await grievances.Where(g => g.DueSoon).Where(GrievanceClocks.Not(dueSoon)).ExecuteUpdateAsync(s => s.SetProperty(g => g.DueSoon, false), ct);
        return marked + cleared;
    }
}

/// <summary>
/// DNH-13: deletes the narrative, review note and messages of cases closed longer ago than the tenant's
/// retention period, and clears the wrapped data key (so copies in backups cannot be read either). The
/// grievance row stays with its categories, indicators and dates, so de-identified counts remain. Every message and
/// reply of a case whose testimony is deleted goes, whenever it was written (issue 16 hole 9: before, a message added
/// after the deletion was kept for ever).
/// </summary>
public sealed class GrievanceRetentionJob(NpgsqlDataSource dataSource, IServiceScopeFactory scopes, TimeProvider clock) : PerTenantJob(dataSource, scopes)
{
    protected override async Task<int> RunInTenantAsync(ComplianceDbContext db, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var cutoff = now.AddDays(-await WorkerVoiceSettingsApi.RetentionDaysAsync(db, ct));
        var expired = db.Set<Grievance>()
            .Where(g => g.Status == GrievanceStatuses.Closed && g.ClosedAt < cutoff && g.TestimonyDeletedAt == null);
        var deleted = db.Set<Grievance>().Where(g => g.TestimonyDeletedAt != null);
        await db.Set<GrievanceMessage>()
            .Where(m => expired.Select(g => g.Id).Contains(m.GrievanceId) || deleted.Select(g => g.Id).Contains(m.GrievanceId))
            .ExecuteDeleteAsync(ct);
        return await expired.ExecuteUpdateAsync(
            s => s.SetProperty(g => g.NarrativeCiphertext, (byte[]?)null)
                .SetProperty(g => g.ReviewNoteCiphertext, (byte[]?)null)
                .SetProperty(g => g.WrappedKey, (byte[]?)null)
                .SetProperty(g => g.TestimonyDeletedAt, now),
            ct);
    }
}
