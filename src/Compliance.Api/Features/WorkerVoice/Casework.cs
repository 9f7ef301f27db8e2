using Compliance.Api.Features.Risk.Escalations;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Templates;
using Compliance.Domain.Reference;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>Why a case operation did not happen: not found (404), conflict (409), or a bad field (400).</summary>
public sealed record CaseProblem(int Status, string Title, string? Field = null)
{
    public static readonly CaseProblem NotFound = new(StatusCodes.Status404NotFound, "Not Found");

    public static CaseProblem Conflict(string title) => new(StatusCodes.Status409Conflict, title);

    public static CaseProblem Invalid(string field, string message) => new(StatusCodes.Status400BadRequest, message, field);
}

/// <summary>The outcome of a case operation: its value, or the problem that stopped it (nothing written).</summary>
public readonly record struct CaseResult<T>(T? Value, CaseProblem? Problem)
{
    public static implicit operator CaseResult<T>(T value) => new(value, null);

    public static implicit operator CaseResult<T>(CaseProblem problem) => new(default, problem);
}

/// <summary>A reply as sent: the text the worker sees.</summary>
public sealed record SentReply(Guid Id, DateTimeOffset SentAt, string Text);

/// <summary>A note as its reader sees it.</summary>
public sealed record CaseNoteView(Guid Id, string Visibility, string Author, DateTimeOffset CreatedAt, string Text);

/// <summary>A referral as the office sees it.</summary>
public sealed record CaseReferralView(
    Guid Id, Guid? DestinationId, string? Organisation, string To, string Kind, string State, DateOnly FollowUpBy, DateOnly CreatedOn, DateOnly UpdatedOn, bool FollowUpOverdue);

/// <summary>One change of consent, at day precision.</summary>
public sealed record ConsentEventView(string Kind, bool Given, DateOnly OnDay);

/// <summary>
/// What a case handler does to a case, whether through the API (<see cref="CaseHandlingApi"/>) or the console
/// (<c>CasePages</c>): one implementation, so both meet the same rules. Runs in the caller's unit of work, scoped to
/// one tenant and the handler's office; every operation checks its input first and writes nothing when it refuses.
/// </summary>
public sealed class Casework(ComplianceDbContext db, WorkerIntake intake, TestimonyCrypto crypto, TemplateStore templates, TimeProvider clock)
{
    public const int MaxSubStatusLength = 80;

    private DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private Task<Grievance?> FindAsync(Guid id, CancellationToken ct) => db.Set<Grievance>().SingleOrDefaultAsync(g => g.Id == id, ct);

    /// <summary>The text a reply would carry: the free text, or the template rendered in the worker's language.</summary>
    public string ReplyText(Grievance g, string? text, string? template) =>
        text ?? templates.Render($"worker/{g.Language}/replies/{template}.sbn", new { g.CaseReference }).Trim();

    public async Task<CaseResult<SentReply>> ReplyAsync(Guid id, string? text, string? template, CancellationToken ct)
    {
        if (await FindAsync(id, ct) is not { } g)
        {
            return CaseProblem.NotFound;
        }

        if (!WorkerIntake.AcceptsMessages(g))
        {
            return CaseProblem.Conflict("This case's testimony was deleted under retention; it takes no new messages.");
        }

        var sent = ReplyText(g, text, template);
        var message = intake.AddMessage(g, GrievanceMessage.Handler, sent, db.Tenant.ApiKeyId);
        g.FeedbackAt ??= clock.GetUtcNow();
        g.FeedbackOverdue = false;
        await db.SaveChangesAsync(ct);
        return new SentReply(message.Id, message.SentAt, sent);
    }

