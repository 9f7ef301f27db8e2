using System.Net.Http.Json;
using System.Text.Json;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.Playwright;
using OtpNet;

namespace Compliance.BrowserTests;

/// <summary>
/// Issue #18 end to end in Chromium: an NGO signs up, its admin signs in and enrols an authenticator, accepts a
/// tenant's link and invites a case handler; the handler sets a password, enrols and reads a worker's case (and the
/// read is logged under their name and office); the tenant's owner, signed in as a person, finds no way to the case.
/// Each browser is its own context (its own cookie jar) on the https listener; forms are the console's plain forms.
/// </summary>
public class OfficeJourneyTests(KestrelApiFactory factory) : IClassFixture<KestrelApiFactory>
{
    internal const string Password = "a long enough journey password";

    [Fact]
    public async Task Office_SignsUp_LinksToATenant_ItsHandlerReadsTheCase_AndTheOwnerFindsNoWayToIt()
    {
        var narrative = $"The supervisor keeps our passports in a locked drawer {Guid.NewGuid():N}";
        var officeName = $"Journey NGO {Guid.NewGuid():N}"[..24];
        var adminEmail = $"admin.{Guid.NewGuid():N}@ngo.example.org";
        var handlerEmail = $"handler.{Guid.NewGuid():N}@ngo.example.org";
        var ownerEmail = $"owner.{Guid.NewGuid():N}@brand.example.com";
        const string handlerName = "Hana the Handler";

        // A worker files at the tenant's site before any office exists.
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var filed = await Http.JsonAsync(
            await factory.Client().PostAsJsonAsync($"/api/v1/intake/{site.IntakeCode}/grievances", new { language = "en", categories = new[] { "documents-held" }, narrative }),
            201);
        var caseReference = filed.GetProperty("caseReference").GetString()!;

        // 1. The office signs up (there is no signup page: the API, as the issue allows).
        var signup = await Http.JsonAsync(
            await factory.Client().PostAsJsonAsync("/api/v1/handling-offices", new
            {
                name = officeName,
                kind = "independent-ngo",
                countryCode = "MY",
                contact = "help@ngo.example.org",
                adminEmail,
                adminDisplayName = "Ayu the Admin",
                adminPassword = Password,
            }),
            201);
        var officeId = signup.GetProperty("officeId").GetGuid();
        var officeCode = signup.GetProperty("code").GetString()!;
        Assert.Equal("/console/sign-in", signup.GetProperty("signInUrl").GetString());

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var pages = new List<(string Name, IPage Page)>();
        try
        {
            // 2. The admin signs in, is sent to enrol, types the code of the key the page shows, and is home with two factors.
            var admin = await NewPersonAsync(browser, pages, "admin");
            await SignInAsync(admin, adminEmail);
            Assert.Equal("/console/enrol-two-factor", Path(admin));
            await EnrolAsync(admin);
            Assert.Equal("office-admin", await admin.Locator("#role").InnerTextAsync());
            Assert.Equal(officeId.ToString(), await admin.Locator("#office").InnerTextAsync());

            // Before any link, the office's session reads no case of the tenant.
            var early = await admin.APIRequest.GetAsync($"/api/v1/grievances?tenant={tenant.TenantId}");
            Assert.Equal(404, early.Status);

            // 3. The tenant owner asks for a link by the office's code; the admin accepts it from their session.
            var requested = await Http.JsonAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/handling-links", new { officeCode }), 201);
            Assert.Equal("requested", requested.GetProperty("state").GetString());
            var linkId = requested.GetProperty("id").GetGuid();
            var accepted = await admin.APIRequest.PostAsync($"/api/v1/handling-links/{linkId}/accept");
            Assert.Equal(200, accepted.Status);
            Assert.Equal("accepted", (await accepted.JsonAsync())!.Value.GetProperty("state").GetString());

            // 4. The admin invites a case handler and passes on the one-time setup code.
            var invited = await admin.APIRequest.PostAsync("/api/v1/office/members", new APIRequestContextOptions
            {
                DataObject = new { email = handlerEmail, displayName = handlerName, role = "case-handler" },
            });
            Assert.Equal(201, invited.Status);
            var setupCode = (await invited.JsonAsync())!.Value.GetProperty("setupCode").GetString()!;

            // The handler, in a browser of their own, sets a password, signs in and enrols.
            var handler = await NewPersonAsync(browser, pages, "handler");
            await SetUpAsync(handler, handlerEmail, setupCode);
            await SignInAsync(handler, handlerEmail);
            Assert.Equal("/console/enrol-two-factor", Path(handler));
            await EnrolAsync(handler);
            Assert.Equal("case-handler", await handler.Locator("#role").InnerTextAsync());

            // The handler finds the case and opens it in the browser, naming the tenant in the address.
            var list = await handler.APIRequest.GetAsync($"/api/v1/grievances?tenant={tenant.TenantId}");
            Assert.Equal(200, list.Status);
            var grievanceId = (await list.JsonAsync())!.Value.GetProperty("items").EnumerateArray()
                .Single(i => i.GetProperty("caseReference").GetString() == caseReference).GetProperty("id").GetGuid();
            var opened = await handler.GotoAsync($"/api/v1/grievances/{grievanceId}?tenant={tenant.TenantId}");
            Assert.Equal(200, opened!.Status);
            Assert.Equal(narrative, (await opened.JsonAsync())!.Value.GetProperty("narrative").GetString());

            // The read is logged under the handler's name and office, never with the text.
            var log = await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/narrative-access-log"));
            var read = Assert.Single(log.GetProperty("items").EnumerateArray(), r => r.GetProperty("grievanceId").GetGuid() == grievanceId);
            Assert.Equal(handlerName, read.GetProperty("readerName").GetString());
            Assert.Equal(officeName, read.GetProperty("readerOffice").GetString());
            Assert.Equal(JsonValueKind.Null, read.GetProperty("apiKeyId").ValueKind);
            Assert.DoesNotContain(narrative, log.ToString(), StringComparison.Ordinal);

            // The tenant sees who came to read: the handler's account and second factor are on its roster.
            var roster = await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/testimony-access-roster?pageSize=200"));
            var changes = roster.GetProperty("items").EnumerateArray()
                .Where(r => r.GetProperty("subject").GetString() == handlerName).Select(r => r.GetProperty("change").GetString()).ToList();
            Assert.Contains("account-created", changes);
            Assert.Contains("account-two-factor", changes);

            // 5. An owner of the tenant, signed in as a person, finds no way to the case.
            var ownerInvite = await Http.JsonAsync(
                await tenant.Owner.PostAsJsonAsync("/api/v1/members", new { email = ownerEmail, displayName = "Olu the Owner", role = "owner" }), 201);
            var owner = await NewPersonAsync(browser, pages, "owner");
            await SetUpAsync(owner, ownerEmail, ownerInvite.GetProperty("setupCode").GetString()!);
            await SignInAsync(owner, ownerEmail);
            Assert.Equal("/console", Path(owner));
            Assert.Equal("owner", await owner.Locator("#role").InnerTextAsync());

            // Signed in for real: the session reads what an owner may (the link, the access log).
            var links = await owner.APIRequest.GetAsync("/api/v1/handling-links");
            Assert.Equal(200, links.Status);
            Assert.Contains(officeName, await links.TextAsync(), StringComparison.Ordinal);
            foreach (var url in new[] { "/api/v1/grievances", $"/api/v1/grievances/{grievanceId}", $"/api/v1/grievances/{grievanceId}?tenant={tenant.TenantId}" })
            {
                var refused = await owner.APIRequest.GetAsync(url);
                Assert.True(refused.Status is 403 or 404, $"{url} answered {refused.Status} to the owner's session");
                Assert.DoesNotContain(narrative, await refused.TextAsync(), StringComparison.Ordinal);
            }

            await owner.GotoAsync("/console");
            var visited = new List<string>();
            foreach (var href in await owner.Locator("a[href]").EvaluateAllAsync<string[]>("links => links.map(a => a.href)"))
            {
                Assert.StartsWith(factory.SecureAddress.GetLeftPart(UriPartial.Authority), href, StringComparison.Ordinal);
                await owner.GotoAsync(href);
                Assert.DoesNotContain(narrative, await owner.ContentAsync(), StringComparison.Ordinal);
                visited.Add(new Uri(href).AbsolutePath);
            }

            Assert.Contains("/console/password", visited);
            foreach (var url in new[] { "/console", $"/api/v1/grievances/{grievanceId}", "/api/v1/narrative-access-log" })
            {
                var response = await owner.GotoAsync(url);
                Assert.DoesNotContain(narrative, await owner.ContentAsync(), StringComparison.Ordinal);
                if (url == "/api/v1/narrative-access-log")
                {
                    Assert.Equal(200, response!.Status);
                    Assert.Contains(caseReference, await response.TextAsync(), StringComparison.Ordinal);
                }
            }
        }
        catch
        {
            var folder = System.IO.Path.Combine(AppContext.BaseDirectory, "screenshots");
            Directory.CreateDirectory(folder);
            foreach (var (name, page) in pages)
            {
                await page.ScreenshotAsync(new PageScreenshotOptions
                {
                    Path = System.IO.Path.Combine(folder, $"{nameof(OfficeJourneyTests)}-{name}.png"),
                    FullPage = true,
                });
            }

            throw;
        }
    }

