using System.Collections.Concurrent;
using Scriban;
using Scriban.Runtime;

namespace Compliance.Api.Infrastructure.Templates;

/// <summary>Where the Scriban templates live (section <c>Templates</c>); defaults to <c>templates/</c> beside the binaries.</summary>
public sealed class TemplateOptions
{
    public const string Section = "Templates";

    public string? Root { get; set; }
}

/// <summary>
/// Scriban templates from <c>templates/</c>, parsed once and cached, rendered from a model whose members are
/// exposed in snake_case (<c>CaseReference</c> → <c>case_reference</c>).
/// </summary>
public sealed class TemplateStore
{
    private readonly ConcurrentDictionary<string, Template> _cache = new(StringComparer.Ordinal);

    public TemplateStore(Microsoft.Extensions.Options.IOptions<TemplateOptions> options)
    {
        Root = options.Value.Root ?? Path.Combine(AppContext.BaseDirectory, "templates");
    }

    public string Root { get; }

    public bool Exists(string relativePath) => File.Exists(Path.Combine(Root, relativePath));

    /// <summary>Reads a non-template file under the root (e.g. <c>worker/en/labels.json</c>).</summary>
    public string ReadText(string relativePath) => File.ReadAllText(Path.Combine(Root, relativePath));

    /// <summary>Parses (once) and returns the template at <paramref name="relativePath"/>; throws if it has errors.</summary>
    public Template Get(string relativePath) => _cache.GetOrAdd(relativePath, path =>
    {
        var template = Template.Parse(File.ReadAllText(Path.Combine(Root, path)), path);
        if (template.HasErrors)
        {
            throw new InvalidOperationException($"Template {path} has errors: {string.Join("; ", template.Messages)}");
        }

        return template;
    });

    /// <summary>Renders <paramref name="relativePath"/> with <paramref name="model"/> (an object or a dictionary).</summary>
    public string Render(string relativePath, object model) => Render(relativePath, model, shared: null);

    /// <summary>
    /// Renders with <paramref name="shared"/> values (a page's strings, its form token) beside the model's members;
    /// a model member of the same name wins.
    /// </summary>
    public string Render(string relativePath, object model, IReadOnlyDictionary<string, object?>? shared)
    {
        var globals = new ScriptObject();
        foreach (var (name, value) in shared ?? new Dictionary<string, object?>())
        {
            globals[name] = value;
        }

        globals.Import(model, renamer: StandardMemberRenamer.Default);
        var context = new TemplateContext { StrictVariables = false, MemberRenamer = StandardMemberRenamer.Default };
        context.PushGlobal(globals);
        return Get(relativePath).Render(context);
    }
}
