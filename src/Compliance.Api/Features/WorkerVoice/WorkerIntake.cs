using Compliance.Api.Features.Foundation;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Domain.Reference;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>What a worker files: nothing that identifies them (DNH-1). <paramref name="Channel"/> is one of <see cref="ReportChannels"/>.</summary>
public sealed record NewGrievance(string Language, IReadOnlyList<string> Categories, string Narrative, IReadOnlyDictionary<string, bool> Consent, string Channel = ReportChannels.Web);

/// <summary>
/// The per-intake-code daily ceiling (issue 16, hole 7): reports past it in one UTC day are accepted and handled like
/// any other, but held out of statistics and risk evidence until a case handler confirms them.
/// </summary>
public sealed class IntakeCeilingOptions
{
    public const string Section = "WorkerVoice:Intake";

    /// <summary>Reports per intake code (site) per UTC day counted at once; later ones that day are held for review.</summary>
    public int DailyCeilingPerCode { get; set; } = 50;
}

/// <summary>The receipt (shown once) and the case reference.</summary>
public sealed record FiledGrievance(string Receipt, string CaseReference);

/// <summary>What the worker sees through the receipt. Dates only, never times.</summary>
public sealed record WorkerCaseView(
    string CaseReference,
    string Language,
    string Status,
    string StatusLabel,
    string NextStep,
    DateOnly ReceivedOn,
    IReadOnlyDictionary<string, bool> Consent,
    IReadOnlyList<WorkerMessageView> Replies,
    IReadOnlyList<WorkerMessageView> Messages);

public sealed record WorkerMessageView(DateOnly SentOn, string Text);

public enum ReceiptCheck
{
    Found,
    Unknown,
    TooManyAttempts,
}

/// <summary>A case opened by receipt, with its tenant transaction (commit it to keep changes).</summary>
public sealed record OpenedCase(IDbContextTransaction Transaction, Grievance Grievance);

