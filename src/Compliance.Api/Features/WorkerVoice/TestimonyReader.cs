using Compliance.Api.Infrastructure.Database;
using Compliance.Domain.Reference;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>A worker's testimony, decrypted, for a destination the worker consented to.</summary>
public sealed record Testimony(Guid GrievanceId, string CaseReference, string Language, string Narrative, IReadOnlyList<TestimonyMessage> Messages);

/// <summary>One message of the case; <paramref name="Author"/> is <c>worker</c> or <c>handler</c>.</summary>
public sealed record TestimonyMessage(string Author, DateTimeOffset SentAt, string Text);

/// <summary>A case's testimony opened: the narrative and review note (null once deleted) and every message in order.</summary>
public sealed record OpenedTestimony(Grievance Grievance, string? Narrative, string? ReviewNote, IReadOnlyList<OpenedMessage> Messages);

/// <summary>One decrypted message with its row id.</summary>
public sealed record OpenedMessage(Guid Id, string Author, DateTimeOffset SentAt, string Text);

/// <summary>
/// The one path that decrypts testimony. Three callers, three rules:
/// <list type="bullet">
/// <item><see cref="ReadForHandlerAsync"/>: a case handler opens a case; the read is logged with the handler's key (DNH-12).</item>
/// <item><see cref="ReadForDestinationAsync"/>: escalation, for one destination kind; testimony only when the worker consented
/// to that kind (DNH-5), logged as a system read (no key).</item>
/// <item><see cref="ReadForWorkerAsync"/>: the worker's own follow-up through the receipt; not a read by anyone else, so not logged.</item>
/// </list>
/// Runs in the caller's tenant: inside the request's unit of work or <c>db.BeginTenantTransactionAsync(tenantId, ct)</c>
/// (it opens its own transaction when there is none).
/// </summary>
public sealed class TestimonyReader(ComplianceDbContext db, TestimonyCrypto crypto, TimeProvider clock)
{
    /// <summary>A case handler's read: null when the case is not in the tenant; otherwise logged, then opened.</summary>
    public async Task<OpenedTestimony?> ReadForHandlerAsync(Guid grievanceId, CancellationToken ct)
    {
        if (await db.Set<Grievance>().AsNoTracking().SingleOrDefaultAsync(g => g.Id == grievanceId, ct) is not { } g)
        {
            return null;
        }

        LogRead(g.Id, db.Tenant.ApiKeyId);
        await db.SaveChangesAsync(ct);
        return await OpenAsync(g, ct);
    }

    public async Task<Testimony?> ReadForDestinationAsync(Guid grievanceId, string destinationKind, CancellationToken ct)
    {
        if (!DestinationKinds.IsValid(destinationKind))
        {
            return null;
        }

        await using var transaction = await JoinedTransaction.JoinOrBeginAsync(db, ct);
        var g = await db.Set<Grievance>().AsNoTracking().SingleOrDefaultAsync(x => x.Id == grievanceId, ct);
        if (g is null || !g.ConsentsTo(destinationKind) || g.WrappedKey is null || g.NarrativeCiphertext is null)
        {
            return null;
        }

        var opened = await OpenAsync(g, ct);
        LogRead(g.Id, apiKeyId: null);
        await db.SaveChangesAsync(ct);
        await transaction.CommitIfOwnedAsync(ct);
        return new Testimony(
            g.Id, g.CaseReference, g.Language, opened.Narrative!, [.. opened.Messages.Select(m => new TestimonyMessage(m.Author, m.SentAt, m.Text))]);
    }

    /// <summary>The worker's own case, opened through the receipt.</summary>
    public Task<OpenedTestimony> ReadForWorkerAsync(Grievance grievance, CancellationToken ct) => OpenAsync(grievance, ct);

    private async Task<OpenedTestimony> OpenAsync(Grievance g, CancellationToken ct)
    {
        var messages = await db.Set<GrievanceMessage>().AsNoTracking()
            .Where(m => m.GrievanceId == g.Id).OrderBy(m => m.SentAt).ThenBy(m => m.Id).ToListAsync(ct);
        if (g.WrappedKey is null)
        {
            return new OpenedTestimony(g, null, null, []);
        }

        var key = crypto.Unwrap(g.WrappedKey, g.Id);
        return new OpenedTestimony(
            g,
            g.NarrativeCiphertext is null ? null : TestimonyCrypto.Open(key, g.NarrativeCiphertext, g.Id),
            g.ReviewNoteCiphertext is null ? null : TestimonyCrypto.Open(key, g.ReviewNoteCiphertext, TestimonyCrypto.ReviewNoteId(g.Id)),
            [.. messages.Select(m => new OpenedMessage(m.Id, m.Author, m.SentAt, TestimonyCrypto.Open(key, m.Ciphertext, m.Id)))]);
    }

    private void LogRead(Guid grievanceId, Guid? apiKeyId) =>
        db.Add(new NarrativeAccess { Id = Guid.NewGuid(), GrievanceId = grievanceId, ApiKeyId = apiKeyId, ReadAt = clock.GetUtcNow() });
}
