using Compliance.Api.Features.Effectiveness;
using Compliance.Api.Infrastructure.Http;
using Compliance.Domain.Reference;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>
/// The anonymous worker API (no authentication, no billing check: DNH-7). The receipt travels only in a body
/// or the <c>X-Receipt</c> header (DNH-9). Each handler runs its own tenant transaction.
/// </summary>
public static class IntakeApi
{
    public const string ReceiptHeader = "X-Receipt";

    public sealed record IntakeRequest(string? Language, string[]? Categories, string? Narrative, Dictionary<string, bool>? Consent) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.OneOf("language", Language, Languages.Supported);
            if (v.Check(Categories is { Length: > 0 }, "categories", "Tick at least one category."))
            {
                foreach (var code in Categories!.Where(c => !GrievanceCategories.IsValid(c)))
                {
                    v.Add("categories", $"Unknown category '{code}'. Must be one of: {string.Join(", ", GrievanceCategories.All)}.");
                }
            }

            ValidateText(v, "narrative", Narrative);
            ValidateConsent(v, Consent);
        }
    }

    public sealed record ReceiptRequest(string? Receipt);

    /// <summary>The effectiveness survey's two answers (issue #21): satisfaction 1–5; reprisal yes, no or prefer-not-to-say.</summary>
    public sealed record SurveyRequest(string? Receipt, int? Satisfaction, string? Reprisal) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.Range("satisfaction", Satisfaction, 1, 5);
            v.OneOf("reprisal", Reprisal, EffectivenessMetrics.ReprisalAnswers);
        }
    }

    public sealed record MessageRequest(string? Receipt, string? Message) : IValidatable
    {
        public void Validate(Validator v) => ValidateText(v, "message", Message);
    }

    public sealed record ConsentRequest(string? Receipt, Dictionary<string, bool>? Consent) : IValidatable
    {
        public void Validate(Validator v)
        {
            if (v.Required("consent", (object?)Consent))
            {
                ValidateConsent(v, Consent);
            }
        }
    }

    internal static void ValidateText(Validator v, string field, string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            v.Add(field, "Required.");
        }
        else
        {
            v.Check(text.Length <= WorkerIntake.MaxTextLength, field, $"At most {WorkerIntake.MaxTextLength} characters.");
        }
    }

    private static void ValidateConsent(Validator v, Dictionary<string, bool>? consent)
    {
        foreach (var kind in consent?.Keys.Where(k => !DestinationKinds.IsValid(k)) ?? [])
        {
            v.Add("consent", $"Unknown destination kind '{kind}'. Must be one of: {string.Join(", ", DestinationKinds.All)}.");
        }
    }

    public static void Map(RouteGroupBuilder api)
    {
        var intake = api.MapGroup("/intake").WithTags("Worker intake").AllowAnonymous();
        intake.MapPost("/{intakeCode}/grievances", FileAsync)
            .WithSummary("File an anonymous grievance from a site's poster code. Returns the receipt, shown once.");
        intake.MapPost("/follow-up", FollowUpAsync)
            .WithSummary("Read status and replies with the receipt (body or X-Receipt header).");
        intake.MapPost("/follow-up/messages", AddMessageAsync)
            .WithSummary("Add a message to the case with the receipt.");
        intake.MapPost("/follow-up/consent", ChangeConsentAsync)
            .WithSummary("Give or withdraw consent per destination kind with the receipt.");
        intake.MapPost("/follow-up/survey", AnswerSurveyAsync)
            .WithSummary("Answer the effectiveness survey once the case is resolved or closed: satisfaction 1-5, reprisal yes/no/prefer-not-to-say. One answer set per case (409 after).");
    }

    private static async Task<Results<Created<FiledGrievance>, NotFound, ProblemHttpResult>> FileAsync(
        string intakeCode, IntakeRequest request, HttpContext http, WorkerIntake intake, FilingLimiter limiter, WorkerLabels labels, CancellationToken ct)
    {
        if (await intake.ResolveIntakeCodeAsync(intakeCode, ct) is not { } site)
        {
            return TypedResults.NotFound();
        }

        if (!limiter.TryTake(http))
        {
            // Neutral, in the worker's language, and nothing is written (issue 16, hole 7).
            return TypedResults.Problem(
                statusCode: StatusCodes.Status429TooManyRequests,
                title: "Too many requests",
                detail: labels.For(request.Language!).Errors["too_many_reports"]);
        }

        var filed = await intake.FileAsync(
            site.TenantId,
            site.SiteId,
            new NewGrievance(request.Language!, request.Categories!, request.Narrative!, request.Consent ?? [], ReportChannels.Api),
            ct);
        return TypedResults.Created((string?)null, filed);
    }

    private static Task<Results<Ok<WorkerCaseView>, ProblemHttpResult>> FollowUpAsync(
        HttpContext http, ReceiptRequest? request, WorkerIntake intake, CancellationToken ct) =>
        WithCaseAsync(http, request?.Receipt, intake, _ => null, ct);

    /// <summary>A closed case whose testimony was deleted refuses new messages (409) in the worker's language, pointing to a new report.</summary>
    private static Task<Results<Ok<WorkerCaseView>, ProblemHttpResult>> AddMessageAsync(
        HttpContext http, MessageRequest request, WorkerIntake intake, WorkerLabels labels, CancellationToken ct) =>
        WithCaseAsync(http, request.Receipt, intake, g =>
        {
            if (!WorkerIntake.AcceptsMessages(g))
            {
                return labels.For(g.Language).Errors["case_closed"];
            }

            intake.AddMessage(g, GrievanceMessage.Worker, request.Message!, apiKeyId: null);
            return null;
        }, ct);

    private static Task<Results<Ok<WorkerCaseView>, ProblemHttpResult>> ChangeConsentAsync(
        HttpContext http, ConsentRequest request, WorkerIntake intake, CancellationToken ct) =>
        WithCaseAsync(http, request.Receipt, intake, g =>
        {
            intake.ChangeConsent(g, request.Consent!);
            return null;
        }, ct);

    /// <summary>The survey through the receipt: the same <see cref="EffectivenessSurvey.RecordAsync"/> as the web page and every channel.</summary>
    private static Task<Results<Ok<WorkerCaseView>, ProblemHttpResult>> AnswerSurveyAsync(
        HttpContext http, SurveyRequest request, WorkerIntake intake, EffectivenessSurvey survey, WorkerLabels labels, CancellationToken ct) =>
        WithCaseAwaitingAsync(http, request.Receipt, intake, async g => await survey.RecordAsync(g, request.Satisfaction!.Value, request.Reprisal!, ct) switch
        {
            SurveyOutcome.Recorded => null,
            SurveyOutcome.AlreadyAnswered => labels.For(g.Language).Survey.Answered,
            _ => "The survey is offered once the case is resolved or closed.",
        }, ct);

    private static Task<Results<Ok<WorkerCaseView>, ProblemHttpResult>> WithCaseAsync(
        HttpContext http, string? bodyReceipt, WorkerIntake intake, Func<Grievance, string?> change, CancellationToken ct) =>
        WithCaseAwaitingAsync(http, bodyReceipt, intake, g => Task.FromResult(change(g)), ct);

    /// <summary>
    /// Resolves the receipt (rate-limited), applies <paramref name="change"/> and commits its changes; a change that
    /// returns a refusal (in the worker's language) is a 409 and writes nothing.
    /// </summary>
    private static async Task<Results<Ok<WorkerCaseView>, ProblemHttpResult>> WithCaseAwaitingAsync(
        HttpContext http, string? bodyReceipt, WorkerIntake intake,
        Func<Grievance, Task<string?>> change, CancellationToken ct)
    {
        var (check, opened) = await intake.OpenAsync(http, bodyReceipt ?? http.Request.Headers[ReceiptHeader].ToString(), ct);
        if (opened is null)
        {
            return check == ReceiptCheck.TooManyAttempts
                ? TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many attempts. Try again later.")
                : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown receipt.");
        }

        await using var tx = opened.Transaction;
        if (await change(opened.Grievance) is { } refused)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: refused);
        }

        await intake.SaveAsync(ct);
        var view = await intake.ViewAsync(opened.Grievance, ct);
        await tx.CommitAsync(ct);
        return TypedResults.Ok(view);
    }
}
