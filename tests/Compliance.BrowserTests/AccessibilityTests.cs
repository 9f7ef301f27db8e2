using System.Text;
using Compliance.Domain.Reference;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Risk;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Compliance.BrowserTests;

/// <summary>Who opens an audited page: each visitor has a browser of their own, signed in as they would be.</summary>
public enum Visitor
{
    /// <summary>A worker's phone on the plain-http worker pages: no cookies, no session.</summary>
    Worker,

    /// <summary>Nobody signed in, on the console.</summary>
    Anonymous,

    /// <summary>The case handler after their password, before their authenticator code.</summary>
    FirstFactor,

    /// <summary>The case handler signed in with both factors.</summary>
    Handler,

    /// <summary>The tenant's owner, signed in (password only).</summary>
    Owner,

    /// <summary>The tenant's auditor, signed in (password only).</summary>
    Auditor,
}

/// <summary>What the audited pages are opened against: one tenant, its office and handler, a worked case, a receipt per language.</summary>
public sealed record AuditScene(HandlerDesk Desk, Guid SiteId, string IntakeCode, Guid CaseId, IReadOnlyDictionary<string, string> Receipts);

/// <summary>
/// One page axe looks at: opened by <paramref name="Visitor"/> at <paramref name="Url"/>, then (for a page that exists
/// only after a form is sent) <paramref name="Then"/> does what a person does to reach it. A console page is audited
/// at 1280 px, and also at 360 px when <paramref name="Phone"/> (pages whose tables scroll sideways on a phone).
/// </summary>
public sealed record AuditedPage(string Name, Visitor Visitor, Func<AuditScene, string> Url, Func<IPage, AuditScene, Task>? Then = null, bool Phone = false);

/// <summary>
/// Every page axe-core checks. To audit another console page, append it to <see cref="Console"/> (with the
/// <see cref="Visitor"/> who may open it; add a visitor when a new role is needed).
/// </summary>
public static class AuditedPages
{
    /// <summary>The worker's pages, in every language: intake, the receipt after filing, the follow-up form and its result.</summary>
    public static readonly IReadOnlyList<AuditedPage> Worker =
    [
        new("choose a language", Visitor.Worker, s => $"/v/{s.IntakeCode}"),
        .. Languages.Supported.SelectMany(lang => new AuditedPage[]
        {
            new($"intake ({lang})", Visitor.Worker, s => $"/v/{s.IntakeCode}/{lang}"),
            new($"receipt ({lang})", Visitor.Worker, s => $"/v/{s.IntakeCode}/{lang}", FileAsync),
            new($"follow-up form ({lang})", Visitor.Worker, _ => $"/v/follow-up?lang={lang}"),
            new($"follow-up result ({lang})", Visitor.Worker, _ => $"/v/follow-up?lang={lang}", (page, s) => FollowUpAsync(page, s.Receipts[lang])),
        }),
    ];

