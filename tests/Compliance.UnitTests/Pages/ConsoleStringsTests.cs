using System.Text.RegularExpressions;
using Compliance.Api.Features.Pages;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Templates;
using Microsoft.Extensions.Options;

namespace Compliance.UnitTests.Pages;

/// <summary>
/// Every string a console template asks for (<c>t.key</c>, <c>t["key"]</c>, and the keys it builds from a prefix) is in
/// the English strings (issue #19: every string in a resource file). Scriban renders a missing key as nothing, so
/// without this a page would silently lose a label, a button's name or an error's heading.
/// </summary>
public partial class ConsoleStringsTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "templates");

    private static IReadOnlyDictionary<string, string> English() =>
        ConsoleStrings.Load(new TemplateStore(Options.Create(new TemplateOptions { Root = Root })), ConsoleStrings.Default);

    [Fact]
    public void EveryKeyATemplateNames_IsDefined_AndNotEmpty()
    {
        var strings = English();
        var missing = new List<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Root, "console"), "*.sbn", SearchOption.AllDirectories))
        {
            var text = File.ReadAllText(file);
            foreach (var key in StaticKey().Matches(text).Select(m => m.Groups["key"].Value).Concat(IndexedKey().Matches(text).Select(m => m.Groups["key"].Value)))
            {
                if (!strings.TryGetValue(key, out var value) || string.IsNullOrWhiteSpace(value))
                {
                    missing.Add($"{Path.GetRelativePath(Root, file)}: {key}");
                }
            }
        }

        Assert.True(missing.Count == 0, string.Join("\n", missing.Distinct()));
    }

    [Fact]
    public void EveryKeyBuiltFromAPrefix_IsDefined()
    {
        var strings = English();
        var built = GrievanceClocks.States.Select(s => "clock_" + s)
            .Concat(["clock_acknowledge", "clock_feedback"])
            .Concat(CasePages.Tabs.Select(t => "tab_" + t))
            .Concat(GrievanceStatisticsApi.GroupBys.Select(g => "stats_col_" + g));
        Assert.All(built, key => Assert.True(strings.ContainsKey(key), key));
    }

    [GeneratedRegex(@"\bt\.(?<key>[a-z0-9_]+)")]
    private static partial Regex StaticKey();

    [GeneratedRegex(@"\bt\[""(?<key>[a-z0-9_\-]+)""\]")]
    private static partial Regex IndexedKey();
}