    public async Task<CaseResult<Grievance>> TriageAsync(Guid id, IReadOnlyCollection<string> added, string severity, string? subStatus, CancellationToken ct)
    {
        if (await FindAsync(id, ct) is not { } g)
        {
            return CaseProblem.NotFound;
        }

        // Triage adds to what the worker said; it never removes a category's indicator (no credibility score).
        var indicators = GrievanceCategories.IndicatorsFor(g.Categories).Concat(added).ToHashSet(StringComparer.Ordinal);
        var critical = g.Critical || HardTriggers.AnyFromWorker(indicators) || severity == Severities.Critical;
        if (critical && severity != Severities.Critical)
        {
            return CaseProblem.Invalid("severity", "A critical case (critical category, CH01, FL05 or FL03) keeps severity 'critical'.");
        }

        g.Indicators = [.. Indicators.All.Where(indicators.Contains)];
        g.Severity = severity;
        g.SubStatus = string.IsNullOrWhiteSpace(subStatus) ? null : subStatus.Trim();
        if (critical && !g.Critical)
        {
            g.Critical = true;
            var sooner = GrievanceClocks.AcknowledgeBy(g.ReceivedAt, critical: true);
            g.AcknowledgeBy = sooner < g.AcknowledgeBy ? sooner : g.AcknowledgeBy;
        }

        await db.SaveChangesAsync(ct);
        return g;
    }

    public async Task<CaseResult<Grievance>> ChangeStatusAsync(Guid id, string to, string? reviewNote, CancellationToken ct)
    {
        if (await FindAsync(id, ct) is not { } g)
        {
            return CaseProblem.NotFound;
        }

        if (!GrievanceStatuses.CanMove(g.Status, to))
        {
            return CaseProblem.Conflict($"A case cannot move from '{g.Status}' to '{to}'.");
        }

        // DNH-8: a case that may concern a child is never closed or resolved without a recorded review.
        var ends = to is GrievanceStatuses.Closed or GrievanceStatuses.Resolved;
        if (ends && g.Indicators.Contains(Indicators.ChildUnder18) && string.IsNullOrWhiteSpace(reviewNote))
        {
            return CaseProblem.Invalid("reviewNote", "A case flagged CH01 (under 18) needs a review note to be resolved or closed.");
        }

        var now = clock.GetUtcNow();
        if (reviewNote is { } note && g.WrappedKey is not null)
        {
            g.ReviewNoteCiphertext = TestimonyCrypto.Seal(crypto.Unwrap(g.WrappedKey, g.Id), note, TestimonyCrypto.ReviewNoteId(g.Id));
        }

        if (to == GrievanceStatuses.Acknowledged)
        {
            g.AcknowledgedAt = now;
            g.AcknowledgeOverdue = false;
            g.FeedbackBy = GrievanceClocks.FeedbackBy(g.ReceivedAt, now);
        }

        g.ClosedAt = to == GrievanceStatuses.Closed ? now : null;
        g.Reopened |= to == GrievanceStatuses.InProgress && g.Status is GrievanceStatuses.Resolved or GrievanceStatuses.Referred;
        g.Status = to;
        g.DueSoon = g.DueSoon && GrievanceClocks.Running(g) is not null;
        await db.SaveChangesAsync(ct);
        return g;
    }

    /// <summary>Adds a note; only an office's member or key can (the employer side has no office in scope).</summary>
    public async Task<CaseResult<CaseNoteView>> AddNoteAsync(Guid id, string visibility, string text, CancellationToken ct)
    {
        if (db.Tenant.OfficeId is not Guid office || await FindAsync(id, ct) is not { } g)
        {
            return CaseProblem.NotFound;
        }

        if (visibility == CaseNote.Private && db.Tenant.PersonId is null)
        {
            return CaseProblem.Invalid("visibility", "A private note belongs to a person; an API key can write internal notes only.");
        }

        if (g.WrappedKey is null)
        {
            return CaseProblem.Conflict("This case's testimony was deleted under retention; it takes no new notes.");
        }

        var note = new CaseNote
        {
            Id = Guid.CreateVersion7(),
            GrievanceId = g.Id,
            OfficeId = office,
            AuthorPersonId = db.Tenant.PersonId,
            AuthorName = await AuthorNameAsync(ct),
            Visibility = visibility,
            Ciphertext = [],
            CreatedAt = clock.GetUtcNow(),
        };
        note.Ciphertext = TestimonyCrypto.Seal(crypto.Unwrap(g.WrappedKey, g.Id), text, note.Id);
        db.Add(note);
        await db.SaveChangesAsync(ct);
        return new CaseNoteView(note.Id, note.Visibility, note.AuthorName, note.CreatedAt, text);
    }