    /// <summary>The console pages the case handler uses, and the page that refuses the owner.</summary>
    public static readonly IReadOnlyList<AuditedPage> Console =
    [
        new("sign-in", Visitor.Anonymous, _ => "/console/sign-in"),
        new("setup with a code", Visitor.Anonymous, _ => "/console/setup"),
        new("two-factor", Visitor.FirstFactor, _ => "/console/two-factor"),
        new("home", Visitor.Handler, _ => "/console"),
        new("two-factor settings", Visitor.Handler, _ => "/console/enrol-two-factor"),
        new("password", Visitor.Handler, _ => "/console/password"),
        new("inbox", Visitor.Handler, _ => "/console/cases", Phone: true),
        new("inbox, filtered", Visitor.Handler, _ => "/console/cases?clock=on-track&language=ne"),
        new("inbox, refused filter", Visitor.Handler, _ => "/console/cases?clock=soonish"),
        new("case: worker thread", Visitor.Handler, s => s.Desk.CaseUrl(s.CaseId, "thread"), Phone: true),
        new("case: reply preview", Visitor.Handler, s => s.Desk.CaseUrl(s.CaseId, "thread"), PreviewAsync),
        new("case: internal notes", Visitor.Handler, s => s.Desk.CaseUrl(s.CaseId, "internal"), Phone: true),
        new("case: private notes", Visitor.Handler, s => s.Desk.CaseUrl(s.CaseId, "private")),
        new("forbidden (owner on the inbox)", Visitor.Owner, _ => "/console/cases"),
        new("forbidden (owner on a case)", Visitor.Owner, s => s.Desk.CaseUrl(s.CaseId)),
        new("owner home", Visitor.Owner, _ => "/console"),
        new("sites", Visitor.Owner, _ => "/console/sites", Phone: true),
        new("site", Visitor.Owner, s => $"/console/sites/{s.SiteId}", Phone: true),
        new("statistics", Visitor.Owner, _ => "/console/statistics", Phone: true),
        new("statistics, refused filter", Visitor.Owner, _ => "/console/statistics?from=2026-13-01"),
        new("effectiveness", Visitor.Owner, _ => "/console/effectiveness", Phone: true),
        new("escalations", Visitor.Owner, _ => "/console/escalations"),
        new("corrective actions", Visitor.Owner, _ => "/console/corrective-actions"),
        new("remediation", Visitor.Owner, _ => "/console/remediation"),
        new("dossiers", Visitor.Owner, _ => "/console/dossiers"),
        new("manage", Visitor.Owner, _ => "/console/manage"),
        new("manage: suppliers and sites", Visitor.Owner, _ => "/console/manage/sites", Phone: true),
        new("manage: poster", Visitor.Owner, s => $"/console/manage/sites/{s.SiteId}/poster"),
        new("manage: people and keys", Visitor.Owner, _ => "/console/manage/access", Phone: true),
        new("manage: destinations", Visitor.Owner, _ => "/console/manage/destinations"),
        new("manage: handling offices", Visitor.Owner, _ => "/console/manage/links"),
        new("manage: roster", Visitor.Owner, _ => "/console/manage/roster"),
        new("audits", Visitor.Auditor, _ => "/console/audits"),
        new("access log", Visitor.Auditor, _ => "/console/access-log", Phone: true),
        new("OData feed", Visitor.Auditor, _ => "/console/odata"),
    ];

    private static async Task FileAsync(IPage page, AuditScene scene)
    {
        await page.Locator("input[name=categories]").First.CheckAsync();
        await page.Locator("#narrative").FillAsync("The agent keeps my passport.");
        await page.Locator("form button[type=submit]").ClickAsync();
        await page.Locator(".receipt").WaitForAsync();
    }

    private static async Task FollowUpAsync(IPage page, string receipt)
    {
        await page.Locator("#receipt").FillAsync(receipt);
        await page.Locator("form button[type=submit]").ClickAsync();
        await page.Locator("article.msg").First.WaitForAsync();
    }

    private static async Task PreviewAsync(IPage page, AuditScene scene)
    {
        await page.Locator("select#template").SelectOptionAsync("acknowledged");
        await page.Locator("button[name=action][value=preview]").ClickAsync();
        await page.Locator("#preview").WaitForAsync();
    }
}

/// <summary>
/// axe-core (Deque.AxeCore.Playwright) on every worker page in every language and every console page the case
/// handler uses: no violation of impact serious or critical. Worker pages are checked at a phone's 360 px; console
/// pages at 1280 px, and those with tables at 360 px too. A failure lists each violation with its rule id and the
/// elements it found.
/// </summary>
[Collection(HandlerConsoleBrowser.Name)]
public class AccessibilityTests(HandlerConsoleFixture fixture, ITestOutputHelper output)
{
    private static readonly string[] Blocking = ["serious", "critical"];

    // Only violations come back with every element they found: a page's passes, listed node by node, cost more time than the checks.
    private static readonly Deque.AxeCore.Commons.AxeRunOptions Options = new() { ResultTypes = [Deque.AxeCore.Commons.ResultType.Violations] };

    [Fact]
    public async Task WorkerPages_InEveryLanguage_HaveNoSeriousOrCriticalViolations() =>
        await AuditAsync(AuditedPages.Worker, [360]);

    [Fact]
    public async Task HandlerConsolePages_HaveNoSeriousOrCriticalViolations() =>
        await AuditAsync(AuditedPages.Console, [1280, 360]);

