using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Compliance.BrowserTests;

/// <summary>
/// One served app, one database and one Chromium for the case handler's console tests (journey, accessibility,
/// screenshots): the classes of this collection run one after another, so a test may move the app's clock as long as
/// it puts it back. Every test makes its own tenant and office, so no test sees another's cases.
/// </summary>
[CollectionDefinition(Name)]
public sealed class HandlerConsoleBrowser : ICollectionFixture<HandlerConsoleFixture>
{
    public const string Name = "Handler console in Chromium";
}

public sealed class HandlerConsoleFixture : IAsyncLifetime
{
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public KestrelApiFactory Factory { get; } = new();

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("The fixture is not started.");

    public PersonSessions People => new(Factory);

    public async Task InitializeAsync()
    {
        await Factory.InitializeAsync();
        _playwright = await Playwright.CreateAsync();
        _browser = await Chromium.LaunchAsync(_playwright);
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
        await Factory.DisposeAsync();
        await ((IAsyncLifetime)Factory).DisposeAsync();
    }

    /// <summary>A fresh browser (its own cookies) on the https listener, where people's sessions live.</summary>
    public Task<IBrowserContext> PersonContextAsync(int width = 1280, bool javaScript = true) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Factory.SecureAddress.ToString(),
            IgnoreHTTPSErrors = true,
            JavaScriptEnabled = javaScript,
            ViewportSize = new ViewportSize { Width = width, Height = 900 },
        });

    /// <summary>A fresh browser on the plain-http listener, as a worker's phone opens the worker pages.</summary>
    public Task<IBrowserContext> WorkerContextAsync(int width = 360) =>
        Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Factory.BaseAddress.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = 740 },
        });

    /// <summary>
    /// A tenant with its own handling office, linked, and a case handler of that office with a password and an
    /// authenticator (enrolled through the pages over HTTP): the browser then signs in with both factors.
    /// </summary>
    public async Task<HandlerDesk> NewDeskAsync(string tenantName, string handlerName = "Hari the Handler")
    {
        var tenant = await Factory.CreateTenantAsync(tenantName);
        var people = People;
        var office = await people.SignUpOfficeAsync(name: "Tenaga Help Desk");
        await PersonSessions.LinkAsync(tenant, office);
        var email = PersonSessions.NewEmail();
        var invited = await Http.JsonAsync(
            await office.Admin.PostAsJsonAsync("/api/v1/office/members", new { email, displayName = handlerName, role = "case-handler" }), 201);
        await people.SetUpAsync(email, invited.GetProperty("setupCode").GetString()!);
        var session = await people.SignInAsync(email);
        var key = await PersonSessions.EnrolTwoFactorAsync(session);
        return new HandlerDesk(this, tenant, office, invited.GetProperty("id").GetGuid(), email, handlerName, key, session);
    }

    /// <summary>The grievance's id, read as the database owner (the test's own check, not the app's path).</summary>
    public Task<Guid> GrievanceIdAsync(string caseReference) =>
        Factory.ScalarAsync<Guid>("select id from grievances where case_reference = @r", ("r", caseReference));
}

