using System.Collections.Concurrent;
using System.Text.Json;
using Compliance.Api.Infrastructure.Templates;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>The plain-language texts of one language (<c>templates/worker/&lt;lang&gt;/labels.json</c>).</summary>
public sealed record Labels(
    IReadOnlyDictionary<string, string> Categories,
    IReadOnlyDictionary<string, (string Label, string Help)> Consent,
    IReadOnlyDictionary<string, string> Statuses,
    IReadOnlyDictionary<string, string> NextSteps,
    IReadOnlyDictionary<string, string> Errors,
    WhoReadsTexts WhoReads,
    SurveyTexts Survey);

/// <summary>
/// The effectiveness survey offered once a case has ended (<c>labels.json</c> → <c>survey</c>, issue #21). Every member
/// is required, like <see cref="WhoReadsTexts"/>.
/// </summary>
/// <param name="SatisfactionOptions">Keyed "1" to "5".</param>
/// <param name="ReprisalOptions">Keyed <c>yes</c>, <c>no</c>, <c>prefer-not-to-say</c>.</param>
public sealed record SurveyTexts(
    string Heading,
    string Hint,
    string SatisfactionQuestion,
    IReadOnlyDictionary<string, string> SatisfactionOptions,
    string ReprisalQuestion,
    IReadOnlyDictionary<string, string> ReprisalOptions,
    string Submit,
    string Thanks,
    string Answered,
    string Error,
    string HelpIfYes);

/// <summary>
/// The "Who reads your report" texts of one language (<c>labels.json</c> → <c>who_reads</c>, issue #18). Every member is
/// required: a language missing one fails to load rather than showing English or nothing.
/// </summary>
/// <param name="EmployerCannotSee">The intake page's promise, shown only when <see cref="WhoReads.EmployerCannotSee"/> holds.</param>
/// <param name="Kinds">Each office kind in plain words, keyed by kind code.</param>
/// <param name="Since">Contains <see cref="DatePlaceholder"/>.</param>
/// <param name="Readers">Contains <see cref="CountPlaceholder"/>; <see cref="ReadersOne"/> is used for one reader.</param>
public sealed record WhoReadsTexts(
    string Heading,
    string EmployerCannotSee,
    IReadOnlyDictionary<string, string> Kinds,
    string Verified,
    string SelfDeclared,
    string Since,
    string ReadersOne,
    string Readers,
    string None,
    string NoneLocked,
    string NoneFileNow,
    string Internal,
    string Migrated,
    string Independent,
    string Unverified)
{
    public const string DatePlaceholder = "{{ date }}";
    public const string CountPlaceholder = "{{ count }}";
}

/// <summary>Loads and caches <see cref="Labels"/> per language.</summary>
public sealed class WorkerLabels(TemplateStore templates)
{
    private static readonly JsonSerializerOptions WhoReadsJson = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        RespectRequiredConstructorParameters = true,
        RespectNullableAnnotations = true,
    };

    private readonly ConcurrentDictionary<string, Labels> _cache = new(StringComparer.Ordinal);

    public Labels For(string language) => _cache.GetOrAdd(language, lang =>
    {
        using var doc = JsonDocument.Parse(templates.ReadText($"worker/{lang}/labels.json"));
        var root = doc.RootElement;
        return new Labels(
            Strings(root.GetProperty("categories")),
            root.GetProperty("consent").EnumerateObject().ToDictionary(
                p => p.Name,
                p => (p.Value.GetProperty("label").GetString()!, p.Value.GetProperty("help").GetString()!),
                StringComparer.Ordinal),
            Strings(root.GetProperty("statuses")),
            Strings(root.GetProperty("next_steps")),
            Strings(root.GetProperty("errors")),
            root.GetProperty("who_reads").Deserialize<WhoReadsTexts>(WhoReadsJson)!,
            root.GetProperty("survey").Deserialize<SurveyTexts>(WhoReadsJson)!);
    });

    private static Dictionary<string, string> Strings(JsonElement e) =>
        e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
}
