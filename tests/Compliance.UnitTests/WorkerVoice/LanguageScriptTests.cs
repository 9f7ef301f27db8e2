using System.Text.Json;
using System.Text.RegularExpressions;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Templates;
using Compliance.Domain.Reference;
using Microsoft.Extensions.Options;

namespace Compliance.UnitTests.WorkerVoice;

/// <summary>
/// DNH-11: every worker-facing text is written in its language, not copied from English. Each file under
/// <c>templates/worker/&lt;lang&gt;/</c> (pages, labels, reply templates) and <c>templates/declarations/&lt;lang&gt;/</c> is
/// reduced to what a worker reads (Scriban code, HTML tags and entities removed; for JSON, the string values), then:
/// ne, bn, my and km must have every letter in their own script (Devanagari, Bengali, Myanmar, Khmer); vi must be Latin
/// with Vietnamese diacritics in every sentence of more than two words; ms and id must not equal the English text, file by
/// file and label by label. Allowed: placeholders (removed with the code), numbers, case references, the product name,
/// and the few terms the translations gloss in parentheses (NGO, MAPO, IP, history, Employer Pays Principle).
/// Mutation that fails it: copy <c>templates/worker/en/intake.sbn</c> over <c>templates/worker/ne/intake.sbn</c> (or over
/// ms's, or change one Vietnamese label to English).
/// </summary>
public partial class LanguageScriptTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "templates");

    /// <summary>Latin words allowed inside a non-Latin text: the product name and glossed terms.</summary>
    private static readonly string[] AllowedLatin = ["Worker Voice", "Employer Pays Principle", "NGO", "MAPO", "IP", "history", "WV"];

    private static readonly Dictionary<string, (int From, int To)[]> Scripts = new(StringComparer.Ordinal)
    {
        ["ne"] = [(0x0900, 0x097F), (0xA8E0, 0xA8FF)],
        ["bn"] = [(0x0980, 0x09FF)],
        ["my"] = [(0x1000, 0x109F), (0xA9E0, 0xA9FF), (0xAA60, 0xAA7F)],
        ["km"] = [(0x1780, 0x17FF), (0x19E0, 0x19FF)],
    };

    private const string VietnameseLetters = "ăâđêôơưàáạảãằắặẳẵầấậẩẫèéẹẻẽềếệểễìíịỉĩòóọỏõồốộổỗờớợởỡùúụủũừứựửữỳýỵỷỹ";

    public static TheoryData<string, string> LanguagesAndFiles()
    {
        var data = new TheoryData<string, string>();
        foreach (var lang in Languages.Supported.Where(l => l != "en"))
        {
            foreach (var folder in new[] { "worker", "declarations" })
            {
                var english = Path.Combine(Root, folder, "en");
                foreach (var file in Directory.GetFiles(english, "*", SearchOption.AllDirectories))
                {
                    data.Add(lang, Path.Combine(folder, "{lang}", Path.GetRelativePath(english, file)));
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LanguagesAndFiles))]
    public void Dnh11_EveryWorkerFacingText_IsWrittenInItsLanguage(string lang, string file)
    {
        var path = Path.Combine(Root, file.Replace("{lang}", lang, StringComparison.Ordinal));
        Assert.True(File.Exists(path), $"{path} is missing");
        var englishPath = Path.Combine(Root, file.Replace("{lang}", "en", StringComparison.Ordinal));
        var texts = ReadableTexts(path);
        var english = ReadableTexts(englishPath);
        Assert.NotEmpty(texts);
        foreach (var (key, text) in texts)
        {
            AssertWrittenIn(lang, $"{Path.GetRelativePath(Root, path)} {key}: \"{text}\"", text, english.GetValueOrDefault(key));
        }
    }

    /// <summary>
    /// Issue #18: every "Who reads your report" text (<c>labels.json</c> → <c>who_reads</c>) exists in every language,
    /// under the same keys as English, keeps its placeholder, loads through the real <see cref="WorkerLabels"/>, and is
    /// written in the language's script. Mutation that fails it: delete <c>who_reads.migrated</c> from
    /// <c>templates/worker/my/labels.json</c>, or replace the Khmer <c>who_reads.internal</c> with the English one.
    /// </summary>
    [Theory]
    [MemberData(nameof(AllLanguages))]
    public void Dnh11_WhoReadsTexts_ExistInEveryLanguage_InItsScript(string lang)
    {
        var english = WhoReadsStrings("en");
        var texts = WhoReadsStrings(lang);

        Assert.Equal(english.Keys.Order(StringComparer.Ordinal), texts.Keys.Order(StringComparer.Ordinal));
        Assert.NotNull(new WorkerLabels(new TemplateStore(Options.Create(new TemplateOptions { Root = Root }))).For(lang).WhoReads);
        foreach (var (key, raw) in texts)
        {
            var where = $"worker/{lang}/labels.json who_reads{key}: \"{raw}\"";
            Assert.False(string.IsNullOrWhiteSpace(raw), $"{where} is empty");
            var placeholder = key switch
            {
                "/since" => WhoReadsTexts.DatePlaceholder,
                "/readers" => WhoReadsTexts.CountPlaceholder,
                _ => null,
            };
            Assert.True(
                placeholder is null ? !raw.Contains("{{", StringComparison.Ordinal) : raw.Contains(placeholder, StringComparison.Ordinal),
                $"{where} must contain {placeholder ?? "no placeholder"}");
            if (lang != "en")
            {
                AssertWrittenIn(lang, where, Code().Replace(raw, " "), Code().Replace(english[key], " "));
            }
        }
    }

    public static TheoryData<string> AllLanguages() => [.. Languages.Supported];

    /// <summary>The <c>who_reads</c> strings of a language's labels, keyed by JSON path (<c>/kinds/internal</c>).</summary>
    private static Dictionary<string, string> WhoReadsStrings(string lang)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, "worker", lang, "labels.json")));
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        Walk(doc.RootElement.GetProperty("who_reads"), string.Empty);
        return texts;

        void Walk(JsonElement element, string key)
        {
            if (element.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in element.EnumerateObject())
                {
                    Walk(property.Value, $"{key}/{property.Name}");
                }
            }
            else
            {
                texts[key] = element.GetString()!;
            }
        }
    }

    /// <summary>
    /// The script rule for one text: ne, bn, my, km letters in their own script; vi diacritics in every sentence of more
    /// than two words; ms and id not equal to <paramref name="english"/>.
    /// </summary>
    internal static void AssertWrittenIn(string lang, string where, string text, string? english)
    {
        if (Scripts.TryGetValue(lang, out var ranges))
        {
            var stray = Letters(WithoutAllowed(text)).Where(c => !ranges.Any(r => c >= r.From && c <= r.To)).ToList();
            Assert.True(stray.Count == 0, $"{where} has letters outside its script: {new string([.. stray.Distinct()])}");
            Assert.NotEmpty(Letters(text));
        }
        else if (lang == "vi")
        {
            foreach (var sentence in Sentences().Split(text).Where(s => Words().Count(WithoutAllowed(s)) > 2))
            {
                Assert.True(sentence.ToLowerInvariant().Any(VietnameseLetters.Contains), $"{where} has a sentence without Vietnamese diacritics: \"{sentence}\"");
            }
        }
        else if (english is not null && Letters(WithoutAllowed(text)).Any())
        {
            Assert.True(Normalize(text) != Normalize(english), $"{where} is the English text");
        }
    }

    /// <summary>The text a worker reads, by key: one entry per JSON string value, or the whole file for a template.</summary>
    private static Dictionary<string, string> ReadableTexts(string path)
    {
        var raw = File.ReadAllText(path);
        var texts = new Dictionary<string, string>(StringComparer.Ordinal);
        if (path.EndsWith(".json", StringComparison.Ordinal))
        {
            using var doc = JsonDocument.Parse(raw);
            Walk(doc.RootElement, string.Empty);
        }
        else
        {
            var text = Entities().Replace(Tags().Replace(Code().Replace(raw, " "), " "), " ");
            if (Letters(text).Any())
            {
                texts["(template)"] = text;
            }
        }

        return texts;

        void Walk(JsonElement element, string key)
        {
            switch (element.ValueKind)
            {
                case JsonValueKind.Object:
                    foreach (var property in element.EnumerateObject())
                    {
                        Walk(property.Value, $"{key}/{property.Name}");
                    }

                    break;
                case JsonValueKind.Array:
                    var i = 0;
                    foreach (var item in element.EnumerateArray())
                    {
                        Walk(item, $"{key}/{i++}");
                    }

                    break;
                case JsonValueKind.String:
                    texts[key] = Code().Replace(element.GetString()!, " ");
                    break;
            }
        }
    }

    private static string WithoutAllowed(string text) => AllowedLatin.Aggregate(text, (t, allowed) => t.Replace(allowed, " ", StringComparison.Ordinal));

    private static IEnumerable<char> Letters(string text) => text.Where(char.IsLetter);

    private static string Normalize(string text) => Spaces().Replace(text, " ").Trim();

    [GeneratedRegex(@"\{\{.*?\}\}", RegexOptions.Singleline)]
    private static partial Regex Code();

    [GeneratedRegex(@"<[^>]*>")]
    private static partial Regex Tags();

    [GeneratedRegex(@"&[a-zA-Z]+;|&#[0-9]+;")]
    private static partial Regex Entities();

    [GeneratedRegex(@"[.!?:;\n]+")]
    private static partial Regex Sentences();

    [GeneratedRegex(@"\p{L}+")]
    private static partial Regex Words();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
