using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Compliance.Api.Features.People;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;
using OtpNet;

namespace Compliance.IntegrationTests.Infrastructure;

/// <summary>
/// People in a browser, through the console's real pages: a cookie-holding client on https (so the
/// Secure <c>__Host-</c> cookies flow), antiforgery tokens scraped from each form, TOTP codes computed from the key the
/// enrolment page shows. Every client still checks that a 400 wrote nothing.
/// </summary>
public sealed partial class PersonSessions(ComplianceApiFactory factory)
{
    public const string Password = "correct horse battery staple";

    private static int _counter;

    /// <summary>A fresh browser: its own cookie jar, no redirects followed.</summary>
    public HttpClient Browser() =>
        factory.CreateSessionClient(new CookieContainerHandler(new CookieContainer()), new NothingWrittenOn400(factory.OwnerConnectionString));

    public static string NewEmail() => $"person{Interlocked.Increment(ref _counter)}.{Guid.NewGuid():N}@example.com";

    /// <summary>Opens <paramref name="page"/> and returns its form's antiforgery token (the last one, when there are several).</summary>
    public static async Task<string> TokenAsync(HttpClient browser, string page)
    {
        var response = await browser.GetAsync(page);
        await Http.EnsureStatusAsync(response, 200);
        return TokenIn(await response.Content.ReadAsStringAsync());
    }

    public static string TokenIn(string html)
    {
        var matches = TokenField().Matches(html);
        Assert.True(matches.Count > 0, "No antiforgery token in the page: " + html);
        return WebUtility.HtmlDecode(matches[^1].Groups[1].Value);
    }

    /// <summary>Posts <paramref name="fields"/> to <paramref name="action"/> with a token scraped from <paramref name="formPage"/>.</summary>
    public static async Task<HttpResponseMessage> PostFormAsync(HttpClient browser, string formPage, string action, params (string Name, string Value)[] fields)
    {
        var token = await TokenAsync(browser, formPage);
        return await PostWithTokenAsync(browser, action, token, fields);
    }

    public static Task<HttpResponseMessage> PostWithTokenAsync(HttpClient browser, string action, string token, params (string Name, string Value)[] fields) =>
        browser.PostAsync(action, new FormUrlEncodedContent([new("__RequestVerificationToken", token), .. fields.Select(f => KeyValuePair.Create(f.Name, f.Value))]));

    /// <summary>Posts the sign-in form; returns the answer (303 on success, 401 on any failure).</summary>
    public static Task<HttpResponseMessage> PostSignInAsync(HttpClient browser, string email, string password) =>
        PostFormAsync(browser, ConsolePages.SignIn, ConsolePages.SignIn, ("email", email), ("password", password));

    /// <summary>Signs in through the pages (with a TOTP code from <paramref name="totpKey"/> when asked) and returns the browser.</summary>
    public async Task<HttpClient> SignInAsync(string email, string password = Password, string? totpKey = null)
    {
        var browser = Browser();
        var response = await PostSignInAsync(browser, email, password);
        await Http.EnsureStatusAsync(response, 303);
        if (response.Headers.Location?.OriginalString == ConsolePages.TwoFactor)
        {
            Assert.True(totpKey is not null, "The person has two factors: pass their authenticator key.");
            var code = await PostFormAsync(browser, ConsolePages.TwoFactor, ConsolePages.TwoFactor, ("code", Totp(totpKey!)));
            await Http.EnsureStatusAsync(code, 303);
            Assert.Equal(ConsolePages.Home, code.Headers.Location?.OriginalString);
        }

        return browser;
    }

    /// <summary>Enrols an authenticator from the enrolment page's key and returns the key (for later sign-ins).</summary>
    public static async Task<string> EnrolTwoFactorAsync(HttpClient browser)
    {
        var page = await browser.GetAsync(ConsolePages.Enrol);
        await Http.EnsureStatusAsync(page, 200);
        var html = await page.Content.ReadAsStringAsync();
        var key = KeyIn(html);
        var response = await PostWithTokenAsync(browser, ConsolePages.Enrol, TokenIn(html), ("code", Totp(key)));
        await Http.EnsureStatusAsync(response, 303);
        return key;
    }

    public static string KeyIn(string html)
    {
        var match = AuthenticatorKey().Match(html);
        Assert.True(match.Success, "No authenticator key in the page: " + html);
        return match.Groups[1].Value.Replace(" ", string.Empty, StringComparison.Ordinal).ToUpperInvariant();
    }

    /// <summary>The current code of an authenticator app holding <paramref name="key"/> (real time: Identity checks codes against it).</summary>
    public static string Totp(string key) => new Totp(Base32Encoding.ToBytes(key)).ComputeTotp(DateTime.UtcNow);

    /// <summary>A tenant's member invited by the owner through the API; returns the id, email and one-time setup code.</summary>
    public static async Task<(Guid Id, string Email, string SetupCode)> InviteMemberAsync(TestTenant tenant, string role, Guid? supplierId = null)
    {
        var email = NewEmail();
        var response = await tenant.Owner.PostAsJsonAsync("/api/v1/members", new { email, displayName = $"A {role}", role, supplierId });
        var body = await Http.JsonAsync(response, 201);
        return (body.GetProperty("id").GetGuid(), email, body.GetProperty("setupCode").GetString()!);
    }

    /// <summary>Sets a password with a setup code through <c>/console/setup</c>.</summary>
    public async Task SetUpAsync(string email, string setupCode, string password = Password)
    {
        var response = await PostFormAsync(Browser(), ConsolePages.Setup, ConsolePages.Setup, ("email", email), ("code", setupCode), ("password", password), ("confirm", password));
        await Http.EnsureStatusAsync(response, 303);
    }

    /// <summary>A tenant's member with a password, signed in (password only).</summary>
    public async Task<(HttpClient Browser, Guid Id, string Email)> MemberSessionAsync(TestTenant tenant, string role, Guid? supplierId = null)
    {
        var (id, email, code) = await InviteMemberAsync(tenant, role, supplierId);
        await SetUpAsync(email, code);
        return (await SignInAsync(email), id, email);
    }

    /// <summary>An office's person with a password (through the app's own <see cref="PersonAccounts"/> and setup page).</summary>
    public async Task<(Guid Id, string Email)> OfficePersonAsync(Guid office, string role)
    {
        var email = NewEmail();
        await using var scope = factory.CreateScope();
        var invited = await scope.ServiceProvider.GetRequiredService<PersonAccounts>()
            .InviteAsync(email, $"An {role}", Membership.OfOffice(role, office), CancellationToken.None);
        Assert.True(invited.Succeeded, string.Join("; ", invited.Errors.Select(e => e.Code)));
        await SetUpAsync(email, invited.SetupCode!);
        return (invited.Person!.Id, email);
    }

    /// <summary>Asserts a problem document with <paramref name="status"/> and returns it.</summary>
    public static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, int status)
    {
        await Http.EnsureStatusAsync(response, status);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
        Assert.Equal(status, body.GetProperty("status").GetInt32());
        return body;
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex TokenField();

    [GeneratedRegex("id=\"authenticator-key\">([a-z0-9 ]+)<")]
    private static partial Regex AuthenticatorKey();
}
