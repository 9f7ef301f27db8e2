using System.Net.Http.Json;
using System.Text.Json;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.Playwright;

namespace Compliance.BrowserTests;

/// <summary>
/// Issue #18's passkeys in Chromium with a virtual authenticator (DevTools' WebAuthn domain: CTAP2, internal, resident
/// keys, user verification that always succeeds): an office's case handler adds a passkey as their second factor, signs
/// out, signs in with the passkey alone and reads a case, which only a session with two factors may.
/// WebAuthn wants a domain, not an IP address, as the relying party: the browser opens the https listener as
/// <c>localhost</c>, and the relying-party id is the request's host, the default of <c>People:PasskeyServerDomain</c>.
/// </summary>
public class PasskeyJourneyTests(KestrelApiFactory factory) : IClassFixture<KestrelApiFactory>
{
    [Fact]
    public async Task CaseHandler_AddsAPasskey_SignsOut_SignsInWithThePasskeyAlone_AndReadsACase()
    {
        var narrative = $"Our wages are paid two months late {Guid.NewGuid():N}";
        var adminEmail = $"admin.{Guid.NewGuid():N}@ngo.example.org";
        var handlerEmail = $"handler.{Guid.NewGuid():N}@ngo.example.org";

        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var filed = await Http.JsonAsync(
            await factory.Client().PostAsJsonAsync($"/api/v1/intake/{site.IntakeCode}/grievances", new { language = "en", categories = new[] { "wages-unpaid" }, narrative }),
            201);
        var caseReference = filed.GetProperty("caseReference").GetString()!;
        var signup = await Http.JsonAsync(
            await factory.Client().PostAsJsonAsync("/api/v1/handling-offices", new
            {
                name = $"Passkey NGO {Guid.NewGuid():N}"[..24],
                kind = "independent-ngo",
                countryCode = "MY",
                contact = "help@ngo.example.org",
                adminEmail,
                adminDisplayName = "Ayu the Admin",
                adminPassword = OfficeJourneyTests.Password,
            }),
            201);

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var pages = new List<(string Name, IPage Page)>();
        try
        {
            // The office admin (with an authenticator app) accepts the tenant's link and invites a case handler.
            var admin = await NewPersonAsync(browser, pages, "admin");
            await OfficeJourneyTests.SignInAsync(admin, adminEmail);
            await OfficeJourneyTests.EnrolAsync(admin);
            var requested = await Http.JsonAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/handling-links", new { officeCode = signup.GetProperty("code").GetString() }), 201);
            Assert.Equal(200, (await admin.APIRequest.PostAsync($"/api/v1/handling-links/{requested.GetProperty("id").GetGuid()}/accept")).Status);
            var invited = await admin.APIRequest.PostAsync("/api/v1/office/members", new APIRequestContextOptions
            {
                DataObject = new { email = handlerEmail, displayName = "Pia with a Passkey", role = "case-handler" },
            });
            Assert.Equal(201, invited.Status);
            var setupCode = (await invited.JsonAsync())!.Value.GetProperty("setupCode").GetString()!;

            // The handler's browser has a platform authenticator that verifies its user.
            var handler = await NewPersonAsync(browser, pages, "handler");
            var cdp = await handler.Context.NewCDPSessionAsync(handler);
            await cdp.SendAsync("WebAuthn.enable");
            var authenticator = await cdp.SendAsync("WebAuthn.addVirtualAuthenticator", new Dictionary<string, object>
            {
                ["options"] = new Dictionary<string, object>
                {
                    ["protocol"] = "ctap2",
                    ["transport"] = "internal",
                    ["hasResidentKey"] = true,
                    ["hasUserVerification"] = true,
                    ["isUserVerified"] = true,
                    ["automaticPresenceSimulation"] = true,
                },
            });
            var authenticatorId = authenticator!.Value.GetProperty("authenticatorId").GetString()!;

            // Sent to enrol after the password, the handler adds a passkey instead of an authenticator app.
            await OfficeJourneyTests.SetUpAsync(handler, handlerEmail, setupCode);
            await OfficeJourneyTests.SignInAsync(handler, handlerEmail);
            Assert.Equal("/console/enrol-two-factor", OfficeJourneyTests.Path(handler));
            await handler.Locator("#passkey-add button").ClickAsync();
            await handler.WaitForURLAsync(url => OfficeJourneyTests.Path(url) == "/console");
            Assert.Equal("with a second factor", await handler.Locator("#amr").InnerTextAsync());
            Assert.Equal("1", await handler.Locator("#passkeys").InnerTextAsync());
            var credentials = await cdp.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = authenticatorId });
            var credential = Assert.Single(credentials!.Value.GetProperty("credentials").EnumerateArray());
            Assert.True(credential.GetProperty("isResidentCredential").GetBoolean());
            Assert.Equal("localhost", credential.GetProperty("rpId").GetString());

