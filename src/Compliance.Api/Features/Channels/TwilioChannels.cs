using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Compliance.Api.Features.Effectiveness;
using Compliance.Api.Features.Foundation;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Database;
using Compliance.Domain.Reference;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Twilio.Security;
using Twilio.TwiML;
using Twilio.TwiML.Voice;

namespace Compliance.Api.Features.Channels;

/// <summary>
/// Twilio's webhooks: SMS (<c>/channels/twilio/sms</c>) and the keypad IVR (<c>/channels/twilio/voice</c>, then
/// <c>/channels/twilio/voice/gather/{step}</c>). Every request's <c>X-Twilio-Signature</c> is checked with the Twilio
/// package's <see cref="RequestValidator"/> against <c>Channels:PublicBaseUrl</c> + the path (the URL Twilio called, as
/// seen before any TLS-terminating proxy). A refused request writes nothing and logs only the refusal.
/// </summary>
public static class TwilioChannels
{
    /// <summary>
    /// Languages with a text-to-speech voice at Twilio (its Google voices; Amazon Polly has none of these but English):
    /// BCP-47 tag and voice. Nepali, Burmese and Khmer have none, so the first menu offers them SMS instead.
    /// </summary>
    public static readonly IReadOnlyDictionary<string, (string Tag, string Voice)> Voices = new Dictionary<string, (string, string)>(StringComparer.Ordinal)
    {
        ["en"] = ("en-US", "Google.en-US-Standard-C"),
        ["ms"] = ("ms-MY", "Google.ms-MY-Standard-A"),
        ["id"] = ("id-ID", "Google.id-ID-Standard-A"),
        ["bn"] = ("bn-IN", "Google.bn-IN-Standard-C"),
        ["vi"] = ("vi-VN", "Google.vi-VN-Standard-A"),
    };