    private async Task AuditAsync(IReadOnlyList<AuditedPage> all, int[] widths)
    {
        var scene = await SceneAsync();
        var browsers = new Dictionary<(Visitor, int), IPage>();
        var found = new StringBuilder();
        try
        {
            foreach (var width in widths)
            {
                // The first width is every page's; a console page comes back at a phone's width only if it asks to.
                foreach (var audited in all.Where(p => width == widths[0] || p.Visitor == Visitor.Worker || p.Phone))
                {
                    if (!browsers.TryGetValue((audited.Visitor, width), out var page))
                    {
                        var context = audited.Visitor == Visitor.Worker ? await fixture.WorkerContextAsync(width) : await fixture.PersonContextAsync(width);
                        page = await context.NewPageAsync();
                        browsers[(audited.Visitor, width)] = page;
                        await ArriveAsync(page, audited.Visitor, scene);
                    }

                    await page.GotoAsync(audited.Url(scene));
                    if (audited.Then is { } then)
                    {
                        await then(page, scene);
                    }

                    var started = System.Diagnostics.Stopwatch.GetTimestamp();
                    var result = await page.RunAxe(Options);
                    Assert.True(result.Passes.Length > 0, $"axe-core checked nothing on {audited.Name}");
                    output.WriteLine($"{audited.Name} @{width}: {result.Passes.Length} rules pass; {System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds:F0} ms; " +
                        string.Join(", ", result.Violations.Select(v => $"{v.Impact} {v.Id} x{v.Nodes.Length}")));
                    foreach (var violation in result.Violations.Where(v => Blocking.Contains(v.Impact)))
                    {
                        found.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"{audited.Name} @{width}px ({OfficeJourneyTests.Path(page)}): {violation.Impact} {violation.Id}: {violation.Help}");
                        foreach (var node in violation.Nodes)
                        {
                            found.AppendLine(System.Globalization.CultureInfo.InvariantCulture, $"    {node.Target}: {node.Html}");
                        }
                    }
                }
            }

            Assert.True(found.Length == 0, "axe-core found serious or critical violations:\n" + found);
        }
        catch
        {
            await Failure.ScreenshotsAsync(nameof(AccessibilityTests), [.. browsers.Values.Select(p => p.Context).Distinct()]);
            throw;
        }
        finally
        {
            foreach (var context in browsers.Values.Select(p => p.Context).Distinct())
            {
                await context.CloseAsync();
            }
        }
    }

    /// <summary>A tenant with a Nepali case worked in every way the case page shows, and a case with a reply in every language.</summary>
    private async Task<AuditScene> SceneAsync()
    {
        var desk = await fixture.NewDeskAsync("Accessible Employer");
        var site = await desk.Tenant.CreateSiteAsync();
        var (_, _, caseId) = await desk.FileAsync(site.IntakeCode, "ne", "मेरो राहदानी एजेन्टसँग छ।", ["documents-held", "hurt-or-threatened"], ["ngo", "labour-authority"]);
        await desk.PostCaseFormAsync(caseId, "reply", ("template", "acknowledged"), ("action", "send"));
        await desk.PostCaseFormAsync(caseId, "notes", ("visibility", "internal"), ("text", "Called the hostel warden."));
        await desk.PostCaseFormAsync(caseId, "notes", ("visibility", "private"), ("text", "Check the agent's licence."));
        await desk.PostCaseFormAsync(caseId, "triage", ("indicators", "FL08"), ("severity", "critical"), ("subStatus", "visit booked"));
        var followUp = DateOnly.FromDateTime(fixture.Factory.Clock.GetUtcNow().UtcDateTime).AddDays(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await desk.PostCaseFormAsync(caseId, "referrals", ("organisation", "Tenaganita"), ("kind", "ngo"), ("followUpBy", followUp));

        var receipts = new Dictionary<string, string>();
        foreach (var lang in Languages.Supported)
        {
            var (receipt, _, id) = await desk.FileAsync(site.IntakeCode, lang, "The agent keeps my passport.", ["documents-held"]);
            await desk.PostCaseFormAsync(id, "reply", ("template", "acknowledged"), ("action", "send"));
            receipts[lang] = receipt;
        }

        await Http.EnsureStatusAsync(await desk.Tenant.Owner.PostAsync("/api/v1/risk-assessments/run", null), 202);
        Assert.All(await fixture.Factory.RunEnqueuedJobsAsync(desk.Tenant.TenantId), Assert.Null);
        return new AuditScene(desk, site.Id, site.IntakeCode, caseId, receipts);
    }

    /// <summary>Brings <paramref name="visitor"/>'s fresh browser to where they start: signed in as they would be.</summary>
    private static async Task ArriveAsync(IPage page, Visitor visitor, AuditScene scene)
    {
        switch (visitor)
        {
            case Visitor.FirstFactor:
                await scene.Desk.EnterPasswordAsync(page);
                break;
            case Visitor.Handler:
                await scene.Desk.SignInAsync(page);
                break;
            case Visitor.Owner:
                await scene.Desk.SignInOwnerAsync(page);
                break;
            case Visitor.Auditor:
                await scene.Desk.SignInMemberAsync(page, "auditor");
                break;
            default:
                break;
        }
    }
}
