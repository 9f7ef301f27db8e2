using System.Text.Json;
using System.Text.RegularExpressions;
using Compliance.Api.Features.Channels;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Templates;
using Compliance.Domain.Reference;
using Compliance.UnitTests.WorkerVoice;
using Microsoft.Extensions.Options;

namespace Compliance.UnitTests.Channels;

/// <summary>
/// Issue #20, per language: every channel message exists (the same keys and placeholders as English), is written in the
/// language's own script (the web pages' rule, <see cref="LanguageScriptTests"/>), and every reply the SMS conversation can
/// send fits the segment limits docs/channels.md states: each SMS at most <see cref="SmsSegments.MaxSegmentsPerMessage"/>
/// segments of at most 67 UCS-2 units (153 GSM-7 septets), no segment cut inside a surrogate pair, and no reply longer
/// than <see cref="MaxMessagesPerReply"/> SMS. Mutation that fails it: delete <c>consent_hint</c> from
/// <c>templates/worker/km/channels.json</c>, or replace the Burmese <c>receipt_warning</c> with the English one.
/// </summary>
public partial class ChannelTextsTests
{
    /// <summary>The most SMS one reply is sent as (the longest: the Burmese category menu after a call's hand-over to SMS).</summary>
    public const int MaxMessagesPerReply = 5;

    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "templates");

    private static readonly TemplateStore Store = new(Options.Create(new TemplateOptions { Root = Root }));

    private static readonly ChannelTexts Texts = new(Store, new WorkerLabels(Store));

    public static TheoryData<string> AllLanguages() => [.. Languages.Supported];

    private static Dictionary<string, string> Raw(string lang)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "worker", lang, "channels.json")));
        return doc.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllLanguages))]
    public void EveryChannelMessage_ExistsInTheLanguage_WithEnglishsPlaceholders_InItsScript(string lang)
    {
        var english = Raw("en");
        var texts = Raw(lang);
        var expected = lang == "en" ? ChannelTexts.Keys.Concat(ChannelTexts.EnglishOnly) : ChannelTexts.Keys;
        Assert.Equal(expected.Order(StringComparer.Ordinal), texts.Keys.Order(StringComparer.Ordinal));
        foreach (var (key, text) in texts)
        {
            var where = $"worker/{lang}/channels.json {key}: \"{text}\"";
            Assert.False(string.IsNullOrWhiteSpace(text), $"{where} is empty");
            Assert.Equal(Placeholders().Matches(english[key]).Select(m => m.Value).Order(), Placeholders().Matches(text).Select(m => m.Value).Order());
            if (lang != "en")
            {
                LanguageScriptTests.AssertWrittenIn(lang, where, Placeholders().Replace(text, " "), Placeholders().Replace(english[key], " "));
            }
        }

        // The keywords a worker types must be typable: short, one word or two.
        Assert.InRange(texts["end_keyword"].Length, 2, 12);
        Assert.InRange(texts["consent_keyword"].Length, 2, 12);
    }

    [Theory]
    [MemberData(nameof(AllLanguages))]
    public void EveryReply_FitsTheDocumentedSegmentLimits(string lang)
    {
        var longestReply = new string('x', 80);
        var view = new WorkerCaseView(
            "WV-ABCD-EFGH", lang, "in-progress", Texts.Labels(lang).Statuses["in-progress"], Texts.Labels(lang).NextSteps["in-progress"],
            new DateOnly(2026, 12, 1), DestinationKinds.All.ToDictionary(k => k, _ => true), [new WorkerMessageView(new DateOnly(2026, 12, 2), longestReply)], []);
        var replies = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["language menu"] = ChannelTexts.LanguageMenu(),
            ["site code"] = Texts.Text(lang, "site_code"),
            ["site code unknown"] = Texts.Text(lang, "site_code_unknown"),
            ["categories"] = Texts.CategoryMenu(lang),
            ["categories invalid"] = Texts.Text(lang, "categories_invalid") + "\n" + Texts.CategoryMenu(lang),
            ["words"] = Texts.Text(lang, "words", ("keyword", Texts.Text(lang, "end_keyword"))),
            ["consent"] = Texts.ConsentMenu(lang, "consent"),
            ["consent invalid"] = Texts.Text(lang, "consent_invalid") + "\n" + Texts.ConsentMenu(lang, "consent"),
            ["receipt"] = TextConversations.ReceiptReply(Texts, lang, "sms", "1234 5678 9012 3456 7890"),
            ["status"] = TextConversations.StatusReply(Texts, lang, "sms", view, Texts.Text(lang, "message_added")),
            ["consent menu"] = Texts.ConsentMenu(lang, "consent_menu", view.Consent),
            ["consent saved"] = Texts.ConsentMenu(lang, "consent_saved", view.Consent),
            ["status with survey"] = TextConversations.StatusReply(Texts, lang, "sms", view, note: null, offerSurvey: true),
            ["survey question 2"] = Texts.SurveyReprisalMenu(lang),
            ["survey thanks"] = TextConversations.SurveyAnswerReply(Texts, lang, Compliance.Api.Features.Effectiveness.SurveyOutcome.Recorded, "yes"),
            ["survey answered"] = TextConversations.SurveyAnswerReply(Texts, lang, Compliance.Api.Features.Effectiveness.SurveyOutcome.AlreadyAnswered, "no"),
            ["handoff"] = Texts.Text(lang, "sms_handoff") + "\n" + Texts.CategoryMenu(lang),
        };

        // WhatsApp sends a reply whole (no segments), within its own limit for one text.
        Assert.True((Texts.Text(lang, "whatsapp_notice") + "\n\n" + Texts.CategoryMenu(lang)).Length <= WhatsAppMessages.MaxBody);
        Assert.True(TextConversations.StatusReply(Texts, lang, "whatsapp", view, note: null, offerSurvey: true).Length <= WhatsAppMessages.MaxBody);

        foreach (var (name, reply) in replies)
        {
            var messages = SmsSegments.Messages(reply);
            Assert.True(messages.Count <= MaxMessagesPerReply, $"{lang} {name}: {messages.Count} SMS");
            Assert.Equal(Squash(reply), Squash(string.Concat(messages)));
            foreach (var message in messages)
            {
                var gsm = SmsSegments.IsGsm7(message);
                var segments = SmsSegments.Segments(message);
                Assert.True(segments.Count <= SmsSegments.MaxSegmentsPerMessage, $"{lang} {name}: {segments.Count} segments in \"{message}\"");
                Assert.All(segments, s => Assert.True(
                    SmsSegments.Units(s) <= (segments.Count == 1 ? (gsm ? SmsSegments.Gsm7Single : SmsSegments.Ucs2Single) : (gsm ? SmsSegments.Gsm7Segment : SmsSegments.Ucs2Segment)),
                    $"{lang} {name}: segment of {SmsSegments.Units(s)} units"));
                Assert.All(segments, s => Assert.False(char.IsHighSurrogate(s[^1]), $"{lang} {name}: a segment ends inside a surrogate pair"));
            }
        }
    }

    [Fact]
    public void Segments_AreGsm7OrUcs2_AtTheirLimits_AndNeverSplitASurrogatePair()
    {
        Assert.Single(SmsSegments.Segments(new string('a', 160)));
        Assert.Equal(2, SmsSegments.Segments(new string('a', 161)).Count);
        Assert.Equal(2, SmsSegments.Units("€"));
        Assert.Single(SmsSegments.Segments(new string('क', 70)));
        Assert.Equal([67, 4], SmsSegments.Segments(new string('क', 71)).Select(s => s.Length));

        // 😀 is a surrogate pair: 66 letters then an emoji would straddle the 67-unit boundary, so the pair moves on whole.
        var text = new string('क', 66) + "😀" + new string('क', 10);
        var segments = SmsSegments.Segments(text);
        Assert.Equal(66, segments[0].Length);
        Assert.StartsWith("😀", segments[1], StringComparison.Ordinal);
        Assert.Equal(text, string.Concat(segments));

        // Long replies go as several SMS, cut at line ends.
        var lines = string.Join('\n', Enumerable.Range(1, 30).Select(i => $"{i} " + new string('ब', 20)));
        var messages = SmsSegments.Messages(lines);
        Assert.True(messages.Count > 1);
        Assert.All(messages, m => Assert.True(SmsSegments.Segments(m).Count <= SmsSegments.MaxSegmentsPerMessage));
        Assert.All(messages.Skip(1), m => Assert.Matches(@"^\d+ ", m));
    }

    private static string Squash(string text) => Regex.Replace(text, @"\s+", string.Empty);

    [GeneratedRegex(@"\{\{ [a-z]+ \}\}")]
    private static partial Regex Placeholders();
}
