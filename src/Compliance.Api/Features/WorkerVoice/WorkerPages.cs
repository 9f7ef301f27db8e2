using Compliance.Api.Features.Effectiveness;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Templates;
using Compliance.Domain.Reference;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>
/// Server-rendered worker pages (DNH-10, DNH-11): no JavaScript, no cookies, no third-party assets, neutral
/// title, <c>lang</c> set. The receipt travels only in POST bodies and is shown only on the receipt page and in
/// hidden form fields (DNH-9).
/// </summary>
public static class WorkerPages
{
    public static void Map(WebApplication app)
    {
        var pages = app.MapGroup("/v").AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        pages.MapGet("/follow-up", FollowUpForm);
        pages.MapPost("/follow-up", FollowUpAsync);
        pages.MapPost("/follow-up/messages", AddMessageAsync);
        pages.MapPost("/follow-up/consent", ChangeConsentAsync);
        pages.MapPost("/follow-up/survey", AnswerSurveyAsync);
        pages.MapGet("/{intakeCode}", ChooseLanguageAsync);
        pages.MapGet("/{intakeCode}/{lang}", IntakeFormAsync);
        pages.MapPost("/{intakeCode}/{lang}", SubmitAsync);
    }

    private static string Layout(TemplateStore templates, string lang, string body) => templates.Render("worker/_layout.sbn", new { Lang = lang, Body = body });

    private static IResult Content(string html, int status = StatusCodes.Status200OK) => Results.Content(html, "text/html; charset=utf-8", statusCode: status);

    private static IResult Html(TemplateStore templates, string lang, string body, int status = StatusCodes.Status200OK) => Content(Layout(templates, lang, body), status);

    private static IResult Page(TemplateStore templates, string lang, string name, object model, int status = StatusCodes.Status200OK) =>
        Content(PageHtml(templates, lang, name, model), status);

    private static string PageHtml(TemplateStore templates, string lang, string name, object model) =>
        Layout(templates, lang, templates.Render($"worker/{lang}/{name}.sbn", model));

    /// <summary>The "Who reads your report" section (issue #18), rendered in the page's language for the page to embed.</summary>
    private static string WhoReadsHtml(TemplateStore templates, Labels texts, IReadOnlyList<ReadingOffice> offices) =>
        templates.Render("worker/_who-reads.sbn", WhoReads.Section(texts.WhoReads, offices));

    private static IResult NotFoundPage(TemplateStore templates) => Html(templates, "en", "<h1>Worker Voice</h1>", StatusCodes.Status404NotFound);

    private static string FollowUpUrl(string lang) => $"/v/follow-up?lang={lang}";

    private static string LanguageOf(HttpContext http) => http.Request.Query["lang"].ToString() is { } l && Languages.IsSupported(l) ? l : "en";

    private static async Task<IResult> ChooseLanguageAsync(string intakeCode, WorkerIntake intake, TemplateStore templates, CancellationToken ct)
    {
        if (await intake.ResolveIntakeCodeAsync(intakeCode, ct) is null)
        {
            return NotFoundPage(templates);
        }

        var languages = Languages.Supported.Select(l => new { Code = l, NativeName = Languages.NativeNames[l], Url = $"/v/{intakeCode}/{l}" }).ToList();
        return Html(templates, "en", templates.Render("worker/_choose-language.sbn", new { Languages = languages }));
    }

    private static async Task<IResult> IntakeFormAsync(
        string intakeCode, string lang, WorkerIntake intake, WhoReads whoReads, TemplateStore templates, WorkerLabels labels, CancellationToken ct)
    {
        if (!Languages.IsSupported(lang) || await intake.ResolveIntakeCodeAsync(intakeCode, ct) is not { } site)
        {
            return NotFoundPage(templates);
        }

        var readers = await whoReads.ForTenantAsync(site.TenantId, ct);
        return Content(IntakePage(templates, labels, intakeCode, lang, readers.Offices, [], [], string.Empty, [], readers.OwnerDestinations));
    }