    /// <summary>A fresh browser context (its own cookies) on the https listener, trusting this run's own certificate.</summary>
    private async Task<IPage> NewPersonAsync(IBrowser browser, List<(string, IPage)> pages, string name)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = factory.SecureAddress.ToString(),
            IgnoreHTTPSErrors = true,
        });
        var page = await context.NewPageAsync();
        pages.Add((name, page));
        return page;
    }

    internal static async Task SignInAsync(IPage page, string email)
    {
        await page.GotoAsync("/console/sign-in");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(Password);
        await page.Locator("form[action='/console/sign-in'] button[type=submit]").ClickAsync();
        try
        {
            await page.WaitForURLAsync(url => !url.Contains("/console/sign-in", StringComparison.Ordinal));
        }
        catch (TimeoutException e)
        {
            // Say what the page said instead of signing in (a refusal, a too-many-attempts page, or nothing at all).
            var shown = await page.Locator("body").InnerTextAsync(new() { Timeout = 5_000 });
            throw new TimeoutException($"Still on {page.Url} after signing in as {email}; the page says: {shown[..Math.Min(shown.Length, 600)]}", e);
        }

        // The session cookie is the host-only, Secure, SameSite=Strict one the production code sets.
        var session = Assert.Single(await page.Context.CookiesAsync(), c => c.Name == "__Host-compliance");
        Assert.True(session.Secure);
        Assert.True(session.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, session.SameSite);
    }

    /// <summary>Reads the key the enrolment page shows, computes the current code as an authenticator app would, submits it.</summary>
    internal static async Task EnrolAsync(IPage page)
    {
        var shown = await page.Locator("#authenticator-key").InnerTextAsync();
        var key = shown.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
        var code = new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UtcNow);
        await page.Locator("#code").FillAsync(code);
        await page.Locator("form[action='/console/enrol-two-factor'] button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => Path(url) == "/console");
        Assert.Equal("with a second factor", await page.Locator("#amr").InnerTextAsync());
    }

    internal static async Task SetUpAsync(IPage page, string email, string setupCode)
    {
        await page.GotoAsync("/console/setup");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#code").FillAsync(setupCode);
        await page.Locator("#password").FillAsync(Password);
        await page.Locator("#confirm").FillAsync(Password);
        await page.Locator("form button[type=submit]").ClickAsync();
        await page.WaitForURLAsync(url => url.Contains("/console/sign-in?done=setup", StringComparison.Ordinal));
        Assert.Equal("Your password is set. Sign in with it.", await page.Locator("p.note").InnerTextAsync());
    }

    internal static string Path(IPage page) => Path(page.Url);

    internal static string Path(string url) => new Uri(url).AbsolutePath.TrimEnd('/') is { Length: > 0 } path ? path : "/";
}
