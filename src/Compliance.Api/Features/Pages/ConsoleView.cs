using System.Security.Claims;
using System.Text;
using System.Text.Json;
using Compliance.Api.Features.People;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Templates;
using Microsoft.AspNetCore.Antiforgery;

namespace Compliance.Api.Features.Pages;

/// <summary>
/// The console's strings, one folder per language under <c>templates/console/strings/</c> (English first), one file
/// per area of the console: a handler's language is added by adding its folder. Templates read them as
/// <c>t.&lt;key&gt;</c>. A key defined twice is an error, so two areas cannot silently disagree.
/// </summary>
public sealed class ConsoleStrings
{
    public const string Default = "en";

    private readonly Lazy<IReadOnlyDictionary<string, string>> _english;

    public ConsoleStrings(TemplateStore templates) => _english = new(() => Load(templates, Default));

    public static IReadOnlyDictionary<string, string> Load(TemplateStore templates, string language)
    {
        var all = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var file in Directory.GetFiles(Path.Combine(templates.Root, "console", "strings", language), "*.json").Order(StringComparer.Ordinal))
        {
            foreach (var (key, value) in JsonSerializer.Deserialize<Dictionary<string, string>>(File.ReadAllText(file)) ?? [])
            {
                if (!all.TryAdd(key, value))
                {
                    throw new InvalidOperationException($"Console string '{key}' is defined twice ({Path.GetFileName(file)}).");
                }
            }
        }

        return all;
    }

    public IReadOnlyDictionary<string, string> All => _english.Value;

    /// <summary>The string <paramref name="key"/>; a missing key throws, so a page never shows a blank where a word belongs.</summary>
    public string this[string key] => All.TryGetValue(key, out var value) ? value : throw new KeyNotFoundException($"No console string '{key}'.");
}

/// <summary>One link of the console's navigation.</summary>
public sealed record NavLink(string Href, string Label, bool Current);

/// <summary>
/// Renders a console page: the shared layout (navigation for the signed-in role, skip link, strings), a fresh
/// antiforgery token for its forms, and the console's headers (no-store, strict CSP) set by the console group's filter.
/// Every page of <c>/console</c> goes through here, so none can forget its token or its strings.
/// </summary>
public static class ConsoleView
{
    /// <summary>Where each role starts; the home page links there.</summary>
    public static string StartOf(string? role) => role switch
    {
        Roles.CaseHandler or Roles.OfficeAdmin => CasePages.Inbox,
        Roles.Auditor => "/console/audits",
        Roles.Owner or Roles.Compliance or Roles.Supplier => "/console/sites",
        _ => ConsolePages.Home,
    };

    /// <summary>The navigation a role sees: only pages it may open.</summary>
    public static IReadOnlyList<(string Href, string LabelKey)> NavigationOf(string? role) => role switch
    {
        Roles.CaseHandler or Roles.OfficeAdmin => [(CasePages.Inbox, "nav_inbox")],
        Roles.Auditor =>
        [
            ("/console/sites", "nav_sites"), ("/console/audits", "nav_audits"), ("/console/access-log", "nav_access_log"),
            ("/console/effectiveness", "nav_effectiveness"), ("/console/odata", "nav_odata"),
        ],
        Roles.Owner or Roles.Compliance =>
        [
            ("/console/sites", "nav_sites"), ("/console/statistics", "nav_statistics"), ("/console/effectiveness", "nav_effectiveness"),
            ("/console/escalations", "nav_escalations"), ("/console/corrective-actions", "nav_corrective_actions"), ("/console/remediation", "nav_remediation"),
            (EmployerPages.Dossiers, "nav_dossiers"), (ManagementPages.Hub, "nav_manage"),
        ],
        Roles.Supplier => [("/console/sites", "nav_sites")],
        _ => [],
    };

    public static IResult Page(HttpContext http, string title, string template, object model, int status = StatusCodes.Status200OK)
    {
        var services = http.RequestServices;
        var templates = services.GetRequiredService<TemplateStore>();
        var strings = services.GetRequiredService<ConsoleStrings>();
        var tokens = services.GetRequiredService<IAntiforgery>().GetAndStoreTokens(http);
        var role = http.User.FindFirstValue(ClaimTypes.Role);
        var path = http.Request.Path.Value ?? string.Empty;
        var shared = new Dictionary<string, object?>
        {
            ["t"] = strings.All,
            ["token_field"] = tokens.FormFieldName,
            ["token"] = tokens.RequestToken,
        };
        var body = templates.Render($"console/{template}.sbn", model, shared);
        var nav = NavigationOf(role)
            .Select(n => new NavLink(n.Href, strings[n.LabelKey], path.Equals(n.Href, StringComparison.OrdinalIgnoreCase) || path.StartsWith(n.Href + "/", StringComparison.OrdinalIgnoreCase)))
            .ToList();
        var html = templates.Render("console/_layout.sbn", new { Title = title, Body = body, Nav = nav, SignedIn = PersonClaims.IsPerson(http.User) }, shared);
        return Results.Content(html, "text/html; charset=utf-8", Encoding.UTF8, status);
    }

    /// <summary>Post, then redirect (303), so a reload never posts twice.</summary>
    public static IResult SeeOther(string url) => new SeeOtherResult(url);

    private sealed class SeeOtherResult(string url) : IResult
    {
        public Task ExecuteAsync(HttpContext httpContext)
        {
            httpContext.Response.StatusCode = StatusCodes.Status303SeeOther;
            httpContext.Response.Headers.Location = url;
            return Task.CompletedTask;
        }
    }

    /// <summary>A console page that is not there, or not this person's: the same page either way (never confirms it exists).</summary>
    public static IResult NotFound(HttpContext http) =>
        Page(http, http.RequestServices.GetRequiredService<ConsoleStrings>()["not_found_title"], "not-found", new { }, StatusCodes.Status404NotFound);

    /// <summary>A form's values, trimmed; empty means absent.</summary>
    public static string? Field(IFormCollection form, string name) =>
        form[name].ToString().Trim() is { Length: > 0 } value ? value : null;
}
