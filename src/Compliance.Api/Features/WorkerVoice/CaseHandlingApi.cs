using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Templates;
using Compliance.Domain.Reference;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>
/// Case handling, for <c>case-handler</c> keys only (DNH-4). Never behind the billing guard (DNH-7). Every read
/// of a narrative is written to <c>narrative_access_log</c> in the same transaction (DNH-12).
/// </summary>
public static class CaseHandlingApi
{
    /// <summary>Reply templates under <c>templates/worker/&lt;lang&gt;/replies/</c>, one per name and language.</summary>
    public static readonly IReadOnlyList<string> ReplyTemplates = ["acknowledged", "in-progress", "more-information", "referred", "resolved"];

    public const int MaxReviewNoteLength = 4000;

    public sealed record GrievanceFilter(string? Status, Guid? SiteId, string? Category, string? Indicator, bool? Critical, bool? Overdue, bool? HeldForReview) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.OneOf("status", Status, GrievanceStatuses.All, required: false);
            v.OneOf("category", Category, GrievanceCategories.All, required: false);
            v.OneOf("indicator", Indicator, Indicators.All, required: false);
        }
    }

    public sealed record GrievanceSummary(
        Guid Id,
        string CaseReference,
        Guid SiteId,
        Guid SupplierId,
        string Language,
        IReadOnlyList<string> Categories,
        IReadOnlyList<string> Indicators,
        string? Severity,
        bool Critical,
        string Status,
        DateTimeOffset ReceivedAt,
        DateTimeOffset AcknowledgeBy,
        DateTimeOffset? AcknowledgedAt,
        DateTimeOffset FeedbackBy,
        DateTimeOffset? FeedbackAt,
        DateTimeOffset? ClosedAt,
        bool AcknowledgeOverdue,
        bool FeedbackOverdue,
        IReadOnlyDictionary<string, bool> Consent,
        bool TestimonyDeleted,
        bool HeldForReview)
    {
        public static GrievanceSummary From(Grievance g, DateTimeOffset now) => new(
            g.Id, g.CaseReference, g.SiteId, g.SupplierId, g.Language, g.Categories, g.Indicators, g.Severity, g.Critical, g.Status,
            g.ReceivedAt, g.AcknowledgeBy, g.AcknowledgedAt, g.FeedbackBy, g.FeedbackAt, g.ClosedAt,
            GrievanceClocks.IsAcknowledgeOverdue(g, now), GrievanceClocks.IsFeedbackOverdue(g, now), g.Consent(), g.TestimonyDeletedAt is not null, g.HeldForReview);
    }

    public sealed record CaseMessageView(Guid Id, string Author, DateTimeOffset SentAt, string Text);

    public sealed record GrievanceDetail(GrievanceSummary Case, string? Narrative, string? ReviewNote, IReadOnlyList<CaseMessageView> Messages);

    public sealed record ReplyRequest(string? Text, string? Template) : IValidatable
    {
        public void Validate(Validator v)
        {
            if (v.Check(Text is null ^ Template is null, "text", "Give either text or template, not both."))
            {
                if (Text is not null)
                {
                    IntakeApi.ValidateText(v, "text", Text);
                }
                else
                {
                    v.OneOf("template", Template, ReplyTemplates);
                }
            }
        }
    }

    /// <param name="SubStatus">The office's own word for where the case stands (at most 80 characters); the worker never sees it.</param>
    public sealed record TriageRequest(string[]? Indicators, string? Severity, string? SubStatus = null) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.Optional("subStatus", SubStatus, Casework.MaxSubStatusLength);
            if (v.Required("indicators", (object?)Indicators))
            {
                foreach (var code in Indicators!.Where(c => !Compliance.Domain.Reference.Indicators.IsValid(c)))
                {
                    v.Add("indicators", $"Unknown indicator '{code}'.");
                }
            }

            v.OneOf("severity", Severity, Severities.All);
        }
    }

    public sealed record StatusRequest(string? Status, string? ReviewNote) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.OneOf("status", Status, GrievanceStatuses.All);
            v.Optional("reviewNote", ReviewNote, MaxReviewNoteLength);
        }
    }

    public sealed record NoteRequest(string? Visibility, string? Text) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.OneOf("visibility", Visibility, CaseNote.Visibilities);
            v.Required("text", Text, CaseNote.MaxLength);
        }
    }

    /// <param name="DestinationId">A configured escalation destination of the tenant; or give <paramref name="Organisation"/> and <paramref name="Kind"/>.</param>
    /// <param name="Organisation">A named outside organisation (at most 200 characters).</param>
    /// <param name="Kind">The outside organisation's destination kind: the worker must have consented to it.</param>
    /// <param name="FollowUpBy">The day the office checks what became of the referral (today or later).</param>
    public sealed record ReferralRequest(Guid? DestinationId, string? Organisation, string? Kind, DateOnly? FollowUpBy) : IValidatable
    {
        public void Validate(Validator v)
        {
            if (v.Check(DestinationId is null ^ Organisation is null, "organisation", "Give either destinationId or organisation, not both.")
                && Organisation is not null)
            {
                v.Optional("organisation", Organisation, CaseReferral.MaxOrganisationLength);
                v.OneOf("kind", Kind, DestinationKinds.All);
            }
            else if (DestinationId is not null)
            {
                v.Check(Kind is null, "kind", "A destination's kind is its own; give kind only with organisation.");
            }

            v.Required("followUpBy", (object?)FollowUpBy);
        }
    }

    public sealed record ReferralUpdate(string? State, DateOnly? FollowUpBy) : IValidatable
    {
        public void Validate(Validator v) => v.OneOf("state", State, CaseReferral.States);
    }

    public sealed record ReplyView(Guid Id, DateTimeOffset SentAt, string Text);

    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/grievances").WithTags("Case handling")
            .RequireAuthorization(Policies.CaseHandler).AddEndpointFilter<UnitOfWorkFilter>();
        group.MapGet("/", ListAsync).WithSummary("List grievances, filtered by status, site, category, indicator, critical, overdue.");
        group.MapGet("/{id:guid}", ReadAsync).WithSummary("Read a grievance with its narrative and messages; the read is logged.");
        group.MapPost("/{id:guid}/replies", ReplyAsync).WithSummary("Reply to the worker with free text or a template in the worker's language.");
        group.MapPut("/{id:guid}/triage", TriageAsync).WithSummary("Set indicators (added to the categories' ones) and severity.");
        group.MapPost("/{id:guid}/confirm", ConfirmAsync)
            .WithSummary("Confirm a report held for review (its intake code was over the daily ceiling): it then counts in statistics and risk evidence.");
        group.MapPost("/{id:guid}/status", ChangeStatusAsync).WithSummary("Move the case: received → acknowledged → in-progress → resolved | referred | closed.");
        group.MapGet("/{id:guid}/notes", ListNotesAsync).WithSummary("The office's internal notes and the caller's own private notes. Never shown to the worker, never in a dossier.");
        group.MapPost("/{id:guid}/notes", AddNoteAsync).WithSummary("Add an internal note (the office) or a private note (its author only; people, not keys).");
        group.MapGet("/{id:guid}/referrals", ListReferralsAsync).WithSummary("The case's referrals with their state and follow-up date.");
        group.MapPost("/{id:guid}/referrals", ReferAsync).WithSummary("Refer the case to a destination or a named organisation the worker consented to (DNH-5), with a follow-up date.");
        group.MapPut("/{id:guid}/referrals/{referralId:guid}", UpdateReferralAsync).WithSummary("Track a referral: sent, accepted, declined, referred-on, closed; optionally a new follow-up date.");
        group.MapGet("/{id:guid}/consent-history", ConsentHistoryAsync).WithSummary("Every change of the worker's consent per destination kind, at day precision.");
    }

    private static async Task<Ok<Paged<GrievanceSummary>>> ListAsync(
        [AsParameters] PageQuery paging, [AsParameters] GrievanceFilter filter, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var query = db.Set<Grievance>().AsNoTracking();
        if (filter.Status is not null)
        {
            query = query.Where(g => g.Status == filter.Status);
        }

        if (filter.SiteId is Guid siteId)
        {
            query = query.Where(g => g.SiteId == siteId);
        }

        if (filter.Category is not null)
        {
            query = query.Where(g => g.Categories.Contains(filter.Category));
        }

        if (filter.Indicator is not null)
        {
            query = query.Where(g => g.Indicators.Contains(filter.Indicator));
        }

        if (filter.HeldForReview is bool held)
        {
            query = query.Where(g => g.HeldForReview == held);
        }

        if (filter.Critical is bool critical)
        {
            query = query.Where(g => g.Critical == critical);
        }

        if (filter.Overdue is bool overdue)
        {
            var any = GrievanceClocks.AnyOverdue(now);
            query = overdue ? query.Where(any) : query.Where(GrievanceClocks.Not(any));
        }

        var ordered = query.OrderByDescending(g => g.Critical).ThenBy(g => g.ReceivedAt).ThenBy(g => g.Id);
        return TypedResults.Ok(await ordered.ToPagedAsync(paging, g => GrievanceSummary.From(g, now), ct));
    }

    private static async Task<Results<Ok<GrievanceDetail>, NotFound>> ReadAsync(Guid id, TestimonyReader reader, TimeProvider clock, CancellationToken ct)
    {
        if (await reader.ReadForHandlerAsync(id, ct) is not { } opened)
        {
            return TypedResults.NotFound();
        }

        return TypedResults.Ok(new GrievanceDetail(
            GrievanceSummary.From(opened.Grievance, clock.GetUtcNow()),
            opened.Narrative,
            opened.ReviewNote,
            [.. opened.Messages.Select(m => new CaseMessageView(m.Id, m.Author, m.SentAt, m.Text))]));
    }

    /// <summary>A person has looked at a held report and judges it genuine; idempotent.</summary>
    private static async Task<Results<Ok<GrievanceSummary>, NotFound>> ConfirmAsync(Guid id, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (await db.Set<Grievance>().SingleOrDefaultAsync(g => g.Id == id, ct) is not { } g)
        {
            return TypedResults.NotFound();
        }

        g.HeldForReview = false;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(GrievanceSummary.From(g, clock.GetUtcNow()));
    }

    private static async Task<Results<Created<ReplyView>, NotFound, ValidationProblem, ProblemHttpResult>> ReplyAsync(Guid id, ReplyRequest request, Casework casework, CancellationToken ct) =>
        Answer(await casework.ReplyAsync(id, request.Text, request.Template, ct), m => TypedResults.Created($"/api/v1/grievances/{id}", new ReplyView(m.Id, m.SentAt, m.Text)));

    private static async Task<Results<Ok<GrievanceSummary>, NotFound, ValidationProblem, ProblemHttpResult>> TriageAsync(Guid id, TriageRequest request, Casework casework, TimeProvider clock, CancellationToken ct) =>
        Answer(await casework.TriageAsync(id, request.Indicators!, request.Severity!, request.SubStatus, ct), g => TypedResults.Ok(GrievanceSummary.From(g, clock.GetUtcNow())));

    private static async Task<Results<Ok<GrievanceSummary>, NotFound, ValidationProblem, ProblemHttpResult>> ChangeStatusAsync(Guid id, StatusRequest request, Casework casework, TimeProvider clock, CancellationToken ct) =>
        Answer(await casework.ChangeStatusAsync(id, request.Status!, request.ReviewNote, ct), g => TypedResults.Ok(GrievanceSummary.From(g, clock.GetUtcNow())));

    private static async Task<Results<Ok<IReadOnlyList<CaseNoteView>>, NotFound, ValidationProblem, ProblemHttpResult>> ListNotesAsync(Guid id, Casework casework, CancellationToken ct) =>
        Answer(await casework.NotesAsync(id, ct), TypedResults.Ok);

    private static async Task<Results<Created<CaseNoteView>, NotFound, ValidationProblem, ProblemHttpResult>> AddNoteAsync(Guid id, NoteRequest request, Casework casework, CancellationToken ct) =>
        Answer(await casework.AddNoteAsync(id, request.Visibility!, request.Text!, ct), n => TypedResults.Created($"/api/v1/grievances/{id}/notes", n));

    private static async Task<Results<Ok<IReadOnlyList<CaseReferralView>>, NotFound, ValidationProblem, ProblemHttpResult>> ListReferralsAsync(Guid id, Casework casework, CancellationToken ct) =>
        Answer(await casework.ReferralsAsync(id, ct), TypedResults.Ok);

    private static async Task<Results<Created<CaseReferralView>, NotFound, ValidationProblem, ProblemHttpResult>> ReferAsync(Guid id, ReferralRequest request, Casework casework, CancellationToken ct) =>
        Answer(
            await casework.ReferAsync(id, request.DestinationId, request.Organisation, request.Kind, request.FollowUpBy!.Value, ct),
            r => TypedResults.Created($"/api/v1/grievances/{id}/referrals/{r.Id}", r));

    private static async Task<Results<Ok<CaseReferralView>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateReferralAsync(Guid id, Guid referralId, ReferralUpdate request, Casework casework, CancellationToken ct) =>
        Answer(await casework.UpdateReferralAsync(id, referralId, request.State!, request.FollowUpBy, ct), TypedResults.Ok);

    private static async Task<Results<Ok<IReadOnlyList<ConsentEventView>>, NotFound, ValidationProblem, ProblemHttpResult>> ConsentHistoryAsync(Guid id, Casework casework, CancellationToken ct) =>
        Answer(await casework.ConsentHistoryAsync(id, ct), TypedResults.Ok);

    /// <summary>A case operation's outcome as the API answers it: its result, 404, a 400 naming the field, or a 409.</summary>
    internal static Results<TOk, NotFound, ValidationProblem, ProblemHttpResult> Answer<T, TOk>(CaseResult<T> done, Func<T, TOk> ok)
        where TOk : IResult => done.Problem switch
        {
            null => ok(done.Value!),
            { Status: StatusCodes.Status404NotFound } => TypedResults.NotFound(),
            { Field: { } field } p => TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [p.Title] }),
            var p => TypedResults.Problem(statusCode: p.Status, title: p.Title),
        };
}