/// <summary>
/// The anonymous worker path, shared by the JSON API and the HTML pages. There is no authenticated tenant:
/// the intake code (or the receipt) is resolved through a security-definer function, then the work runs in a
/// transaction scoped to that tenant. Nothing about the request (address, headers, cookies) is read here.
/// </summary>
public sealed class WorkerIntake(
    ComplianceDbContext db,
    NpgsqlDataSource dataSource,
    ModelInserts inserts,
    TestimonyCrypto crypto,
    TestimonyReader testimony,
    Receipts receipts,
    WorkerLabels labels,
    ReceiptGuessLimiter limiter,
    FollowUpSessions sessions,
    IOptions<IntakeCeilingOptions> ceiling,
    TimeProvider clock)
{
    public const int MaxTextLength = 8000;

    /// <summary>The tenant and site of a poster's intake code, or null.</summary>
    public async Task<(Guid TenantId, Guid SiteId)?> ResolveIntakeCodeAsync(string intakeCode, CancellationToken ct)
    {
        if (!IntakeCodes.IsWellFormed(intakeCode))
        {
            return null;
        }

        await using var cmd = dataSource.CreateCommand("select tenant_id, site_id from app.resolve_intake_code(@c)");
        cmd.Parameters.AddWithValue("c", intakeCode);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetGuid(0), reader.GetGuid(1)) : null;
    }

    /// <summary>
    /// Files a grievance in two round trips on one pooled connection, each a batch that PostgreSQL runs as one implicit
    /// transaction scoped to the tenant (<see cref="TenantSql.BatchCommand"/> first, so RLS applies): one reads what
    /// the row needs (the site's supplier, whether the code passed its daily ceiling, who reads the tenant's reports),
    /// one inserts the grievance and its consent events (all or none). Nothing is read back from the insert.
    /// </summary>
    public async Task<FiledGrievance> FileAsync(Guid tenantId, Guid siteId, NewGrievance request, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        var (supplierId, pastCeiling, readers) = await ReadForFilingAsync(connection, tenantId, siteId, now, ct);
        var categories = GrievanceCategories.All.Where(request.Categories.Contains).ToArray();
        var critical = GrievanceCategories.AnyCritical(categories);
        var receipt = Receipts.New();
        var grievance = new Grievance
        {
            // Random, never UUIDv7: the id reaches owner, compliance and auditor keys (access log, OData CaseId),
            // and a v7 id carries the filing time to the millisecond (issue 16, hole 4).
            Id = Guid.NewGuid(),
            TenantId = tenantId,
            SupplierId = supplierId,
            SiteId = siteId,
            CaseReference = CaseReferences.New(),
            ReceiptHash = receipts.Hash(receipt),
            Language = request.Language,
            Categories = categories,
            Indicators = [.. GrievanceCategories.IndicatorsFor(categories)],
            Critical = critical,
            Severity = critical ? Severities.Critical : null,
            Status = GrievanceStatuses.Received,
            Channel = request.Channel,
            ReceivedAt = now,

            // What the page promises right now (the same rule it renders with), kept with the report.
            PromisedIndependent = readers.EmployerCannotSee,
            AcknowledgeBy = GrievanceClocks.AcknowledgeBy(now, critical),
            FeedbackBy = GrievanceClocks.FeedbackBy(now, null),

            // Nothing tells the worker: the report is taken and handled the same; only the counts wait for a person.
            HeldForReview = pastCeiling,
        };
        grievance.SetConsent(request.Consent);
        var (dataKey, wrapped) = crypto.NewDataKey(grievance.Id);
        grievance.WrappedKey = wrapped;
        grievance.NarrativeCiphertext = TestimonyCrypto.Seal(dataKey, request.Narrative, grievance.Id);

        await using var insert = new NpgsqlBatch(connection) { BatchCommands = { TenantSql.BatchCommand(tenantId, supplierId: null) } };
        insert.BatchCommands.Add(inserts.Command(tenantId, grievance));
        insert.BatchCommands.Add(inserts.Command(tenantId, ConsentEvents(grievance, grievance.Consent())));

        await insert.ExecuteNonQueryAsync(ct);
        return new FiledGrievance(Receipts.Grouped(receipt), grievance.CaseReference);
    }

    /// <summary>
    /// The filing's read round trip. The ceiling count stops at the ceiling (a busy site's day is not counted in full
    /// for every report); reports past it are what <see cref="IntakeCeilingOptions"/> holds for review.
    /// </summary>
    private async Task<(Guid SupplierId, bool PastCeiling, Readers Readers)> ReadForFilingAsync(
        NpgsqlConnection connection, Guid tenantId, Guid siteId, DateTimeOffset now, CancellationToken ct)
    {
        var limit = ceiling.Value.DailyCeilingPerCode;
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { TenantSql.BatchCommand(tenantId, supplierId: null) } };
        batch.BatchCommands.Add(new NpgsqlBatchCommand(
            """
            select s.supplier_id,
                   (select count(*) from (select 1 from grievances g
                     where g.tenant_id = $1 and g.site_id = $2 and g.received_at >= $3 limit $4) today)
              from sites s where s.tenant_id = $1 and s.id = $2
            """)
        {
            Parameters =
            {
                new() { Value = tenantId },
                new() { Value = siteId },
                new() { Value = new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero) },
                new() { Value = limit },
            },
        });
        WhoReads.AddTo(batch, tenantId);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        await reader.NextResultAsync(ct); // the scope's own row
        if (!await reader.ReadAsync(ct))
        {
            throw new InvalidOperationException("The site of a resolved intake code was not found under its tenant.");
        }

        var supplierId = reader.GetGuid(0);
        var pastCeiling = reader.GetInt64(1) >= limit;
        await reader.NextResultAsync(ct);
        return (supplierId, pastCeiling, await WhoReads.ReadAsync(reader, ct));
    }

    /// <summary>
    /// Opens a tenant transaction for the grievance behind <paramref name="receipt"/>. Wrong receipts count
    /// against the in-memory guess limit; once it is reached nothing is looked up until the window passes.
    /// </summary>
    public Task<(ReceiptCheck Check, OpenedCase? Case)> OpenAsync(HttpContext http, string? receipt, CancellationToken ct) =>
        OpenAsync(ClientAddresses.Key(http), () => FindAsync(receipt, ct), ct);

    /// <summary>
    /// As <see cref="OpenAsync(HttpContext, string?, CancellationToken)"/> for a client that is not the HTTP caller: a
    /// messaging channel's conversation (its keyed hash), whose requests all come from the provider's address.
    /// </summary>
    public Task<(ReceiptCheck Check, OpenedCase? Case)> OpenForClientAsync(string clientKey, string? receipt, CancellationToken ct) =>
        OpenAsync(clientKey, () => FindAsync(receipt, ct), ct);

    /// <summary>
    /// Opens the case a follow-up page's session token names (<see cref="FollowUpSessions"/>), so the page need not
    /// carry the receipt. A token that does not open counts against the guess limit like a wrong receipt.
    /// </summary>
    public Task<(ReceiptCheck Check, OpenedCase? Case)> OpenSessionAsync(HttpContext http, string? token, CancellationToken ct) =>
        OpenAsync(ClientAddresses.Key(http), () => Task.FromResult(sessions.Read(token)), ct);

    /// <summary>As <see cref="OpenSessionAsync"/> for a messaging conversation, limited by its own key rather than the address.</summary>
    public Task<(ReceiptCheck Check, OpenedCase? Case)> OpenSessionForClientAsync(string clientKey, string? token, CancellationToken ct) =>
        OpenAsync(clientKey, () => Task.FromResult(sessions.Read(token)), ct);

    /// <summary>A token for the follow-up page's forms, naming <paramref name="grievance"/> for a while.</summary>
    public string SessionFor(Grievance grievance) => sessions.Issue(grievance.TenantId, grievance.Id);

    private async Task<(ReceiptCheck Check, OpenedCase? Case)> OpenAsync(string clientKey, Func<Task<(Guid TenantId, Guid GrievanceId)?>> find, CancellationToken ct)
    {
        if (limiter.IsBlocked(clientKey))
        {
            return (ReceiptCheck.TooManyAttempts, null);
        }

        if (await find() is not { } found)
        {
            limiter.RecordFailure(clientKey);
            return (ReceiptCheck.Unknown, null);
        }

        var tx = await db.BeginTenantTransactionAsync(found.TenantId, ct);
        var grievance = await db.Set<Grievance>().SingleAsync(g => g.Id == found.GrievanceId, ct);
        return (ReceiptCheck.Found, new OpenedCase(tx, grievance));
    }

    private async Task<(Guid TenantId, Guid GrievanceId)?> FindAsync(string? receipt, CancellationToken ct)
    {
        if (Receipts.Normalize(receipt) is not { } normalized)
        {
            return null;
        }

        await using var cmd = dataSource.CreateCommand("select tenant_id, grievance_id from app.resolve_receipt(@h)");
        cmd.Parameters.AddWithValue("h", receipts.Hash(normalized));
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct) ? (reader.GetGuid(0), reader.GetGuid(1)) : null;
    }

    public async Task<WorkerCaseView> ViewAsync(Grievance grievance, CancellationToken ct)
    {
        var texts = labels.For(grievance.Language);
        var opened = await testimony.ReadForWorkerAsync(grievance, ct);
        List<WorkerMessageView> View(string author) =>
            [.. opened.Messages.Where(m => m.Author == author).Select(m => new WorkerMessageView(DateOnly.FromDateTime(m.SentAt.UtcDateTime), m.Text))];

        // Effectiveness facts (migration 026): the receipt was used again, and a reply was shown. Two booleans, no time.
        var replies = View(GrievanceMessage.Handler);
        if (!grievance.ReceiptReused || (replies.Count > 0 && !grievance.ReplySeen))
        {
            grievance.ReceiptReused = true;
            grievance.ReplySeen |= replies.Count > 0;
            await db.SaveChangesAsync(ct);
        }

        return new WorkerCaseView(
            grievance.CaseReference,
            grievance.Language,
            grievance.Status,
            texts.Statuses[grievance.Status],
            texts.NextSteps[grievance.Status],
            DateOnly.FromDateTime(grievance.ReceivedAt.UtcDateTime),
            grievance.Consent(),
            replies,
            View(GrievanceMessage.Worker));
    }

    public Task SaveAsync(CancellationToken ct) => db.SaveChangesAsync(ct);

    /// <summary>
    /// False once retention has deleted the case's testimony (DNH-13): the case is closed and its data key is gone, so
    /// a new message would be testimony outside any retention clock. The worker is pointed to a new report instead.
    /// </summary>
    public static bool AcceptsMessages(Grievance grievance) => grievance.TestimonyDeletedAt is null && grievance.WrappedKey is not null;

    /// <summary>
    /// Sets the worker's consent for the kinds named in <paramref name="changes"/> and records each kind whose answer
    /// changed in the consent history, at day precision (the case handler's consent panel reads it).
    /// </summary>
    public void ChangeConsent(Grievance grievance, IEnumerable<KeyValuePair<string, bool>> changes)
    {
        var before = grievance.Consent();
        grievance.SetConsent(changes);
        RecordConsent(grievance, grievance.Consent().Where(c => before[c.Key] != c.Value));
    }

    private void RecordConsent(Grievance grievance, IEnumerable<KeyValuePair<string, bool>> answers) =>
        db.AddRange(ConsentEvents(grievance, answers));

    private List<ConsentEvent> ConsentEvents(Grievance grievance, IEnumerable<KeyValuePair<string, bool>> answers)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        return [.. answers.Select(a => new ConsentEvent { Id = Guid.NewGuid(), GrievanceId = grievance.Id, Kind = a.Key, Given = a.Value, OnDay = today })];
    }

    /// <summary>Adds an encrypted message to the case (author worker or handler). Never changes the status.</summary>
    /// <exception cref="InvalidOperationException">The case's testimony was deleted (<see cref="AcceptsMessages"/>).</exception>
    public GrievanceMessage AddMessage(Grievance grievance, string author, string text, Guid? apiKeyId)
    {
        if (!AcceptsMessages(grievance))
        {
            throw new InvalidOperationException("The case's testimony was deleted under retention; it takes no new messages.");
        }

        return Add(crypto.Unwrap(grievance.WrappedKey!, grievance.Id));

        GrievanceMessage Add(byte[] dataKey)
        {
            var message = new GrievanceMessage
            {
                // Time-ordered on purpose: only case handlers ever see a message id (the worker's view and dossiers
                // carry none), and it keeps a conversation in order when two messages share a timestamp.
                Id = Guid.CreateVersion7(),
                GrievanceId = grievance.Id,
                Author = author,
                SentAt = clock.GetUtcNow(),
                ApiKeyId = apiKeyId,
                Ciphertext = [],
            };
            message.Ciphertext = TestimonyCrypto.Seal(dataKey, text, message.Id);
            db.Add(message);
            return message;
        }
    }
}