    /// <summary>
    /// The whole intake form page. It promises that the employer cannot see what the worker writes only when
    /// <see cref="WhoReads.EmployerCannotSee"/> holds for <paramref name="offices"/> and the owner's escalation
    /// destinations, and always says who reads.
    /// </summary>
    internal static string IntakePage(
        TemplateStore templates, WorkerLabels labels, string intakeCode, string lang, IReadOnlyList<ReadingOffice> offices,
        IReadOnlyCollection<string> categories, IReadOnlyCollection<string> consent, string narrative, IReadOnlyList<string> errors,
        int ownerDestinations = 0)
    {
        var texts = labels.For(lang);
        return PageHtml(templates, lang, "intake", new
        {
            Lang = lang,
            Action = $"/v/{intakeCode}/{lang}",
            Categories = GrievanceCategories.All.Select(c => new { Code = c, Label = texts.Categories[c], Checked = categories.Contains(c) }).ToList(),
            ConsentKinds = ConsentKinds(texts, consent),
            Narrative = narrative,
            Errors = errors,
            FollowUpUrl = FollowUpUrl(lang),
            EmployerCannotSee = WhoReads.EmployerCannotSee(offices, ownerDestinations),
            EmployerCannotSeeText = texts.WhoReads.EmployerCannotSee,
            WhoReads = WhoReadsHtml(templates, texts, offices),
        });
    }

    private static List<object> ConsentKinds(Labels texts, IReadOnlyCollection<string> given) =>
        [.. DestinationKinds.All.Select(k => (object)new { Kind = k, Label = texts.Consent[k].Label, Help = texts.Consent[k].Help, Checked = given.Contains(k) })];

    private static async Task<IResult> SubmitAsync(
        string intakeCode, string lang, HttpContext http, WorkerIntake intake, WhoReads whoReads, FilingLimiter limiter, TemplateStore templates, WorkerLabels labels,
        CancellationToken ct)
    {
        if (!Languages.IsSupported(lang) || await intake.ResolveIntakeCodeAsync(intakeCode, ct) is not { } site)
        {
            return NotFoundPage(templates);
        }

        var form = await http.Request.ReadFormAsync(ct);
        var categories = form["categories"].Where(c => c is not null).Select(c => c!).ToArray();
        var consentKinds = form["consent"].Where(c => c is not null).Select(c => c!).ToArray();
        var narrative = form["narrative"].ToString();
        var request = new IntakeApi.IntakeRequest(lang, categories, narrative, consentKinds.Where(DestinationKinds.IsValid).Distinct().ToDictionary(k => k, _ => true));
        var validator = new Validator();
        request.Validate(validator);
        if (!validator.IsValid || consentKinds.Any(k => !DestinationKinds.IsValid(k)))
        {
            var texts = labels.For(lang);
            var errors = new List<string>();
            if (validator.Errors.ContainsKey("categories"))
            {
                errors.Add(texts.Errors["categories"]);
            }

            if (validator.Errors.ContainsKey("narrative"))
            {
                errors.Add(texts.Errors[narrative.Length > WorkerIntake.MaxTextLength ? "narrative_too_long" : "narrative"]);
            }

            var readers = await whoReads.ForTenantAsync(site.TenantId, ct);
            return Content(
                IntakePage(templates, labels, intakeCode, lang, readers.Offices, categories, consentKinds, narrative, errors, readers.OwnerDestinations),
                StatusCodes.Status400BadRequest);
        }

        if (!limiter.TryTake(http))
        {
            var readers = await whoReads.ForTenantAsync(site.TenantId, ct);
            return Content(
                IntakePage(templates, labels, intakeCode, lang, readers.Offices, categories, consentKinds, narrative, [labels.For(lang).Errors["too_many_reports"]], readers.OwnerDestinations),
                StatusCodes.Status429TooManyRequests);
        }

        var filed = await intake.FileAsync(site.TenantId, site.SiteId, new NewGrievance(lang, categories, narrative, request.Consent!), ct);
        return Page(templates, lang, "receipt", new { filed.Receipt, filed.CaseReference, FollowUpUrl = FollowUpUrl(lang) });
    }

