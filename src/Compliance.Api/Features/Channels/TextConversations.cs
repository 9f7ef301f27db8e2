using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Compliance.Api.Features.Effectiveness;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Domain.Reference;

namespace Compliance.Api.Features.Channels;

/// <summary>
/// One message from a worker on a text channel. <paramref name="Sender"/> (their number) is used once, to find the
/// conversation by its keyed hash, and dropped; <paramref name="DeliveryId"/> (MessageSid, wamid) makes redelivery
/// idempotent; <paramref name="ProviderSid"/> is queued for deletion at the provider (Twilio only).
/// </summary>
/// <param name="Media">The message carried a voice note, photo, video, file or location, which the product never takes in:
/// the worker is told so (nothing of it is kept) instead of meeting silence; any caption in <paramref name="Body"/> is handled as text.</param>
public sealed record InboundText(string Channel, string Sender, string OurNumber, string Body, string? DeliveryId, string? ProviderSid, bool Media = false);

/// <summary>
/// The SMS and WhatsApp conversation (issue #20): language, site code when the number serves the whole tenant,
/// categories by number, the worker's own words ended by a keyword, consent per destination kind by number, then the
/// receipt. A receipt sent at any time opens the case instead: alone it returns the status and latest reply, followed by
/// text it adds a message, and the consent keyword then changes consent. The filing, receipt and follow-up rules are the
/// web intake's own (<see cref="WorkerIntake"/>).
/// </summary>
public sealed partial class TextConversations(
    ConversationStore store, NumberResolver numbers, WorkerIntake intake, ChannelFilings filings, ChannelTexts texts, ProviderDeletions deletions,
    EffectivenessSurvey survey)
{
    /// <summary>The reply to <paramref name="message"/> (empty: none), the same one again for a redelivered message.</summary>
    public async Task<string> HandleAsync(InboundText message, CancellationToken ct)
    {
        var key = store.KeyOf(message.Channel, message.Sender);
        var gate = store.LockFor(key);
        await gate.WaitAsync(ct);
        try
        {
            var delivery = message.DeliveryId is { Length: > 0 } id ? store.DeliveryKey(message.Channel, id) : null;
            if (delivery is not null && store.Answered(delivery) is { } again)
            {
                return again;
            }

            var reply = await HandleInOrderAsync(key, message, ct);
            if (delivery is not null)
            {
                store.Remember(delivery, reply);
            }

            return reply;
        }
        finally
        {
            gate.Release();
        }
    }

    /// <summary>Starts a conversation handed over from another channel (a voice call in a language with no voice).</summary>
    public void Continue(string channel, string sender, Conversation conversation) => store.Set(store.KeyOf(channel, sender), conversation);

    private async Task<string> HandleInOrderAsync(string key, InboundText message, CancellationToken ct)
    {
        var conversation = store.Get(key);
        var fresh = conversation is null;
        if (conversation is null)
        {
            if (await numbers.ResolveAsync(message.Channel, message.OurNumber, ct) is not { } service)
            {
                return string.Empty; // Not a number of ours (or misconfigured): say nothing.
            }

            conversation = new Conversation
            {
                Channel = message.Channel,
                TenantId = service.TenantId,
                Sites = service.Sites,
                SiteId = service.Sites is [var only] ? only : null,
            };
        }

        // Recorded now, not only when the conversation files: a conversation abandoned half-way still has its
        // messages deleted at Twilio (by the hourly sweep), and a process that stops loses no SID.
        await deletions.RecordAsync(conversation, message.ProviderSid, ct);

        var body = Digits(message.Body.Trim());
        if (ReceiptAndRest().Match(body) is { Success: true } receipt && Receipts.Normalize(receipt.Groups["receipt"].Value) is { } normalized)
        {
            var reply = await FollowUpAsync(key, conversation, normalized, receipt.Groups["rest"].Value.Trim(), ct);
            store.Set(key, conversation);
            return reply;
        }

        if (fresh)
        {
            store.Set(key, conversation);
            return ChannelTexts.LanguageMenu();
        }

        var answer = conversation.Step switch
        {
            ConversationStep.Language => ChooseLanguage(conversation, body),
            ConversationStep.SiteCode => await ChooseSiteAsync(conversation, body, ct),
            ConversationStep.Categories => ChooseCategories(conversation, body),
            ConversationStep.Words => TakeWords(conversation, message.Body.Trim()),
            ConversationStep.Consent => await FileAsync(key, conversation, body, ct),
            ConversationStep.FollowUp => await AskConsentAsync(key, conversation, body, ct),
            ConversationStep.SurveySatisfaction => await SurveySatisfactionAsync(key, conversation, body, ct),
            ConversationStep.SurveyReprisal => await SurveyReprisalAsync(key, conversation, body, ct),
            _ => await ChangeConsentAsync(key, conversation, body, ct),
        };
        if (answer.Forget)
        {
            store.Forget(key);
        }
        else
        {
            store.Set(key, conversation);
        }

        // A voice note or photo would otherwise meet silence while the worker tells their account (DNH-14).
        return message.Media ? string.Join("\n", new[] { Text(conversation, "media_not_kept"), answer.Reply }.Where(r => r.Length > 0)) : answer.Reply;
    }

    private readonly record struct Answer(string Reply, bool Forget = false)
    {
        public static implicit operator Answer(string reply) => new(reply);
    }

    private Answer ChooseLanguage(Conversation c, string body)
    {
        if (!int.TryParse(body, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > Languages.Supported.Count)
        {
            return ChannelTexts.LanguageMenu();
        }

        c.Language = Languages.Supported[n - 1];
        var notice = c.Channel == MessagingChannels.WhatsApp ? Text(c, "whatsapp_notice") + "\n\n" : string.Empty;
        return notice + NextAfterLanguage(c);
    }

    /// <summary>The prompt after the language is known: the site code when the number does not name one site, else the categories.</summary>
    internal string NextAfterLanguage(Conversation c)
    {
        if (c.SiteId is null)
        {
            c.Step = ConversationStep.SiteCode;
            return Text(c, "site_code");
        }

        c.Step = ConversationStep.Categories;
        return texts.CategoryMenu(c.Language);
    }

    private async Task<Answer> ChooseSiteAsync(Conversation c, string body, CancellationToken ct)
    {
        var code = Crockford(body);
        if (await intake.ResolveIntakeCodeAsync(code, ct) is { } site && site.TenantId == c.TenantId && (c.Sites is null || c.Sites.Contains(site.SiteId)))
        {
            c.SiteId = site.SiteId;
            c.Step = ConversationStep.Categories;
            return texts.CategoryMenu(c.Language);
        }

        return Text(c, "site_code_unknown");
    }

    private Answer ChooseCategories(Conversation c, string body)
    {
        if (Numbers(body, GrievanceCategories.All.Count) is not { Count: > 0 } picked)
        {
            return Text(c, "categories_invalid") + "\n" + texts.CategoryMenu(c.Language);
        }

        c.Categories.Clear();
        c.Categories.AddRange(picked.Select(n => GrievanceCategories.All[n - 1]));
        c.Step = ConversationStep.Words;
        return Text(c, "words", ("keyword", Text(c, "end_keyword")));
    }

    private Answer TakeWords(Conversation c, string text)
    {
        if (IsKeyword(c, text, "end_keyword", "#"))
        {
            if (c.Narrative.Length == 0)
            {
                return Text(c, "words_empty", ("keyword", Text(c, "end_keyword")));
            }

            c.Step = ConversationStep.Consent;
            return texts.ConsentMenu(c.Language, "consent");
        }

        if (text.Length > 0 && c.Narrative.Length + text.Length < WorkerIntake.MaxTextLength)
        {
            c.Narrative.Append(c.Narrative.Length > 0 ? "\n" : string.Empty).Append(text);
        }

        // No answer to each part of the account: the prompt said how to finish, and each SMS costs the worker nothing but us money.
        return string.Empty;
    }

    private async Task<Answer> FileAsync(string key, Conversation c, string body, CancellationToken ct)
    {
        if (ConsentOf(body) is not { } consent)
        {
            return Text(c, "consent_invalid") + "\n" + texts.ConsentMenu(c.Language, "consent");
        }

        if (await filings.FileAsync(key, c, new NewGrievance(c.Language, [.. c.Categories], c.Narrative.ToString(), consent, c.Channel), ct) is not { } filed)
        {
            return texts.Labels(c.Language).Errors["too_many_reports"];
        }

        return new Answer(ReceiptReply(texts, c.Language, c.Channel, filed.Receipt), Forget: true);
    }

    private async Task<string> FollowUpAsync(string key, Conversation c, string receipt, string rest, CancellationToken ct)
    {
        var (check, opened) = await intake.OpenForClientAsync(key, receipt, ct);
        if (opened is null)
        {
            return texts.Labels(c.Language).Errors[check == ReceiptCheck.TooManyAttempts ? "too_many_attempts" : "receipt_not_found"];
        }

        await using var tx = opened.Transaction;
        var g = opened.Grievance;
        c.Language = g.Language;
        string? note = null;
        if (rest.Length > 0)
        {
            if (!WorkerIntake.AcceptsMessages(g))
            {
                note = texts.Labels(g.Language).Errors["case_closed"];
            }
            else
            {
                intake.AddMessage(g, GrievanceMessage.Worker, rest.Length > WorkerIntake.MaxTextLength ? rest[..WorkerIntake.MaxTextLength] : rest, apiKeyId: null);
                await intake.SaveAsync(ct);
                note = Text(c, "message_added");
            }
        }

        var view = await intake.ViewAsync(g, ct);
        // The receipt alone on an ended case whose survey is unanswered: the survey follows the status (issue #21).
        var offerSurvey = rest.Length == 0 && EffectivenessSurvey.Offered(g) && !await survey.AnsweredAsync(g, ct);
        await tx.CommitAsync(ct);
        c.Step = offerSurvey ? ConversationStep.SurveySatisfaction : ConversationStep.FollowUp;
        c.SurveySatisfaction = null;
        c.Session = intake.SessionFor(g);

        // The receipt was in the message: its copy at the provider goes now, not when the conversation is forgotten.
        await deletions.QueueAsync(c.TenantId, c.ProviderIds, ct);
        c.ProviderIds.Clear();

        return StatusReply(texts, c.Language, c.Channel, view, note, offerSurvey);
    }

    /// <summary>
    /// The survey's first answer, 1–5; anything else ends the survey unrecorded (the offer says so) and is taken as the
    /// follow-up's next message (the consent keyword still works).
    /// </summary>
    private async Task<Answer> SurveySatisfactionAsync(string key, Conversation c, string body, CancellationToken ct)
    {
        if (SurveyChoice(body, 5) is not { } satisfaction)
        {
            c.Step = ConversationStep.FollowUp;
            return await AskConsentAsync(key, c, body, ct);
        }

        c.SurveySatisfaction = satisfaction;
        c.Step = ConversationStep.SurveyReprisal;
        return texts.SurveyReprisalMenu(c.Language);
    }

    /// <summary>
    /// The survey's second answer (1 yes, 2 no, 3 prefer not to say): both answers are recorded through the receipt's
    /// case, once per case; a case answered meanwhile (on another channel or the web page) is told so politely.
    /// </summary>
    private async Task<Answer> SurveyReprisalAsync(string key, Conversation c, string body, CancellationToken ct)
    {
        var satisfaction = c.SurveySatisfaction;
        c.SurveySatisfaction = null;
        c.Step = ConversationStep.FollowUp;
        if (SurveyChoice(body, ChannelTexts.SurveyReprisalAnswers.Count) is not { } n || satisfaction is null)
        {
            return await AskConsentAsync(key, c, body, ct);
        }

        var (_, opened) = await intake.OpenSessionForClientAsync(key, c.Session, ct);
        if (opened is null)
        {
            return new Answer(texts.Labels(c.Language).Errors["receipt_not_found"], Forget: true);
        }

        await using var tx = opened.Transaction;
        var reprisal = ChannelTexts.SurveyReprisalAnswers[n - 1];
        var outcome = await survey.RecordAsync(opened.Grievance, satisfaction.Value, reprisal, ct);
        await tx.CommitAsync(ct);
        return SurveyAnswerReply(texts, c.Language, outcome, reprisal);
    }

    /// <summary>Thanks (with where to turn when something bad happened), "already answered", or how to follow up (a case reopened since the offer).</summary>
    internal static string SurveyAnswerReply(ChannelTexts texts, string lang, SurveyOutcome outcome, string reprisal)
    {
        var labels = texts.Labels(lang).Survey;
        return outcome switch
        {
            SurveyOutcome.Recorded when reprisal == "yes" => labels.Thanks + "\n" + texts.Text(lang, "survey_help"),
            SurveyOutcome.Recorded => labels.Thanks,
            SurveyOutcome.AlreadyAnswered => labels.Answered,
            _ => texts.Text(lang, "follow_up_hint"),
        };
    }

    /// <summary>One number from 1 to <paramref name="max"/>, alone; null for anything else (which skips the survey).</summary>
    internal static int? SurveyChoice(string body, int max) =>
        int.TryParse(body.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max ? n : null;

    /// <summary>The answer that files a report: the receipt in groups of four, with the web page's warning.</summary>
    internal static string ReceiptReply(ChannelTexts texts, string lang, string channel, string groupedReceipt)
    {
        var reply = new StringBuilder()
            .Append(texts.Text(lang, "receipt", ("receipt", groupedReceipt))).Append('\n')
            .Append(texts.Text(lang, "receipt_warning")).Append('\n')
            .Append(texts.Text(lang, "follow_up_hint"));
        if (channel == MessagingChannels.WhatsApp)
        {
            reply.Append('\n').Append(texts.Text(lang, "whatsapp_window"));
        }

        return reply.ToString();
    }

    /// <summary>
    /// The answer to a receipt: what it did (a message added), the status, the latest reply, how to change consent; and,
    /// when <paramref name="offerSurvey"/>, the effectiveness survey's offer and first question.
    /// </summary>
    internal static string StatusReply(ChannelTexts texts, string lang, string channel, WorkerCaseView view, string? note, bool offerSurvey = false)
    {
        var reply = new StringBuilder();
        if (note is not null)
        {
            reply.Append(note).Append('\n');
        }

        reply.Append(texts.Text(lang, "status", ("status", view.StatusLabel))).Append('\n');
        reply.Append(view.Replies.Count > 0 && view.Replies[^1] is var latest
            ? texts.Text(lang, "latest_reply", ("date", latest.SentOn.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), ("text", latest.Text))
            : texts.Text(lang, "no_reply"));
        reply.Append('\n').Append(texts.Text(lang, "consent_hint", ("keyword", texts.Text(lang, "consent_keyword"))));
        if (channel == MessagingChannels.WhatsApp)
        {
            reply.Append('\n').Append(texts.Text(lang, "whatsapp_window"));
        }

        if (offerSurvey)
        {
            reply.Append("\n\n").Append(texts.SurveySatisfactionMenu(lang));
        }

        return reply.ToString();
    }

    /// <summary>After a receipt: the consent keyword shows each kind with its current answer; anything else, how to follow up.</summary>
    private async Task<Answer> AskConsentAsync(string key, Conversation c, string body, CancellationToken ct)
    {
        if (!IsKeyword(c, body, "consent_keyword", "*"))
        {
            return Text(c, "follow_up_hint");
        }

        var (_, opened) = await intake.OpenSessionForClientAsync(key, c.Session, ct);
        if (opened is null)
        {
            return new Answer(texts.Labels(c.Language).Errors["receipt_not_found"], Forget: true);
        }

        await using var tx = opened.Transaction;
        c.Step = ConversationStep.FollowUpConsent;
        return texts.ConsentMenu(c.Language, "consent_menu", opened.Grievance.Consent());
    }

    private async Task<Answer> ChangeConsentAsync(string key, Conversation c, string body, CancellationToken ct)
    {
        if (ConsentOf(body) is not { } consent)
        {
            return Text(c, "consent_invalid");
        }

        var (_, opened) = await intake.OpenSessionForClientAsync(key, c.Session, ct);
        if (opened is null)
        {
            return new Answer(texts.Labels(c.Language).Errors["receipt_not_found"], Forget: true);
        }

        await using var tx = opened.Transaction;
        intake.ChangeConsent(opened.Grievance, consent);
        await intake.SaveAsync(ct);
        await tx.CommitAsync(ct);
        c.Step = ConversationStep.FollowUp;
        return texts.ConsentMenu(c.Language, "consent_saved", opened.Grievance.Consent());
    }

    /// <summary>Every destination kind answered: the numbers named say yes, the others no; "0" is no to all.</summary>
    internal static Dictionary<string, bool>? ConsentOf(string body)
    {
        var picked = body.Trim() == "0" ? [] : Numbers(body, DestinationKinds.All.Count);
        return picked is null ? null : DestinationKinds.All.Select((k, i) => (k, picked.Contains(i + 1))).ToDictionary(p => p.k, p => p.Item2, StringComparer.Ordinal);
    }

    /// <summary>
    /// "1 4 9", "1,4,9", "1*4*9" → [1, 4, 9]; with at most nine choices, "149" too. Null when any is not a choice.
    /// </summary>
    internal static List<int>? Numbers(string body, int max)
    {
        var tokens = Separators().Split(body.Trim()).Where(t => t.Length > 0).ToList();
        if (tokens is [{ Length: > 1 } run] && max <= 9 && run.All(char.IsAsciiDigit))
        {
            tokens = [.. run.Select(ch => ch.ToString())];
        }

        var numbers = new List<int>();
        foreach (var token in tokens)
        {
            if (!int.TryParse(token, NumberStyles.None, CultureInfo.InvariantCulture, out var n) || n < 1 || n > max)
            {
                return null;
            }

            if (!numbers.Contains(n))
            {
                numbers.Add(n);
            }
        }

        return numbers.Count == 0 ? null : numbers;
    }

    /// <summary>Digits of any script (०१२, ၀၁၂, ០១២, ০১২) as ASCII, so a phone's own keyboard works.</summary>
    internal static string Digits(string text) =>
        string.Concat(text.Select(ch => char.IsDigit(ch) && !char.IsAsciiDigit(ch) ? (char)('0' + (int)char.GetNumericValue(ch)) : ch));

    /// <summary>An intake code as typed: case, spaces and dashes dropped, and Crockford's look-alikes (O, I, L) read as digits.</summary>
    internal static string Crockford(string text) =>
        new([.. text.ToUpperInvariant().Where(ch => ch is not (' ' or '-')).Select(ch => ch switch { 'O' => '0', 'I' or 'L' => '1', _ => ch })]);

    private bool IsKeyword(Conversation c, string text, string key, string symbol) =>
        text.Trim() == symbol || string.Equals(text.Trim(), Text(c, key), StringComparison.OrdinalIgnoreCase);

    private string Text(Conversation c, string key, params (string Name, string Value)[] values) => texts.Text(c.Language, key, values);

    [GeneratedRegex(@"^(?<receipt>(?:[0-9][ \-]*){20})(?<rest>.*)$", RegexOptions.Singleline)]
    private static partial Regex ReceiptAndRest();

    [GeneratedRegex(@"[\s,;.*]+")]
    private static partial Regex Separators();
}