    /// <summary>The case's notes this reader may see: the office's internal ones and their own private ones, in order.</summary>
    public async Task<CaseResult<IReadOnlyList<CaseNoteView>>> NotesAsync(Guid id, CancellationToken ct) =>
        db.Tenant.OfficeId is null || await db.Set<Grievance>().AsNoTracking().SingleOrDefaultAsync(g => g.Id == id, ct) is not { } g
            ? CaseProblem.NotFound
            : new CaseResult<IReadOnlyList<CaseNoteView>>(await NotesAsync(g, ct), null);

    /// <inheritdoc cref="NotesAsync(Guid, CancellationToken)"/>
    public async Task<IReadOnlyList<CaseNoteView>> NotesAsync(Grievance g, CancellationToken ct)
    {
        if (g.WrappedKey is null)
        {
            return [];
        }

        var person = db.Tenant.PersonId;
        var rows = await db.Set<CaseNote>().AsNoTracking()
            .Where(n => n.GrievanceId == g.Id && (n.Visibility == CaseNote.Internal || (person != null && n.AuthorPersonId == person)))
            .OrderBy(n => n.CreatedAt).ThenBy(n => n.Id).ToListAsync(ct);
        var key = crypto.Unwrap(g.WrappedKey, g.Id);
        return [.. rows.Select(n => new CaseNoteView(n.Id, n.Visibility, n.AuthorName, n.CreatedAt, TestimonyCrypto.Open(key, n.Ciphertext, n.Id)))];
    }

    /// <summary>
    /// Refers the case to a configured destination or a named outside organisation of <paramref name="kind"/>, only
    /// when the worker consented to that kind (DNH-5). The referral records the handoff and its follow-up; the office
    /// makes the contact itself (a dossier is sent only by escalation).
    /// </summary>
    public async Task<CaseResult<CaseReferralView>> ReferAsync(Guid id, Guid? destinationId, string? organisation, string? kind, DateOnly followUpBy, CancellationToken ct)
    {
        if (db.Tenant.OfficeId is not Guid office || await FindAsync(id, ct) is not { } g)
        {
            return CaseProblem.NotFound;
        }

        string to;
        if (destinationId is Guid destination)
        {
            if (await db.Set<EscalationDestination>().AsNoTracking().SingleOrDefaultAsync(d => d.Id == destination && d.Active, ct) is not { } d)
            {
                return CaseProblem.Invalid("destinationId", "No active escalation destination of this tenant has that id.");
            }

            (kind, to) = (d.Kind, d.Name);
        }
        else
        {
            to = organisation!;
        }

        if (!g.ConsentsTo(kind!))
        {
            return CaseProblem.Conflict($"The worker has not consented to their case going to a destination of kind '{kind}'.");
        }

        if (followUpBy < Today)
        {
            return CaseProblem.Invalid("followUpBy", "The follow-up date cannot be in the past.");
        }

        var referral = new CaseReferral
        {
            Id = Guid.NewGuid(),
            GrievanceId = g.Id,
            OfficeId = office,
            DestinationId = destinationId,
            Organisation = destinationId is null ? organisation : null,
            Kind = kind!,
            State = CaseReferral.Sent,
            FollowUpBy = followUpBy,
            CreatedOn = Today,
            UpdatedOn = Today,
        };
        db.Add(referral);
        await db.SaveChangesAsync(ct);
        return View(referral, to);
    }