            // Signed out, the session reads nothing.
            await handler.Locator("form[action='/console/sign-out'] button").ClickAsync();
            await handler.WaitForURLAsync(url => OfficeJourneyTests.Path(url) == "/console/sign-in");
            Assert.Equal(401, (await handler.APIRequest.GetAsync($"/api/v1/grievances?tenant={tenant.TenantId}")).Status);

            // The passkey alone: no email, no password, no code.
            await handler.Locator("#passkey-sign-in button").ClickAsync();
            await handler.WaitForURLAsync(url => OfficeJourneyTests.Path(url) == "/console");
            Assert.Equal("with a second factor", await handler.Locator("#amr").InnerTextAsync());
            Assert.Equal("case-handler", await handler.Locator("#role").InnerTextAsync());

            // Testimony needs amr=mfa: the passkey's session reads the case.
            var list = await handler.APIRequest.GetAsync($"/api/v1/grievances?tenant={tenant.TenantId}");
            Assert.Equal(200, list.Status);
            var grievanceId = (await list.JsonAsync())!.Value.GetProperty("items").EnumerateArray()
                .Single(i => i.GetProperty("caseReference").GetString() == caseReference).GetProperty("id").GetGuid();
            var opened = await handler.APIRequest.GetAsync($"/api/v1/grievances/{grievanceId}?tenant={tenant.TenantId}");
            Assert.Equal(200, opened.Status);
            Assert.Equal(narrative, (await opened.JsonAsync())!.Value.GetProperty("narrative").GetString());

            // The authenticator counted both ceremonies; the server took the new count.
            var after = await cdp.SendAsync("WebAuthn.getCredentials", new Dictionary<string, object> { ["authenticatorId"] = authenticatorId });
            Assert.True(Assert.Single(after!.Value.GetProperty("credentials").EnumerateArray()).GetProperty("signCount").GetInt32() >= 1);
        }
        catch
        {
            var folder = System.IO.Path.Combine(AppContext.BaseDirectory, "screenshots");
            Directory.CreateDirectory(folder);
            foreach (var (name, page) in pages)
            {
                await page.ScreenshotAsync(new PageScreenshotOptions
                {
                    Path = System.IO.Path.Combine(folder, $"{nameof(PasskeyJourneyTests)}-{name}.png"),
                    FullPage = true,
                });
            }

            throw;
        }
    }

    /// <summary>A fresh context on the https listener by the name <c>localhost</c> (a relying-party id cannot be an IP address).</summary>
    private async Task<IPage> NewPersonAsync(IBrowser browser, List<(string, IPage)> pages, string name)
    {
        var address = new UriBuilder(factory.SecureAddress) { Host = "localhost" }.Uri;
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = address.ToString(),
            IgnoreHTTPSErrors = true,
        });
        var page = await context.NewPageAsync();
        pages.Add((name, page));
        return page;
    }
}
