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

    public sealed record TriageRequest(string[]? Indicators, string? Severity) : IValidatable
    {
        public void Validate(Validator v)
        {
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
            query = overdue ? query.Where(any) : query.Where(Negate(any));
        }

        var ordered = query.OrderByDescending(g => g.Critical).ThenBy(g => g.ReceivedAt).ThenBy(g => g.Id);
        return TypedResults.Ok(await ordered.ToPagedAsync(paging, g => GrievanceSummary.From(g, now), ct));
    }

    private static System.Linq.Expressions.Expression<Func<Grievance, bool>> Negate(System.Linq.Expressions.Expression<Func<Grievance, bool>> e) =>
        System.Linq.Expressions.Expression.Lambda<Func<Grievance, bool>>(System.Linq.Expressions.Expression.Not(e.Body), e.Parameters);

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

    private static async Task<Results<Created<ReplyView>, NotFound, ProblemHttpResult>> ReplyAsync(
        Guid id, ReplyRequest request, ComplianceDbContext db, WorkerIntake intake, TemplateStore templates, TimeProvider clock, CancellationToken ct)
    {
        if (await db.Set<Grievance>().SingleOrDefaultAsync(g => g.Id == id, ct) is not { } g)
        {
            return TypedResults.NotFound();
        }

        if (!WorkerIntake.AcceptsMessages(g))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "This case's testimony was deleted under retention; it takes no new messages.");
        }

        var text = request.Text
            ?? templates.Render($"worker/{g.Language}/replies/{request.Template}.sbn", new { g.CaseReference }).Trim();
        var message = intake.AddMessage(g, GrievanceMessage.Handler, text, db.Tenant.ApiKeyId);
        g.FeedbackAt ??= clock.GetUtcNow();
        g.FeedbackOverdue = false;
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/grievances/{g.Id}", new ReplyView(message.Id, message.SentAt, text));
    }

    private static async Task<Results<Ok<GrievanceSummary>, NotFound, ValidationProblem>> TriageAsync(
        Guid id, TriageRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (await db.Set<Grievance>().SingleOrDefaultAsync(g => g.Id == id, ct) is not { } g)
        {
            return TypedResults.NotFound();
        }

        // Triage adds to what the worker said; it never removes a category's indicator (no credibility score).
        var indicators = GrievanceCategories.IndicatorsFor(g.Categories).Concat(request.Indicators!).ToHashSet(StringComparer.Ordinal);
        var hardTrigger = HardTriggers.AnyFromWorker(indicators);
        var critical = g.Critical || hardTrigger || request.Severity == Severities.Critical;
        if (critical && request.Severity != Severities.Critical)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["severity"] = ["A critical case (critical category, CH01, FL05 or FL03) keeps severity 'critical'."],
            });
        }

        g.Indicators = [.. Indicators.All.Where(indicators.Contains)];
        g.Severity = request.Severity;
        if (critical && !g.Critical)
        {
            g.Critical = true;
            var sooner = GrievanceClocks.AcknowledgeBy(g.ReceivedAt, critical: true);
            g.AcknowledgeBy = sooner < g.AcknowledgeBy ? sooner : g.AcknowledgeBy;
        }

        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(GrievanceSummary.From(g, clock.GetUtcNow()));
    }

    private static async Task<Results<Ok<GrievanceSummary>, NotFound, ValidationProblem, ProblemHttpResult>> ChangeStatusAsync(
        Guid id, StatusRequest request, ComplianceDbContext db, TestimonyCrypto crypto, TimeProvider clock, CancellationToken ct)
    {
        if (await db.Set<Grievance>().SingleOrDefaultAsync(g => g.Id == id, ct) is not { } g)
        {
            return TypedResults.NotFound();
        }

        var to = request.Status!;
        if (!GrievanceStatuses.CanMove(g.Status, to))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"A case cannot move from '{g.Status}' to '{to}'.");
        }

        // DNH-8: a case that may concern a child is never closed or resolved without a recorded review.
        var ends = to is GrievanceStatuses.Closed or GrievanceStatuses.Resolved;
        if (ends && g.Indicators.Contains(Indicators.ChildUnder18) && string.IsNullOrWhiteSpace(request.ReviewNote))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["reviewNote"] = ["A case flagged CH01 (under 18) needs a review note to be resolved or closed."],
            });
        }

        var now = clock.GetUtcNow();
        if (request.ReviewNote is { } note && g.WrappedKey is not null)
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
        g.Status = to;
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(GrievanceSummary.From(g, now));
    }
}