    /// <summary>Moves a referral on (accepted, declined, referred on, closed) and, optionally, sets its next follow-up date.</summary>
    public async Task<CaseResult<CaseReferralView>> UpdateReferralAsync(Guid id, Guid referralId, string state, DateOnly? followUpBy, CancellationToken ct)
    {
        if (await db.Set<CaseReferral>().SingleOrDefaultAsync(r => r.Id == referralId && r.GrievanceId == id, ct) is not { } r)
        {
            return CaseProblem.NotFound;
        }

        if (followUpBy is DateOnly next && next < Today)
        {
            return CaseProblem.Invalid("followUpBy", "The follow-up date cannot be in the past.");
        }

        r.State = state;
        r.FollowUpBy = followUpBy ?? r.FollowUpBy;
        r.UpdatedOn = Today;
        await db.SaveChangesAsync(ct);
        return View(r, await DestinationNameAsync(r, ct));
    }

    public async Task<CaseResult<IReadOnlyList<CaseReferralView>>> ReferralsAsync(Guid id, CancellationToken ct)
    {
        if (!await CaseExistsAsync(id, ct))
        {
            return CaseProblem.NotFound;
        }

        var rows = await (
            from r in db.Set<CaseReferral>().AsNoTracking()
            join d in db.Set<EscalationDestination>().AsNoTracking() on r.DestinationId equals d.Id into ds
            from d in ds.DefaultIfEmpty()
            where r.GrievanceId == id
            orderby r.CreatedOn, r.Id
            select new { r, Name = d == null ? null : d.Name }).ToListAsync(ct);
        return new CaseResult<IReadOnlyList<CaseReferralView>>([.. rows.Select(x => View(x.r, x.Name ?? x.r.Organisation ?? string.Empty))], null);
    }

    public async Task<CaseResult<IReadOnlyList<ConsentEventView>>> ConsentHistoryAsync(Guid id, CancellationToken ct) =>
        !await CaseExistsAsync(id, ct)
            ? CaseProblem.NotFound
            : new CaseResult<IReadOnlyList<ConsentEventView>>(
                await db.Set<ConsentEvent>().AsNoTracking().Where(e => e.GrievanceId == id).OrderBy(e => e.Seq)
                    .Select(e => new ConsentEventView(e.Kind, e.Given, e.OnDay)).ToListAsync(ct),
                null);

    /// <summary>Office records (notes, referrals) exist only for an office's readers; for anyone else the case is not there.</summary>
    private async Task<bool> CaseExistsAsync(Guid id, CancellationToken ct) =>
        db.Tenant.OfficeId is not null && await db.Set<Grievance>().AnyAsync(g => g.Id == id, ct);

    private CaseReferralView View(CaseReferral r, string to) => new(
        r.Id, r.DestinationId, r.Organisation, to, r.Kind, r.State, r.FollowUpBy, r.CreatedOn, r.UpdatedOn, CaseReferral.IsOverdue(r.State, r.FollowUpBy, Today));

    private async Task<string> DestinationNameAsync(CaseReferral r, CancellationToken ct) =>
        r.DestinationId is Guid d
            ? await db.Set<EscalationDestination>().AsNoTracking().Where(x => x.Id == d).Select(x => x.Name).SingleAsync(ct)
            : r.Organisation ?? string.Empty;

    private async Task<string> AuthorNameAsync(CancellationToken ct) =>
        (await TenantSql.RowsAsync(
            db,
            "select coalesce((select display_name from people where id = @person), (select name from api_keys where id = @key), 'case handler')",
            r => r.GetString(0),
            ct,
            ("person", (object?)db.Tenant.PersonId ?? DBNull.Value),
            ("key", (object?)db.Tenant.ApiKeyId ?? DBNull.Value)))[0];
}