    private static IResult FollowUpForm(HttpContext http, TemplateStore templates) => ReceiptForm(templates, LanguageOf(http), []);

    private static IResult ReceiptForm(TemplateStore templates, string lang, IReadOnlyList<string> errors, int status = StatusCodes.Status200OK) =>
        Page(templates, lang, "follow-up", new { Action = FollowUpUrl(lang), Errors = errors }, status);

    private static Task<IResult> FollowUpAsync(
        HttpContext http, WorkerIntake intake, WhoReads whoReads, EffectivenessSurvey survey, TemplateStore templates, WorkerLabels labels, CancellationToken ct) =>
        WithCaseAsync(http, intake, whoReads, survey, templates, labels, (_, _) => null, ct);

    private static Task<IResult> AddMessageAsync(
        HttpContext http, WorkerIntake intake, WhoReads whoReads, EffectivenessSurvey survey, TemplateStore templates, WorkerLabels labels, CancellationToken ct) =>
        WithCaseAsync(http, intake, whoReads, survey, templates, labels, (g, form) =>
        {
            var message = form["message"].ToString();
            var v = new Validator();
            IntakeApi.ValidateText(v, "message", message);
            if (!v.IsValid)
            {
                return labels.For(g.Language).Errors[message.Length > WorkerIntake.MaxTextLength ? "narrative_too_long" : "message"];
            }

            if (!WorkerIntake.AcceptsMessages(g))
            {
                return labels.For(g.Language).Errors["case_closed"];
            }

            intake.AddMessage(g, GrievanceMessage.Worker, message, apiKeyId: null);
            return null;
        }, ct);

    private static Task<IResult> ChangeConsentAsync(
        HttpContext http, WorkerIntake intake, WhoReads whoReads, EffectivenessSurvey survey, TemplateStore templates, WorkerLabels labels, CancellationToken ct) =>
        WithCaseAsync(http, intake, whoReads, survey, templates, labels, (g, form) =>
        {
            var ticked = form["consent"].ToArray();
            intake.ChangeConsent(g, DestinationKinds.All.Select(k => KeyValuePair.Create(k, ticked.Contains(k))));
            return null;
        }, ct);

