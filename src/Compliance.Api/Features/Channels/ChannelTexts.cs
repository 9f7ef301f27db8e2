using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Templates;
using Compliance.Domain.Reference;

namespace Compliance.Api.Features.Channels;

/// <summary>
/// The channel messages of one language (<c>templates/worker/&lt;lang&gt;/channels.json</c>), written in the language's
/// own script; categories, consent kinds, statuses and errors come from the same <c>labels.json</c> the web pages use.
/// Placeholders are <c>{{ name }}</c>.
/// </summary>
public sealed class ChannelTexts(TemplateStore templates, WorkerLabels labels)
{
    /// <summary>Keys every language has (the English file may hold more: see <see cref="EnglishOnly"/>).</summary>
    public static readonly IReadOnlyList<string> Keys =
    [
        "site_code", "site_code_unknown", "categories", "categories_invalid", "words", "words_empty", "media_not_kept", "end_keyword",
        "consent", "consent_invalid", "receipt", "receipt_warning", "follow_up_hint", "status", "latest_reply", "no_reply",
        "consent_keyword", "consent_hint", "consent_saved", "consent_menu", "yes", "no", "message_added", "whatsapp_notice",
        "whatsapp_window", "sms_handoff", "voice_menu_item", "voice_site_code", "voice_categories", "voice_option",
        "voice_consent", "voice_receipt", "voice_again", "voice_end", "voice_invalid", "voice_choose", "voice_enter_receipt",
        "survey_offer", "survey_help", "voice_survey_offer",
    ];

    /// <summary>Spoken only in English: the first voice menu's offer of SMS to a language with no voice at the provider, and its goodbye.</summary>
    public static readonly IReadOnlyList<string> EnglishOnly = ["voice_sms_offer", "voice_sms_sent"];

    private readonly ConcurrentDictionary<string, IReadOnlyDictionary<string, string>> _cache = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, string> For(string language) => _cache.GetOrAdd(language, lang =>
    {
        using var doc = JsonDocument.Parse(templates.ReadText($"worker/{lang}/channels.json"));
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    });

    public Labels Labels(string language) => labels.For(language);

    /// <summary>The text of <paramref name="key"/> in <paramref name="language"/>, placeholders filled.</summary>
    public string Text(string language, string key, params (string Name, string Value)[] values) =>
        values.Aggregate(For(language)[key], (text, v) => text.Replace("{{ " + v.Name + " }}", v.Value, StringComparison.Ordinal));

    /// <summary>The numbered language menu, each language in its own name.</summary>
    public static string LanguageMenu() =>
        string.Join('\n', Languages.Supported.Select((l, i) => $"{i + 1} {Languages.NativeNames[l]}"));

    /// <summary>The numbered categories (the web page's labels), after the prompt.</summary>
    public string CategoryMenu(string language, string promptKey = "categories")
    {
        var names = labels.For(language).Categories;
        return Text(language, promptKey) + "\n" + string.Join('\n', GrievanceCategories.All.Select((c, i) => $"{i + 1} {names[c]}"));
    }

    /// <summary>
    /// The effectiveness survey's first question (issue #21) after its offer: the web page's question and answers
    /// (<c>labels.json</c> → <c>survey</c>), numbered 1–5.
    /// </summary>
    public string SurveySatisfactionMenu(string language)
    {
        var survey = labels.For(language).Survey;
        return Text(language, "survey_offer") + "\n"
            + NumberedQuestion(survey.SatisfactionQuestion, [.. Enumerable.Range(1, 5).Select(n => survey.SatisfactionOptions[n.ToString(CultureInfo.InvariantCulture)])]);
    }

    /// <summary>The survey's second question, its answers numbered in <see cref="SurveyReprisalAnswers"/>'s order.</summary>
    public string SurveyReprisalMenu(string language)
    {
        var survey = labels.For(language).Survey;
        return NumberedQuestion(survey.ReprisalQuestion, [.. SurveyReprisalAnswers.Select(a => survey.ReprisalOptions[a])]);
    }

    /// <summary>The reprisal answers by the number that picks them: 1 yes, 2 no, 3 prefer not to say.</summary>
    public static readonly IReadOnlyList<string> SurveyReprisalAnswers = ["yes", "no", "prefer-not-to-say"];

    private static string NumberedQuestion(string question, IEnumerable<string> answers) =>
        question + "\n" + string.Join('\n', answers.Select((a, i) => $"{i + 1} {a}"));

    /// <summary>
    /// The consent question, numbered from <see cref="DestinationKinds.All"/> (the list the web page offers, so a kind added
    /// there is asked here too), with the current answers marked when <paramref name="current"/> is given.
    /// </summary>
    public string ConsentMenu(string language, string promptKey, IReadOnlyDictionary<string, bool>? current = null)
    {
        var kinds = labels.For(language).Consent;
        var lines = DestinationKinds.All.Select((k, i) =>
            current is null ? $"{i + 1} {kinds[k].Label}" : $"{i + 1} {kinds[k].Label}: {Text(language, current.GetValueOrDefault(k) ? "yes" : "no")}");
        return Text(language, promptKey) + "\n" + string.Join('\n', lines);
    }
}