    /// <summary>English names, spoken in the first menu for the languages Twilio cannot speak.</summary>
    private static readonly Dictionary<string, string> EnglishNames = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["ne"] = "Nepali",
        ["my"] = "Burmese",
        ["km"] = "Khmer",
    };

    public const string SmsPath = "/channels/twilio/sms";
    public const string VoicePath = "/channels/twilio/voice";
    public const string SmsStatusPath = "/channels/twilio/sms/status";

    public static void Map(RouteGroupBuilder channels)
    {
        channels.MapPost("/twilio/sms", SmsAsync);
        channels.MapPost("/twilio/sms/status", SmsStatusAsync);
        channels.MapPost("/twilio/voice", CallAsync);
        channels.MapPost("/twilio/voice/gather/{step}", GatherAsync);
    }

    /// <summary>The 503 of an unconfigured channel, or the 403 of a bad signature; null when the request may go on.</summary>
    private static async Task<(IResult? Refusal, IFormCollection Form)> CheckAsync(HttpRequest request, ChannelsOptions options, ILogger logger, CancellationToken ct)
    {
        if (options.MissingForTwilio() is { } missing)
        {
            return (ChannelsModule.Unconfigured(missing), FormCollection.Empty);
        }

        var form = request.HasFormContentType ? await request.ReadFormAsync(ct) : FormCollection.Empty;
        var url = options.PublicBaseUrl!.TrimEnd('/') + request.Path + request.QueryString;
        var parameters = form.ToDictionary(f => f.Key, f => f.Value.ToString(), StringComparer.Ordinal);
        var signature = request.Headers["X-Twilio-Signature"].ToString();
        if (signature.Length == 0 || !new RequestValidator(options.Twilio.AuthToken).Validate(url, parameters, signature))
        {
            logger.LogWarning("Twilio webhook refused: missing or wrong signature on {Path}", request.Path.Value);
            return (ChannelsModule.Refused(), form);
        }

        return (null, form);
    }

    private static async Task<IResult> SmsAsync(
        HttpRequest request, IOptions<ChannelsOptions> options, TextConversations conversations, ILoggerFactory logs, CancellationToken ct)
    {
        var (refusal, form) = await CheckAsync(request, options.Value, logs.CreateLogger(typeof(TwilioChannels)), ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var sid = form["MessageSid"].ToString();
        var reply = await conversations.HandleAsync(
            new InboundText(
                MessagingChannels.Sms, form["From"].ToString(), form["To"].ToString(), form["Body"].ToString(), sid, sid,
                Media: int.TryParse(form["NumMedia"], NumberStyles.None, CultureInfo.InvariantCulture, out var media) && media > 0),
            ct);
        // Each reply reports its final status to us: only then do we learn its SID, to have Twilio's copy deleted too.
        var status = new Uri(options.Value.PublicBaseUrl!.TrimEnd('/') + SmsStatusPath);
        var twiml = new MessagingResponse();
        foreach (var part in SmsSegments.Messages(reply))
        {
            twiml.Message(part, action: status, method: Twilio.Http.HttpMethod.Post);
        }

        return Xml(twiml.ToString());
    }

    /// <summary>
    /// Status callbacks of our replies: once a reply is final (delivered, undelivered, failed), its SID is queued for
    /// deletion at Twilio like the worker's messages (a reply can carry the receipt).
    /// </summary>
    private static async Task<IResult> SmsStatusAsync(
        HttpRequest request, IOptions<ChannelsOptions> options, NumberResolver numbers, ProviderDeletions deletions, ILoggerFactory logs, CancellationToken ct)
    {
        var (refusal, form) = await CheckAsync(request, options.Value, logs.CreateLogger(typeof(TwilioChannels)), ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var sid = form["MessageSid"].ToString();
        if (form["MessageStatus"].ToString() is "delivered" or "undelivered" or "failed" && ProviderDeletions.IsSid(sid)
            && (await numbers.ResolveAsync(MessagingChannels.Sms, form["From"].ToString(), ct) ?? await numbers.ResolveAsync(MessagingChannels.Voice, form["From"].ToString(), ct)) is { } service)
        {
            await deletions.QueueAsync(service.TenantId, [sid], ct);
        }

        return Results.Ok();
    }

    private static async Task<IResult> CallAsync(
        HttpRequest request, IOptions<ChannelsOptions> options, ConversationStore store, NumberResolver numbers, ChannelTexts texts, ProviderDeletions deletions,
        ILoggerFactory logs, CancellationToken ct)
    {
        var (refusal, form) = await CheckAsync(request, options.Value, logs.CreateLogger(typeof(TwilioChannels)), ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var response = new VoiceResponse();
        if (await numbers.ResolveAsync(MessagingChannels.Voice, form["To"].ToString(), ct) is not { } service)
        {
            return Xml(response.Hangup().ToString());
        }

        var conversation = new Conversation
        {
            Channel = MessagingChannels.Voice,
            TenantId = service.TenantId,
            Sites = service.Sites,
            SiteId = service.Sites is [var only] ? only : null,
        };
        // Recorded as the call starts, so a caller who hangs up half-way still has the call deleted at Twilio by the
        // hourly sweep (Twilio refuses while the call lasts; the SID stays queued and the next run retries).
        await deletions.RecordAsync(conversation, form["CallSid"].ToString(), ct);

        store.Set(store.KeyOf(MessagingChannels.Voice, form["From"].ToString()), conversation);
        return Xml(LanguageMenu(response, texts).ToString());
    }

    /// <summary>Each language Twilio can speak, in that language; the others offered SMS, in English.</summary>
    private static VoiceResponse LanguageMenu(VoiceResponse response, ChannelTexts texts)
    {
        var gather = Gather("language", numDigits: 1);
        foreach (var (lang, i) in Languages.Supported.Select((l, i) => (l, i + 1)))
        {
            if (Voices.ContainsKey(lang))
            {
                Say(gather, lang, texts, "voice_menu_item", ("digit", Digit(i)));
            }
        }

        foreach (var (lang, i) in Languages.Supported.Select((l, i) => (l, i + 1)).Where(p => !Voices.ContainsKey(p.l)))
        {
            Say(gather, "en", texts, "voice_sms_offer", ("name", EnglishNames[lang]), ("digit", Digit(i)));
        }

        return response.Append(gather);
    }

    private static async Task<IResult> GatherAsync(
        string step, HttpRequest request, IOptions<ChannelsOptions> options, ConversationStore store, ChannelTexts texts, TextConversations conversations,
        WorkerIntake intake, ChannelFilings filings, ProviderDeletions deletions, TwilioMessages messages, ComplianceDbContext db, EffectivenessSurvey survey,
        ILoggerFactory logs, CancellationToken ct)
    {
        var (refusal, form) = await CheckAsync(request, options.Value, logs.CreateLogger(typeof(TwilioChannels)), ct);
        if (refusal is not null)
        {
            return refusal;
        }

        var caller = form["From"].ToString();
        var key = store.KeyOf(MessagingChannels.Voice, caller);
        var response = new VoiceResponse();
        if (store.Get(key) is not { } c)
        {
            return Xml(response.Hangup().ToString());
        }

        var digits = TextConversations.Digits(form["Digits"].ToString());
        switch (step)
        {
            case "language":
                if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > Languages.Supported.Count)
                {
                    return Xml(LanguageMenu(response, texts).ToString());
                }

                c.Language = Languages.Supported[n - 1];
                if (!Voices.ContainsKey(c.Language))
                {
                    // No voice in this language: the conversation moves to SMS, from the number that was called.
                    var sms = new Conversation { Channel = MessagingChannels.Sms, TenantId = c.TenantId, Sites = c.Sites, SiteId = c.SiteId, Language = c.Language };
                    sms.ProviderIds.AddRange(c.ProviderIds);
                    var text = texts.Text(c.Language, "sms_handoff") + "\n" + conversations.NextAfterLanguage(sms);
                    foreach (var part in SmsSegments.Messages(text))
                    {
                        if (await messages.SendAsync(form["To"].ToString(), caller, part, ct) is { } sent)
                        {
                            sms.ProviderIds.Add(sent);
                        }
                    }

                    conversations.Continue(MessagingChannels.Sms, caller, sms);
                    store.Forget(key);
                    Say(response, "en", texts, "voice_sms_sent");
                    return Xml(response.Hangup().ToString());
                }

                return Xml(response.Append(ModePrompt(texts, c)).ToString());

            case "mode":
                return Xml((digits == "2" ? response.Append(ReceiptPrompt(texts, c)) : digits == "1" ? Next(response, texts, c) : response.Append(ModePrompt(texts, c))).ToString());

            case "receipt":
                return Xml((await CaseStatusAsync(response, texts, intake, survey, deletions, store, key, c, digits, ct)).ToString());

            case "survey-satisfaction":
                if (TextConversations.SurveyChoice(digits, 5) is not { } satisfaction)
                {
                    return Xml(Goodbye(response, texts, store, key, c).ToString()); // any other key skips the survey
                }

                c.SurveySatisfaction = satisfaction;
                return Xml(response.Append(SurveyReprisalPrompt(texts, c)).Append(GoodbyeSay(texts, c)).Hangup().ToString());

            case "survey-reprisal":
                return Xml((await RecordSurveyAsync(response, texts, intake, survey, store, key, c, digits, ct)).ToString());

            case "site":
                var code = await KeypadSiteAsync(db, c, digits, ct);
                if (code is null)
                {
                    Say(response, c.Language, texts, "voice_invalid");
                    return Xml(response.Append(SitePrompt(texts, c)).ToString());
                }

                c.SiteId = code;
                return Xml(Next(response, texts, c).ToString());

            case "categories":
                if (TextConversations.Numbers(digits, GrievanceCategories.All.Count) is not { Count: > 0 } picked)
                {
                    Say(response, c.Language, texts, "voice_invalid");
                    return Xml(response.Append(CategoriesPrompt(texts, c)).ToString());
                }

                c.Categories.Clear();
                c.Categories.AddRange(picked.Select(p => GrievanceCategories.All[p - 1]));
                return Xml(response.Append(ConsentPrompt(texts, c)).ToString());

            case "consent":
                if (TextConversations.ConsentOf(digits) is not { } consent)
                {
                    Say(response, c.Language, texts, "voice_invalid");
                    return Xml(response.Append(ConsentPrompt(texts, c)).ToString());
                }

                // No voice is recorded (a voice identifies a person): the report is its categories; words can follow by SMS.
                if (await filings.FileAsync(key, c, new NewGrievance(c.Language, [.. c.Categories], string.Empty, consent, ReportChannels.Voice), ct) is not { } filed)
                {
                    response.Say(texts.Labels(c.Language).Errors["too_many_reports"], Voices[c.Language].Voice, language: Voices[c.Language].Tag);
                    return Xml(response.Hangup().ToString());
                }

                store.Forget(key);
                var spoken = string.Join(", ", filed.Receipt.Split(' ').Select(group => string.Join(' ', group.ToCharArray())));
                Say(response, c.Language, texts, "voice_receipt");
                response.Say(spoken, Voices[c.Language].Voice, language: Voices[c.Language].Tag);
                Say(response, c.Language, texts, "voice_again");
                response.Say(spoken, Voices[c.Language].Voice, language: Voices[c.Language].Tag);
                Say(response, c.Language, texts, "voice_end");
                return Xml(response.Hangup().ToString());

            default:
                return Results.NotFound();
        }
    }

    /// <summary>A new report (1) or a report already made, by its receipt (2).</summary>
    private static Gather ModePrompt(ChannelTexts texts, Conversation c)
    {
        var gather = Gather("mode", numDigits: 1);
        Say(gather, c.Language, texts, "voice_choose");
        return gather;
    }

    private static Gather ReceiptPrompt(ChannelTexts texts, Conversation c)
    {
        var gather = Gather("receipt", numDigits: null);
        Say(gather, c.Language, texts, "voice_enter_receipt");
        return gather;
    }

    /// <summary>
    /// The receipt typed on the keypad: the case's status, what happens next and the latest reply, spoken in the language
    /// of the call (the web intake's follow-up rules, wrong receipts counted per caller); then the call ends. A receipt
    /// that opens nothing is said so and asked again.
    /// </summary>
    private static async Task<VoiceResponse> CaseStatusAsync(
        VoiceResponse response, ChannelTexts texts, WorkerIntake intake, EffectivenessSurvey survey, ProviderDeletions deletions, ConversationStore store,
        string key, Conversation c, string digits, CancellationToken ct)
    {
        var (check, opened) = await intake.OpenForClientAsync(key, digits, ct);
        var (tag, voice) = Voices[c.Language];
        var labels = texts.Labels(c.Language);
        if (opened is null)
        {
            response.Say(labels.Errors[check == ReceiptCheck.TooManyAttempts ? "too_many_attempts" : "receipt_not_found"], voice, language: tag);
            return check == ReceiptCheck.TooManyAttempts ? response.Hangup() : response.Append(ReceiptPrompt(texts, c));
        }

        WorkerCaseView view;
        bool offerSurvey;
        await using (opened.Transaction)
        {
            view = await intake.ViewAsync(opened.Grievance, ct);
            offerSurvey = EffectivenessSurvey.Offered(opened.Grievance) && !await survey.AnsweredAsync(opened.Grievance, ct);
        }

        Say(response, c.Language, texts, "status", ("status", labels.Statuses[view.Status]));
        response.Say(labels.NextSteps[view.Status], voice, language: tag);
        if (view.Replies.Count > 0)
        {
            Say(response, c.Language, texts, "latest_reply", ("date", view.Replies[^1].SentOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("text", view.Replies[^1].Text));
        }
        else
        {
            Say(response, c.Language, texts, "no_reply");
        }

        await deletions.QueueAsync(c.TenantId, c.ProviderIds, ct);
        c.ProviderIds.Clear();
        if (!offerSurvey)
        {
            return Goodbye(response, texts, store, key, c);
        }

        // An ended case whose survey is unanswered (issue #21): two keypad questions; no key, or any other, skips them.
        c.Session = intake.SessionFor(opened.Grievance);
        c.SurveySatisfaction = null;
        var gather = Gather("survey-satisfaction", numDigits: 1);
        Say(gather, c.Language, texts, "voice_survey_offer");
        AddOptions(gather, texts, c, labels.Survey.SatisfactionQuestion, [.. Enumerable.Range(1, 5).Select(n => labels.Survey.SatisfactionOptions[Digit(n)])]);
        return response.Append(gather).Append(GoodbyeSay(texts, c)).Hangup();
    }

    private static Gather SurveyReprisalPrompt(ChannelTexts texts, Conversation c)
    {
        var labels = texts.Labels(c.Language).Survey;
        var gather = Gather("survey-reprisal", numDigits: 1);
        AddOptions(gather, texts, c, labels.ReprisalQuestion, [.. ChannelTexts.SurveyReprisalAnswers.Select(a => labels.ReprisalOptions[a])]);
        return gather;
    }

    /// <summary>The survey's second key: both answers recorded through the receipt's case (once per case), thanks, goodbye.</summary>
    private static async Task<VoiceResponse> RecordSurveyAsync(
        VoiceResponse response, ChannelTexts texts, WorkerIntake intake, EffectivenessSurvey survey, ConversationStore store, string key, Conversation c,
        string digits, CancellationToken ct)
    {
        if (TextConversations.SurveyChoice(digits, ChannelTexts.SurveyReprisalAnswers.Count) is { } n && c.SurveySatisfaction is { } satisfaction
            && (await intake.OpenSessionForClientAsync(key, c.Session, ct)).Case is { } opened)
        {
            await using var tx = opened.Transaction;
            var reprisal = ChannelTexts.SurveyReprisalAnswers[n - 1];
            var outcome = await survey.RecordAsync(opened.Grievance, satisfaction, reprisal, ct);
            await tx.CommitAsync(ct);
            var labels = texts.Labels(c.Language).Survey;
            var (tag, voice) = Voices[c.Language];
            if (outcome is SurveyOutcome.Recorded or SurveyOutcome.AlreadyAnswered)
            {
                response.Say(outcome == SurveyOutcome.Recorded ? labels.Thanks : labels.Answered, voice, language: tag);
            }

            if (outcome == SurveyOutcome.Recorded && reprisal == "yes")
            {
                Say(response, c.Language, texts, "survey_help");
            }
        }

        return Goodbye(response, texts, store, key, c);
    }

    /// <summary>The call's last words (how to follow up by SMS), the conversation forgotten, the line hung up.</summary>
    private static VoiceResponse Goodbye(VoiceResponse response, ChannelTexts texts, ConversationStore store, string key, Conversation c)
    {
        store.Forget(key);
        return response.Append(GoodbyeSay(texts, c)).Hangup();
    }

    private static Say GoodbyeSay(ChannelTexts texts, Conversation c)
    {
        var (tag, voice) = Voices[c.Language];
        return new Say(texts.Text(c.Language, "voice_end"), voice, language: tag);
    }

    private static VoiceResponse Next(VoiceResponse response, ChannelTexts texts, Conversation c) =>
        c.SiteId is null ? response.Append(SitePrompt(texts, c)) : response.Append(CategoriesPrompt(texts, c));

    private static Gather SitePrompt(ChannelTexts texts, Conversation c)
    {
        var gather = Gather("site", numDigits: null);
        Say(gather, c.Language, texts, "voice_site_code");
        return gather;
    }

    private static Gather CategoriesPrompt(ChannelTexts texts, Conversation c)
    {
        var names = texts.Labels(c.Language).Categories;
        return OptionsPrompt(texts, c, "categories", "voice_categories", [.. GrievanceCategories.All.Select(k => names[k])]);
    }

    /// <summary>The consent question from <see cref="DestinationKinds.All"/>, the list the web page offers.</summary>
    private static Gather ConsentPrompt(ChannelTexts texts, Conversation c)
    {
        var kinds = texts.Labels(c.Language).Consent;
        return OptionsPrompt(texts, c, "consent", "voice_consent", [.. DestinationKinds.All.Select(k => kinds[k].Label)]);
    }

    /// <summary>A question, then each option with the key that picks it (1, 2, ...), gathered for <paramref name="step"/>.</summary>
    private static Gather OptionsPrompt(ChannelTexts texts, Conversation c, string step, string questionKey, IReadOnlyList<string> labels)
    {
        var gather = Gather(step, numDigits: null);
        AddOptions(gather, texts, c, texts.Text(c.Language, questionKey), labels);
        return gather;
    }

    /// <summary>Says <paramref name="question"/>, then each option with the key that picks it (1, 2, ...).</summary>
    private static void AddOptions(Gather gather, ChannelTexts texts, Conversation c, string question, IReadOnlyList<string> labels)
    {
        var (tag, voice) = Voices[c.Language];
        gather.Append(new Say(question, voice, language: tag));
        foreach (var (label, i) in labels.Select((l, i) => (l, i + 1)))
        {
            Say(gather, c.Language, texts, "voice_option", ("label", label), ("digit", Digit(i)));
        }
    }

    /// <summary>
    /// The site whose intake code the caller typed on the keypad (each letter as the key that carries it: A, B, C on 2),
    /// among the sites the number serves; null when none or more than one match.
    /// </summary>
    private static async Task<Guid?> KeypadSiteAsync(ComplianceDbContext db, Conversation c, string digits, CancellationToken ct)
    {
        if (digits.Length == 0)
        {
            return null;
        }

        await using var tx = await db.BeginTenantTransactionAsync(c.TenantId, ct);
        var sites = await db.Set<Site>().AsNoTracking().Select(s => new { s.Id, s.IntakeCode }).ToListAsync(ct);
        var matches = sites.Where(s => (c.Sites is null || c.Sites.Contains(s.Id)) && Keypad(s.IntakeCode) == digits).ToList();
        return matches is [var one] ? one.Id : null;
    }

    /// <summary>The keys a code is typed with on a phone keypad (ITU E.161).</summary>
    internal static string Keypad(string code) => string.Concat(code.ToUpperInvariant().Select(ch => ch switch
    {
        >= 'A' and <= 'C' => '2',
        >= 'D' and <= 'F' => '3',
        >= 'G' and <= 'I' => '4',
        >= 'J' and <= 'L' => '5',
        >= 'M' and <= 'O' => '6',
        >= 'P' and <= 'S' => '7',
        >= 'T' and <= 'V' => '8',
        >= 'W' and <= 'Z' => '9',
        _ => ch,
    }));

    private static Gather Gather(string step, int? numDigits) => new(
        input: [Twilio.TwiML.Voice.Gather.InputEnum.Dtmf],
        action: new Uri($"{VoicePath}/gather/{step}", UriKind.Relative),
        method: Twilio.Http.HttpMethod.Post,
        timeout: 10,
        finishOnKey: "#",
        numDigits: numDigits);

    private static void Say(TwiML target, string lang, ChannelTexts texts, string key, params (string Name, string Value)[] values)
    {
        var text = texts.Text(lang, key, values);
        var (tag, voice) = Voices[lang];
        var say = new Say(text, voice, language: tag);
        target.Append(say);
    }

    private static string Digit(int n) => n.ToString(CultureInfo.InvariantCulture);

    private static IResult Xml(string twiml) => Results.Content(twiml, "application/xml", Encoding.UTF8);
}

/// <summary>Sends an SMS through Twilio's REST API (the voice call's hand-over to SMS). Returns the new message's SID.</summary>
public sealed class TwilioMessages(IHttpClientFactory http, IOptions<ChannelsOptions> options)
{
    public async Task<string?> SendAsync(string from, string to, string body, CancellationToken ct)
    {
        var twilio = options.Value.Twilio;
        using var client = http.CreateClient(ProviderDeletionJob.HttpClientName);
        using var request = new HttpRequestMessage(
            HttpMethod.Post, $"{twilio.ApiBaseUrl!.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(twilio.AccountSid!)}/Messages.json")
        {
            Content = new FormUrlEncodedContent([new("From", from), new("To", to), new("Body", body)]),
        };
        request.Headers.Authorization = ProviderDeletionJob.BasicAuth(twilio);
        using var response = await client.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
        using var doc = JsonDocument.Parse(await response.Content.ReadAsStringAsync(ct));
        return doc.RootElement.TryGetProperty("sid", out var sid) ? sid.GetString() : null;
    }
}
