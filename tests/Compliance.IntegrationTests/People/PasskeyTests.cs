using System.Net;
using System.Text;
using System.Text.Json;
using Compliance.Api.Features.People;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;

namespace Compliance.IntegrationTests.People;

/// <summary>
/// Passkeys over real HTTP (issue #18): the JSON endpoints the console's script calls, their antiforgery and session
/// walls, and refusals of credentials that are not what the options asked for. A real authenticator is the browser
/// test's (Compliance.BrowserTests, a virtual one in Chromium).
/// </summary>
public class PasskeyTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private const string TokenHeader = "RequestVerificationToken";

    private readonly PersonSessions _people = new(factory);

    [Fact]
    public async Task RequestOptions_WithTheSignInPagesToken_AnswerJson_WithTheRelyingPartyAndAChallenge_AndUserVerificationRequired()
    {
        var browser = _people.Browser();
        var token = await PersonSessions.TokenAsync(browser, ConsolePages.SignIn);

        var response = await PostJsonAsync(browser, ConsolePages.PasskeyRequestOptions, token, "{}");

        await Http.EnsureStatusAsync(response, 200);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var options = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("localhost", options.GetProperty("rpId").GetString());
        Assert.True(options.GetProperty("challenge").GetString()!.Length >= 43, "a 32-byte challenge, base64url");
        Assert.Equal("required", options.GetProperty("userVerification").GetString());

        // Each ask is a new challenge.
        var again = JsonDocument.Parse(await (await PostJsonAsync(browser, ConsolePages.PasskeyRequestOptions, token, "{}")).Content.ReadAsStringAsync()).RootElement;
        Assert.NotEqual(options.GetProperty("challenge").GetString(), again.GetProperty("challenge").GetString());
    }

    [Fact]
    public async Task TheRelyingParty_IsPeoplePasskeyServerDomain_WhenSet()
    {
        using var configured = factory.WithWebHostBuilder(b => b.UseSetting("People:PasskeyServerDomain", "console.example.org"));
        var browser = configured.CreateDefaultClient(new Uri("https://localhost"), new CookieContainerHandler(new CookieContainer()));
        var token = await PersonSessions.TokenAsync(browser, ConsolePages.SignIn);

        var response = await PostJsonAsync(browser, ConsolePages.PasskeyRequestOptions, token, "{}");

        await Http.EnsureStatusAsync(response, 200);
        Assert.Equal("console.example.org", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("rpId").GetString());
    }

    [Fact]
    public async Task RequestOptions_WithoutAnAntiforgeryToken_AreRefused()
    {
        var browser = _people.Browser();
        await PersonSessions.TokenAsync(browser, ConsolePages.SignIn);

        var response = await browser.PostAsync(ConsolePages.PasskeyRequestOptions, new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("challenge", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CreationOptions_NeedASession()
    {
        var browser = _people.Browser();
        var token = await PersonSessions.TokenAsync(browser, ConsolePages.SignIn);

        var response = await PostJsonAsync(browser, ConsolePages.PasskeyCreationOptions, token, "{}");

        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal(ConsolePages.SignIn, response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task CreationOptions_ForASignedInPerson_NameThemAndTheRelyingParty_AndAskForAUserVerifiedDiscoverableCredential()
    {
        var tenant = await factory.CreateTenantAsync();
        var (browser, id, email) = await _people.MemberSessionAsync(tenant, "compliance");
        var token = await PersonSessions.TokenAsync(browser, ConsolePages.Enrol);

        var response = await PostJsonAsync(browser, ConsolePages.PasskeyCreationOptions, token, "{}");

        await Http.EnsureStatusAsync(response, 200);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        var options = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Equal("localhost", options.GetProperty("rp").GetProperty("id").GetString());
        Assert.Equal(email, options.GetProperty("user").GetProperty("name").GetString());
        Assert.Equal(id.ToString(), Encoding.UTF8.GetString(Base64Url(options.GetProperty("user").GetProperty("id").GetString()!)));
        Assert.True(options.GetProperty("challenge").GetString()!.Length >= 43);
        var selection = options.GetProperty("authenticatorSelection");
        Assert.Equal("required", selection.GetProperty("userVerification").GetString());
        Assert.Equal("required", selection.GetProperty("residentKey").GetString());

        // Without the token, the same session is refused.
        var forged = await browser.PostAsync(ConsolePages.PasskeyCreationOptions, new StringContent("{}", Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
    }

    [Fact]
    public async Task AGarbageCredential_IsRefusedWith400_AndWritesNothing_WithOrWithoutOptionsUnderway()
    {
        var tenant = await factory.CreateTenantAsync();
        var (browser, _, _) = await _people.MemberSessionAsync(tenant, "compliance");
        var token = await PersonSessions.TokenAsync(browser, ConsolePages.Enrol);

        // No options were asked for: nothing to check a credential against.
        var early = await PostJsonAsync(browser, ConsolePages.Passkeys, token, "{\"id\":\"AAAA\",\"type\":\"public-key\"}");
        Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);

        foreach (var garbage in new[] { "{}", "not json at all", "{\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"type\":\"public-key\",\"response\":{\"clientDataJSON\":\"AAAA\",\"attestationObject\":\"AAAA\"}}" })
        {
            await Http.EnsureStatusAsync(await PostJsonAsync(browser, ConsolePages.PasskeyCreationOptions, token, "{}"), 200);
            var refused = await PostJsonAsync(browser, ConsolePages.Passkeys, token, garbage);

            // NothingWrittenOn400 has checked that no table changed.
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
            var body = JsonDocument.Parse(await refused.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal(ConsolePages.PasskeyFailed, body.GetProperty("message").GetString());
        }

        var home = await (await browser.GetAsync(ConsolePages.Home)).Content.ReadAsStringAsync();
        Assert.Contains("id=\"passkeys\">0<", home, StringComparison.Ordinal);
        Assert.Contains("with a password only", home, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PasskeySignIn_WithAGarbageCredential_AnswersThePasswordFormsOneFailure_AndNoSession()
    {
        var browser = _people.Browser();
        var token = await PersonSessions.TokenAsync(browser, ConsolePages.SignIn);
        await Http.EnsureStatusAsync(await PostJsonAsync(browser, ConsolePages.PasskeyRequestOptions, token, "{}"), 200);

        var response = await PostJsonAsync(browser, ConsolePages.PasskeySignIn, token, "{\"id\":\"AAAA\",\"rawId\":\"AAAA\",\"type\":\"public-key\",\"response\":{}}");
        var unasked = await PostJsonAsync(browser, ConsolePages.PasskeySignIn, token, "{}");

        foreach (var failed in new[] { response, unasked })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
            Assert.Equal(ConsolePages.SignInFailed, JsonDocument.Parse(await failed.Content.ReadAsStringAsync()).RootElement.GetProperty("message").GetString());
            Assert.False(failed.Headers.TryGetValues("Set-Cookie", out var cookies) && cookies.Any(c => c.StartsWith(PeopleModule.CookieName + "=", StringComparison.Ordinal)));
        }

        Assert.Equal(HttpStatusCode.SeeOther, (await browser.GetAsync(ConsolePages.Home)).StatusCode);
    }

    [Fact]
    public async Task TheScript_IsServedFromTheConsole_AndTheConsolesPolicyAllowsOnlyIt()
    {
        var browser = _people.Browser();

        var script = await browser.GetAsync(ConsolePages.PasskeyScript);
        var page = await browser.GetAsync(ConsolePages.SignIn);

        await Http.EnsureStatusAsync(script, 200);
        Assert.Equal("text/javascript", script.Content.Headers.ContentType?.MediaType);
        Assert.Contains("navigator.credentials.get", await script.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self';", csp, StringComparison.Ordinal);
        Assert.Contains("connect-src 'self';", csp, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", csp, StringComparison.Ordinal);

        // Hidden unless the script finds WebAuthn: without JavaScript the page is the password form it was.
        var html = await page.Content.ReadAsStringAsync();
        Assert.Contains("<section id=\"passkey-sign-in\" hidden>", html, StringComparison.Ordinal);
        Assert.Contains("<script src=\"/console/passkeys.js\"></script>", html, StringComparison.Ordinal);
    }

    private static Task<HttpResponseMessage> PostJsonAsync(HttpClient browser, string url, string token, string json)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, url) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        request.Headers.Add(TokenHeader, token);
        return browser.SendAsync(request);
    }

    private static byte[] Base64Url(string text) =>
        Convert.FromBase64String(text.Replace('-', '+').Replace('_', '/') + new string('=', (4 - (text.Length % 4)) % 4));
}