/// <summary>A tenant, its linked office, and one case handler of that office with both factors.</summary>
/// <param name="Session">The handler's own session over HTTP (two factors), for seeding what a test does not look at.</param>
public sealed record HandlerDesk(
    HandlerConsoleFixture Fixture, TestTenant Tenant, TestOffice Office, Guid HandlerId, string HandlerEmail, string HandlerName, string TotpKey, HttpClient Session)
{
    public string CaseUrl(Guid id, string? tab = null) => $"/console/cases/{id}?tenant={Tenant.TenantId}" + (tab is null ? string.Empty : $"&tab={tab}");

    public string CaseAction(Guid id, string path) => $"/console/cases/{id}/{path}?tenant={Tenant.TenantId}";

    /// <summary>Files through the worker's intake API at <paramref name="intakeCode"/>; returns the receipt, case reference and id.</summary>
    public async Task<(string Receipt, string CaseReference, Guid Id)> FileAsync(
        string intakeCode, string language, string narrative, string[] categories, string[]? consent = null)
    {
        var response = await Fixture.Factory.Client().PostAsJsonAsync($"/api/v1/intake/{intakeCode}/grievances", new
        {
            language,
            categories,
            narrative,
            consent = (consent ?? []).ToDictionary(k => k, _ => true),
        });
        var filed = await Http.JsonAsync(response, 201);
        var reference = filed.GetProperty("caseReference").GetString()!;
        return (filed.GetProperty("receipt").GetString()!, reference, await Fixture.GrievanceIdAsync(reference));
    }

    /// <summary>Signs in in the browser: the password, then the current code of the handler's authenticator.</summary>
    public async Task SignInAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await EnterPasswordAsync(page);
        await page.Locator("#code").FillAsync(PersonSessions.Totp(TotpKey));
        await SendAsync(page, "/console/two-factor");
        await Navigation.ArrivedAsync(page, "/console");
    }

    /// <summary>The first factor only: the browser is left on the two-factor page.</summary>
    public async Task EnterPasswordAsync(IPage page)
    {
        ArgumentNullException.ThrowIfNull(page);
        await page.GotoAsync("/console/sign-in");
        await page.Locator("#email").FillAsync(HandlerEmail);
        await page.Locator("#password").FillAsync(PersonSessions.Password);
        await SendAsync(page, "/console/sign-in");
        await Navigation.ArrivedAsync(page, "/console/two-factor");
    }

    /// <summary>Posts a case form from the handler's HTTP session (seeding only; the tests drive the browser).</summary>
    public async Task PostCaseFormAsync(Guid id, string path, params (string Name, string Value)[] fields) =>
        await Http.EnsureStatusAsync(await PersonSessions.PostFormAsync(Session, CaseUrl(id), CaseAction(id, path), fields), 303);

    /// <summary>An owner of the tenant, invited through the API, who sets a password at /console/setup and signs in, in <paramref name="page"/>.</summary>
    public Task SignInOwnerAsync(IPage page) => SignInMemberAsync(page, "owner");

    /// <summary>A tenant's member of <paramref name="role"/>, invited through the API, who sets a password at /console/setup and signs in.</summary>
    public async Task SignInMemberAsync(IPage page, string role)
    {
        ArgumentNullException.ThrowIfNull(page);
        var email = PersonSessions.NewEmail();
        var invite = await Http.JsonAsync(await Tenant.Owner.PostAsJsonAsync("/api/v1/members", new { email, displayName = $"A {role}", role }), 201);
        await page.GotoAsync("/console/setup");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#code").FillAsync(invite.GetProperty("setupCode").GetString()!);
        await page.Locator("#password").FillAsync(PersonSessions.Password);
        await page.Locator("#confirm").FillAsync(PersonSessions.Password);
        await SendAsync(page, "/console/setup");
        await Navigation.ArrivedAsync(page, "/console/sign-in");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(PersonSessions.Password);
        await SendAsync(page, "/console/sign-in");
        await Navigation.ArrivedAsync(page, "/console");
        Assert.Equal(role, await page.Locator("#role").InnerTextAsync());
    }

    /// <summary>Submits the form posting to <paramref name="action"/>; the answer must be a 303 (post/redirect/get).</summary>
    private static async Task SendAsync(IPage page, string action)
    {
        var posted = await page.RunAndWaitForResponseAsync(
            () => page.Locator($"form[action='{action}'] button[type=submit]").First.ClickAsync(),
            r => r.Request.Method == "POST" && OfficeJourneyTests.Path(r.Url) == action);
        Assert.True(posted.Status == 303, $"POST {action} answered {posted.Status}");
    }
}

/// <summary>Waiting for a page after a click.</summary>
public static class Navigation
{
    /// <summary>
    /// Waits until the page is at <paramref name="path"/> (any query or anchor) and its content is there. It polls the
    /// address and the page rather than listening for navigation or load events, which may have fired before the wait
    /// began (Playwright's WaitForURL then waits for a load event already gone).
    /// </summary>
    public static async Task ArrivedAsync(IPage page, string path)
    {
        ArgumentNullException.ThrowIfNull(page);
        await Assertions.Expect(page).ToHaveURLAsync(
            new Regex("^https?://[^/]+" + Regex.Escape(path) + "/?([?#].*)?$"), new PageAssertionsToHaveURLOptions { Timeout = 15_000 });
        await page.Locator("main").WaitForAsync();
    }
}