    /// <summary>The effectiveness survey's answers (issue #21): recorded once per ended case, never replaced.</summary>
    private static Task<IResult> AnswerSurveyAsync(
        HttpContext http, WorkerIntake intake, WhoReads whoReads, EffectivenessSurvey survey, TemplateStore templates, WorkerLabels labels, CancellationToken ct) =>
        WithCaseAwaitingAsync(http, intake, whoReads, survey, templates, labels, async (g, form) =>
        {
            var satisfaction = int.TryParse(form["satisfaction"].ToString(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var s) ? s : 0;
            var outcome = await survey.RecordAsync(g, satisfaction, form["reprisal"].ToString(), ct);
            http.Items[SurveyRecorded] = outcome == SurveyOutcome.Recorded;
            return outcome is SurveyOutcome.Invalid or SurveyOutcome.NotEnded ? labels.For(g.Language).Survey.Error : null;
        }, ct);

    /// <summary>
    /// Opens the case by the posted receipt, applies <paramref name="change"/> (which returns an error text or
    /// null), commits only when there was no error, and renders the case in the worker's language.
    /// </summary>
    private static Task<IResult> WithCaseAsync(
        HttpContext http, WorkerIntake intake, WhoReads whoReads, EffectivenessSurvey survey, TemplateStore templates, WorkerLabels labels,
        Func<Grievance, IFormCollection, string?> change, CancellationToken ct) =>
        WithCaseAwaitingAsync(http, intake, whoReads, survey, templates, labels, (g, form) => Task.FromResult(change(g, form)), ct);

    private static async Task<IResult> WithCaseAwaitingAsync(
        HttpContext http, WorkerIntake intake, WhoReads whoReads, EffectivenessSurvey survey, TemplateStore templates, WorkerLabels labels,
        Func<Grievance, IFormCollection, Task<string?>> change, CancellationToken ct)
    {
        var lang = LanguageOf(http);
        var form = await http.Request.ReadFormAsync(ct);
        // The follow-up page's own forms carry a session token, never the receipt (DNH-9); a typed receipt opens the case first.
        var (check, opened) = form.ContainsKey("session")
            ? await intake.OpenSessionAsync(http, form["session"].ToString(), ct)
            : await intake.OpenAsync(http, form["receipt"].ToString(), ct);
        if (opened is null)
        {
            return check == ReceiptCheck.TooManyAttempts
                ? ReceiptForm(templates, lang, [labels.For(lang).Errors["too_many_attempts"]], StatusCodes.Status429TooManyRequests)
                : ReceiptForm(templates, lang, [labels.For(lang).Errors["receipt_not_found"]], StatusCodes.Status404NotFound);
        }

        await using var tx = opened.Transaction;
        var g = opened.Grievance;
        var error = await change(g, form);
        if (error is null)
        {
            await intake.SaveAsync(ct);
        }

        // Read inside the transaction: outside it no tenant is set and row-level security shows nothing.
        var view = await intake.ViewAsync(g, ct);
        var surveyState = !EffectivenessSurvey.Offered(g) ? null
            : !await survey.AnsweredAsync(g, ct) ? SurveyForm
            : http.Items[SurveyRecorded] is true ? SurveyThanks : SurveyAnswered;
        if (error is null)
        {
            await tx.CommitAsync(ct);
        }

        // The grievance's tenant, not the worker's say: the same offices the intake page showed, as they are now.
        var offices = (await whoReads.ForTenantAsync(g.TenantId, ct)).Offices;
        var session = intake.SessionFor(g);
        return Content(
            FollowUpResultPage(templates, labels.For(g.Language), view, session, offices, error, surveyState),
            error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest);
    }

    private const string SurveyRecorded = "effectiveness.survey.recorded";
    private const string SurveyForm = "form";
    private const string SurveyThanks = "thanks";
    private const string SurveyAnswered = "answered";

    /// <summary>The survey section in the case's language: its form, thanks, or "already answered"; empty while the case runs.</summary>
    private static string SurveyHtml(TemplateStore templates, Labels texts, string language, string session, string? state) =>
        state is null ? string.Empty : templates.Render("worker/_survey.sbn", new
        {
            Texts = texts.Survey,
            State = state,
            Session = session,
            Action = $"/v/follow-up/survey?lang={language}",
            Satisfaction = texts.Survey.SatisfactionOptions.Select(o => new { Value = o.Key, Label = o.Value }).ToList(),
            Reprisal = texts.Survey.ReprisalOptions.Select(o => new { Value = o.Key, Label = o.Value }).ToList(),
        });

    /// <summary>The whole follow-up result page in the case's language, with who reads the case's tenant's reports.</summary>
    /// <param name="surveyState">The effectiveness survey's section: <c>form</c>, <c>thanks</c>, <c>answered</c>, or null (not offered).</param>
    internal static string FollowUpResultPage(
        TemplateStore templates, Labels texts, WorkerCaseView view, string session, IReadOnlyList<ReadingOffice> offices, string? error, string? surveyState = null) =>
        PageHtml(templates, view.Language, "follow-up-result", new
        {
            view.CaseReference,
            view.StatusLabel,
            view.NextStep,
            ReceivedOn = view.ReceivedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            Replies = view.Replies.Select(r => new { SentOn = r.SentOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), r.Text }).ToList(),
            Messages = view.Messages.Select(m => new { SentOn = m.SentOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), m.Text }).ToList(),
            Session = session,
            MessageAction = $"/v/follow-up/messages?lang={view.Language}",
            ConsentAction = $"/v/follow-up/consent?lang={view.Language}",
            ConsentKinds = ConsentKinds(texts, [.. view.Consent.Where(kv => kv.Value).Select(kv => kv.Key)]),
            Errors = error is null ? [] : new[] { error },
            WhoReads = WhoReadsHtml(templates, texts, offices),
            Survey = SurveyHtml(templates, texts, view.Language, session, surveyState),
        });
}
