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
/// <item><see cref="ReadForHandlerAsync"/>: a case handler opens a case; the read is logged with the person (or key) and office (DNH-12).</item>
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
        if (await FindForHandlerAsync(grievanceId, ct) is not { } g)
        {
            return null;
        }

        var (name, office) = await ReaderAsync(ct);
        db.Add(new NarrativeAccess
        {
            Id = Guid.NewGuid(),
            GrievanceId = g.Id,
            ApiKeyId = db.Tenant.ApiKeyId,
            PersonId = db.Tenant.PersonId,
            ReaderName = name,
            ReaderOffice = office,
            ReadAt = clock.GetUtcNow(),
        });
        await db.SaveChangesAsync(ct);
        return await OpenAsync(g, ct);
    }

    /// <summary>
    /// The case, without its testimony and without a logged read, when this handler may open it: null when it is not
    /// in the tenant or its promise rules the reader out. For pages that show a case's forms but not its words.
    /// </summary>
    public async Task<Grievance?> FindForHandlerAsync(Guid grievanceId, CancellationToken ct) =>
        await db.Set<Grievance>().AsNoTracking().SingleOrDefaultAsync(g => g.Id == grievanceId, ct) is { } g
            && (!g.PromisedIndependent || await ReaderKeepsThePromiseAsync(ct))
            ? g
            : null;

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
        db.Add(new NarrativeAccess { Id = Guid.NewGuid(), GrievanceId = g.Id, ApiKeyId = null, ReadAt = clock.GetUtcNow() });
        await db.SaveChangesAsync(ct);
        await transaction.CommitIfOwnedAsync(ct);
        return new Testimony(
            g.Id, g.CaseReference, g.Language, opened.Narrative!, [.. opened.Messages.Select(m => new TestimonyMessage(m.Author, m.SentAt, m.Text))]);
    }

    /// <summary>
    /// For an enforcement dossier: a commitment to the narrative of each of <paramref name="grievanceIds"/> whose worker
    /// consents to <paramref name="destinationKind"/> now (the others are skipped unread). The text never leaves this
    /// class; a commitment is SHA-256 over the case's salt (<see cref="CommitmentSalt"/>) and the narrative's UTF-8
    /// bytes, lower-case hex. Each read is logged as a system read (no key), as an escalation's read is (DNH-12).
    /// </summary>
    public async Task<IReadOnlyList<string>> CommitForDossierAsync(IReadOnlyCollection<Guid> grievanceIds, string destinationKind, CancellationToken ct)
    {
        if (!DestinationKinds.IsValid(destinationKind) || grievanceIds.Count == 0)
        {
            return [];
        }

        var cases = await db.Set<Grievance>().AsNoTracking().Where(x => grievanceIds.Contains(x.Id)).OrderBy(x => x.Id).ToListAsync(ct);
        var commitments = new List<string>();
        foreach (var g in cases.Where(g => g.ConsentsTo(destinationKind) && g.WrappedKey is not null && g.NarrativeCiphertext is not null))
        {
            var key = crypto.Unwrap(g.WrappedKey!, g.Id);
            commitments.Add(Commitment(CommitmentSalt(key), TestimonyCrypto.Open(key, g.NarrativeCiphertext!, g.Id)));
            db.Add(new NarrativeAccess { Id = Guid.NewGuid(), GrievanceId = g.Id, ApiKeyId = null, ReadAt = clock.GetUtcNow() });
        }

        await db.SaveChangesAsync(ct);
        return commitments;
    }

    /// <summary>The secret salt of a dossier's aggregate commitment (<see cref="TestimonyCrypto.DossierAggregateSalt"/>).</summary>
    public byte[] DossierAggregateSalt(string context) => crypto.DossierAggregateSalt(context);

    /// <summary>
    /// A case handler's export of one committed narrative for a dossier's receiver: the case opened (and logged) as
    /// <see cref="ReadForHandlerAsync"/> opens it, only while the worker consents to <paramref name="destinationKind"/>;
    /// returns the language, narrative, salt and commitment (null when the case is not readable or not consented).
    /// </summary>
    public async Task<(string Language, string Narrative, string Salt, string Commitment)?> OpenCommittedForHandlerAsync(Guid grievanceId, string destinationKind, CancellationToken ct)
    {
        if (await FindForHandlerAsync(grievanceId, ct) is not { } found || !found.ConsentsTo(destinationKind) || found.WrappedKey is null || found.NarrativeCiphertext is null)
        {
            return null;
        }

        var opened = await ReadForHandlerAsync(grievanceId, ct);
        if (opened?.Narrative is not { } narrative)
        {
            return null;
        }

        var salt = CommitmentSalt(crypto.Unwrap(found.WrappedKey, found.Id));
        return (found.Language, narrative, Convert.ToHexStringLower(salt), Commitment(salt, narrative));
    }

    /// <summary>A case's commitment salt: HMAC-SHA256 under its data key of a fixed label, so it reveals nothing of the key.</summary>
    private static byte[] CommitmentSalt(byte[] dataKey) => System.Security.Cryptography.HMACSHA256.HashData(dataKey, "dossier-commitment-salt"u8);

    private static string Commitment(byte[] salt, string narrative) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData([.. salt, .. System.Text.Encoding.UTF8.GetBytes(narrative)]));

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

    /// <summary>
    /// Whether the reader's office is one the worker page's promise allowed (independent, verified, not migrated): a
    /// report filed under "your employer cannot see what you write" stays closed to an internal or self-declared office
    /// linked later (issue #18 review, finding 1).
    /// </summary>
    private async Task<bool> ReaderKeepsThePromiseAsync(CancellationToken ct)
    {
        var office = db.Tenant.OfficeId;
        return office is not null && await db.Set<Handling.HandlingOffice>().AsNoTracking().AnyAsync(
            o => o.Id == office && o.VerifiedAt != null && !o.Migrated && Handling.OfficeKinds.Independent.Contains(o.Kind), ct);
    }

    /// <summary>
    /// Who is reading, as the log keeps it (issue #18): the person's display name (or the key's name) and their office,
    /// as they are at the time of reading. Read in the request's scope: an office sees its own people and itself.
    /// </summary>
    private async Task<(string? Name, string? Office)> ReaderAsync(CancellationToken ct)
    {
        var rows = await TenantSql.RowsAsync(
            db,
            "select coalesce((select display_name from people where id = @person), (select name from api_keys where id = @key)), " +
            "(select name from handling_offices where id = @office)",
            r => (r.IsDBNull(0) ? null : r.GetString(0), r.IsDBNull(1) ? null : r.GetString(1)),
            ct,
            ("person", (object?)db.Tenant.PersonId ?? DBNull.Value),
            ("key", (object?)db.Tenant.ApiKeyId ?? DBNull.Value),
            ("office", (object?)db.Tenant.OfficeId ?? DBNull.Value));
        return rows[0];
    }
}
