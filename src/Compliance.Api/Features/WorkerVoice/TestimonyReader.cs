using Compliance.Api.Infrastructure.Database;
using Compliance.Domain.Reference;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>A worker's testimony, decrypted, for a destination the worker consented to.</summary>
public sealed record Testimony(Guid GrievanceId, string CaseReference, string Language, string Narrative, IReadOnlyList<TestimonyMessage> Messages);

/// <summary>One message of the case; <paramref name="Author"/> is <c>worker</c> or <c>handler</c>.</summary>
public sealed record TestimonyMessage(string Author, DateTimeOffset SentAt, string Text);

/// <summary>
/// The one way testimony leaves worker voice (DNH-5): escalation calls it for one destination kind and gets
/// the narrative and messages only when the worker consented to that kind; otherwise null. A successful read is
/// written to the access log as a system read (no API key, DNH-12). Runs in the caller's tenant: call it inside
/// <c>db.BeginTenantTransactionAsync(tenantId, ct)</c> (it opens its own transaction when there is none).
/// </summary>
public sealed class TestimonyReader(ComplianceDbContext db, TestimonyCrypto crypto, TimeProvider clock)
{
    public async Task<Testimony?> ReadForDestinationAsync(Guid grievanceId, string destinationKind, CancellationToken ct)
    {
        if (!DestinationKinds.IsValid(destinationKind))
        {
            return null;
        }

        await using var transaction = await JoinedTransaction.JoinOrBeginAsync(db, ct);
        {
            var g = await db.Set<Grievance>().AsNoTracking().SingleOrDefaultAsync(x => x.Id == grievanceId, ct);
            if (g is null || !g.ConsentsTo(destinationKind) || g.WrappedKey is null || g.NarrativeCiphertext is null)
            {
                return null;
            }

            var key = crypto.Unwrap(g.WrappedKey, g.Id);
            var messages = await db.Set<GrievanceMessage>().AsNoTracking()
                .Where(m => m.GrievanceId == g.Id).OrderBy(m => m.SentAt).ThenBy(m => m.Id).ToListAsync(ct);
            db.Add(new NarrativeAccess { Id = Guid.NewGuid(), GrievanceId = g.Id, ApiKeyId = null, ReadAt = clock.GetUtcNow() });
            await db.SaveChangesAsync(ct);
            await transaction.CommitIfOwnedAsync(ct);

            return new Testimony(
                g.Id, g.CaseReference, g.Language, TestimonyCrypto.Open(key, g.NarrativeCiphertext, g.Id),
                [.. messages.Select(m => new TestimonyMessage(m.Author, m.SentAt, TestimonyCrypto.Open(key, m.Ciphertext, m.Id)))]);
        }
    }
}
