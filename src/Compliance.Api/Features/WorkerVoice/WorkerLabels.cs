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
    IReadOnlyDictionary<string, string> Errors);

/// <summary>Loads and caches <see cref="Labels"/> per language.</summary>
public sealed class WorkerLabels(TemplateStore templates)
{
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
            Strings(root.GetProperty("errors")));
    });

    private static Dictionary<string, string> Strings(JsonElement e) =>
        e.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
}
