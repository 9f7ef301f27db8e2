using System.Net;
using System.Net.Http.Json;
using Compliance.Api.Features.People;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.People;

/// <summary>People sign in through the console's pages; their sessions meet the same walls as keys (issue #18).</summary>
public class SessionsTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private readonly PersonSessions _people = new(factory);

    [Fact]
    public async Task SignIn_WithTheRightPassword_OpensASession_ThatReadsTheApiAsTheMembersRole()
    {
        var tenant = await factory.CreateTenantAsync();
        var (browser, _, _) = await _people.MemberSessionAsync(tenant, "compliance");

        var home = await browser.GetAsync(ConsolePages.Home);
        await Http.EnsureStatusAsync(home, 200);
        Assert.Contains("id=\"role\">compliance<", await home.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Http.EnsureStatusAsync(await browser.GetAsync("/api/v1/sites"), 200);
        await Http.AssertProblemAsync(await browser.GetAsync("/api/v1/api-keys"), 403);
    }

    [Fact]
    public async Task SignIn_WrongPasswordAndUnknownEmail_AnswerTheSameStatusAndTheSameBytes()
    {
        var tenant = await factory.CreateTenantAsync();
        var (_, email, code) = await PersonSessions.InviteMemberAsync(tenant, "auditor");
        await _people.SetUpAsync(email, code);
        var browser = _people.Browser();
        var token = await PersonSessions.TokenAsync(browser, ConsolePages.SignIn);

        var wrong = await PersonSessions.PostWithTokenAsync(browser, ConsolePages.SignIn, token, ("email", email), ("password", "not the password at all"));
        var unknown = await PersonSessions.PostWithTokenAsync(browser, ConsolePages.SignIn, token, ("email", PersonSessions.NewEmail()), ("password", "not the password at all"));

        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(wrong.StatusCode, unknown.StatusCode);
        var wrongBody = await wrong.Content.ReadAsByteArrayAsync();
        Assert.Equal(wrongBody, await unknown.Content.ReadAsByteArrayAsync());
        Assert.Contains(ConsolePages.SignInFailed, System.Text.Encoding.UTF8.GetString(wrongBody), StringComparison.Ordinal);
        Assert.False(wrong.Headers.Contains("Set-Cookie") && wrong.Headers.GetValues("Set-Cookie").Any(c => c.StartsWith(PeopleModule.CookieName + "=", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task SignIn_AfterFiveFailures_IsLockedOut_EvenWithTheRightPassword_AndSaysNothingMore()
    {
        var tenant = await factory.CreateTenantAsync();
        var (_, email, code) = await PersonSessions.InviteMemberAsync(tenant, "compliance");
        await _people.SetUpAsync(email, code);
        var browser = _people.Browser();
        var token = await PersonSessions.TokenAsync(browser, ConsolePages.SignIn);
        HttpResponseMessage? failure = null;
        for (var i = 0; i < 5; i++)
        {
            failure = await PersonSessions.PostWithTokenAsync(browser, ConsolePages.SignIn, token, ("email", email), ("password", $"wrong password number {i}"));
            Assert.Equal(HttpStatusCode.Unauthorized, failure.StatusCode);
        }

        var locked = await PersonSessions.PostWithTokenAsync(browser, ConsolePages.SignIn, token, ("email", email), ("password", PersonSessions.Password));

        Assert.Equal(HttpStatusCode.Unauthorized, locked.StatusCode);
        Assert.Equal(await failure!.Content.ReadAsByteArrayAsync(), await locked.Content.ReadAsByteArrayAsync());
        Assert.True(await factory.ScalarAsync<bool>("select lockout_end > now() + interval '14 minutes' from people where normalized_email = upper(@e)", ("e", email)));
    }

    [Fact]
    public async Task Setup_WithTheCode_SetsThePassword_AndTheCodeWorksOnlyOnce()
    {
        var tenant = await factory.CreateTenantAsync();
        var (id, email, code) = await PersonSessions.InviteMemberAsync(tenant, "owner");
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from people where id = @id and password_hash is not null", ("id", id)));

        await _people.SetUpAsync(email, code);
        await _people.SignInAsync(email);

        var again = await PersonSessions.PostFormAsync(_people.Browser(), ConsolePages.Setup, ConsolePages.Setup, ("email", email), ("code", code), ("password", "another long password"), ("confirm", "another long password"));
        Assert.Equal(HttpStatusCode.BadRequest, again.StatusCode);
        Assert.Contains("do not match an open invitation", await again.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from people where id = @id and setup_code_hash is not null", ("id", id)));
        await _people.SignInAsync(email);
    }

    [Fact]
    public async Task Setup_WithAShortPasswordOrAWrongCode_Is400_NamesTheProblem_AndWritesNothing()
    {
        var tenant = await factory.CreateTenantAsync();
        var (_, email, code) = await PersonSessions.InviteMemberAsync(tenant, "owner");

        var shortPassword = await PersonSessions.PostFormAsync(_people.Browser(), ConsolePages.Setup, ConsolePages.Setup, ("email", email), ("code", code), ("password", "short"), ("confirm", "short"));
        var wrongCode = await PersonSessions.PostFormAsync(_people.Browser(), ConsolePages.Setup, ConsolePages.Setup, ("email", email), ("code", "0000000000"), ("password", PersonSessions.Password), ("confirm", PersonSessions.Password));
        var expired = await ExpiredAsync(email, code);

        Assert.Equal(HttpStatusCode.BadRequest, shortPassword.StatusCode);
        Assert.Contains("at least 12 characters", await shortPassword.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, wrongCode.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, expired.StatusCode);
    }

    private async Task<HttpResponseMessage> ExpiredAsync(string email, string code)
    {
        factory.Clock.Advance(PersonAccounts.SetupCodeLifetime + TimeSpan.FromMinutes(1));
        return await PersonSessions.PostFormAsync(_people.Browser(), ConsolePages.Setup, ConsolePages.Setup, ("email", email), ("code", code), ("password", PersonSessions.Password), ("confirm", PersonSessions.Password));
    }

    [Fact]
    public async Task Enrolment_GivesAnMfaSession_AndTheNextSignInAsksForTheCode()
    {
        var tenant = await factory.CreateTenantAsync();
        var (browser, _, email) = await _people.MemberSessionAsync(tenant, "compliance");
        Assert.Contains("with a password only", await browser.GetStringAsync(ConsolePages.Home), StringComparison.Ordinal);

        var page = await browser.GetStringAsync(ConsolePages.Enrol);
        Assert.Matches("<img class=\"qr\" src=\"data:image/png;base64,[A-Za-z0-9+/=]+\"", page);
        var key = await PersonSessions.EnrolTwoFactorAsync(browser);

        Assert.Contains("with a second factor", await browser.GetStringAsync(ConsolePages.Home), StringComparison.Ordinal);
        await Http.EnsureStatusAsync(await browser.GetAsync("/api/v1/sites"), 200);

        var second = _people.Browser();
        var password = await PersonSessions.PostSignInAsync(second, email, PersonSessions.Password);
        Assert.Equal(ConsolePages.TwoFactor, password.Headers.Location?.OriginalString);
        await Http.AssertProblemAsync(await second.GetAsync("/api/v1/sites"), 401);
        var wrongCode = await PersonSessions.PostFormAsync(second, ConsolePages.TwoFactor, ConsolePages.TwoFactor, ("code", "000000"));
        Assert.Equal(HttpStatusCode.Unauthorized, wrongCode.StatusCode);

        var signedIn = await _people.SignInAsync(email, totpKey: key);
        Assert.Contains("with a second factor", await signedIn.GetStringAsync(ConsolePages.Home), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ChangingThePassword_EndsEveryOtherSession_AndKeepsThisOne()
    {
        var tenant = await factory.CreateTenantAsync();
        var (first, _, email) = await _people.MemberSessionAsync(tenant, "compliance");
        var second = await _people.SignInAsync(email);

        var changed = await PersonSessions.PostFormAsync(second, ConsolePages.Password, ConsolePages.Password, ("current", PersonSessions.Password), ("password", "a brand new long password"), ("confirm", "a brand new long password"));
        await Http.EnsureStatusAsync(changed, 303);

        await Http.AssertProblemAsync(await first.GetAsync("/api/v1/sites"), 401);
        await Http.EnsureStatusAsync(await second.GetAsync("/api/v1/sites"), 200);
        await _people.SignInAsync(email, "a brand new long password");
    }

    [Fact]
    public async Task ResettingTwoFactor_EndsEveryOtherSession()
    {
        var tenant = await factory.CreateTenantAsync();
        var (first, _, email) = await _people.MemberSessionAsync(tenant, "compliance");
        var key = await PersonSessions.EnrolTwoFactorAsync(first);
        var second = await _people.SignInAsync(email, totpKey: key);
        await Http.EnsureStatusAsync(await second.GetAsync("/api/v1/sites"), 200);

        var reset = await PersonSessions.PostFormAsync(first, ConsolePages.Enrol, ConsolePages.Enrol + "/reset");
        await Http.EnsureStatusAsync(reset, 303);

        await Http.AssertProblemAsync(await second.GetAsync("/api/v1/sites"), 401);
        await Http.EnsureStatusAsync(await first.GetAsync("/api/v1/sites"), 200);
    }

    [Fact]
    public async Task DisabledMember_SessionStopsAtItsNextRequest_AndCannotSignInAgain()
    {
        var tenant = await factory.CreateTenantAsync();
        var (browser, id, email) = await _people.MemberSessionAsync(tenant, "compliance");
        await Http.EnsureStatusAsync(await browser.GetAsync("/api/v1/sites"), 200);

        await Http.EnsureStatusAsync(await tenant.Owner.PostAsync($"/api/v1/members/{id}/disable", null), 204);

        await Http.AssertProblemAsync(await browser.GetAsync("/api/v1/sites"), 401);
        var again = await PersonSessions.PostSignInAsync(_people.Browser(), email, PersonSessions.Password);
        Assert.Equal(HttpStatusCode.Unauthorized, again.StatusCode);
    }

    [Fact]
    public async Task SessionCookie_IsHostPrefixed_Secure_HttpOnly_SameSiteStrict_AndPagesAreNotStored()
    {
        var tenant = await factory.CreateTenantAsync();
        var (_, email, code) = await PersonSessions.InviteMemberAsync(tenant, "auditor");
        await _people.SetUpAsync(email, code);

        var response = await PersonSessions.PostSignInAsync(_people.Browser(), email, PersonSessions.Password);

        await Http.EnsureStatusAsync(response, 303);
        var cookie = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(PeopleModule.CookieName + "=", StringComparison.Ordinal));
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.StartsWith("__Host-", cookie, StringComparison.Ordinal);
        Assert.Contains("secure", attributes);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("path=/", attributes);
        Assert.DoesNotContain(attributes, a => a.StartsWith("domain=", StringComparison.Ordinal));

        var page = await _people.Browser().GetAsync(ConsolePages.SignIn);
        Assert.Equal("no-store", page.Headers.CacheControl?.ToString());
        Assert.Equal(ConsolePages.Csp, page.Headers.GetValues("Content-Security-Policy").Single());

        // The one script is our own passkey enhancement, by address; nothing inline.
        var scripts = System.Text.RegularExpressions.Regex.Matches(await page.Content.ReadAsStringAsync(), "<script[^>]*>", System.Text.RegularExpressions.RegexOptions.IgnoreCase);
        Assert.All(scripts, s => Assert.Equal($"<script src=\"{ConsolePages.PasskeyScript}\">", s.Value));
    }

    [Fact]
    public async Task WithoutASession_TheApiAnswers401_AndOnlyConsolePagesRedirectToSignIn()
    {
        var browser = _people.Browser();

        await Http.AssertProblemAsync(await browser.GetAsync("/api/v1/sites"), 401);
        var page = await browser.GetAsync(ConsolePages.Home);
        Assert.Equal(HttpStatusCode.SeeOther, page.StatusCode);
        Assert.Equal(ConsolePages.SignIn, page.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task FormWithoutItsAntiforgeryToken_Is400_AndSignsNobodyIn()
    {
        var tenant = await factory.CreateTenantAsync();
        var (_, email, code) = await PersonSessions.InviteMemberAsync(tenant, "auditor");
        await _people.SetUpAsync(email, code);
        var browser = _people.Browser();
        await browser.GetAsync(ConsolePages.SignIn);

        var forged = await browser.PostAsync(ConsolePages.SignIn, new FormUrlEncodedContent([new("email", email), new("password", PersonSessions.Password)]));

        Assert.Equal(HttpStatusCode.BadRequest, forged.StatusCode);
        await Http.AssertProblemAsync(await browser.GetAsync("/api/v1/sites"), 401);
    }

    [Fact]
    public async Task Session_EndsAfterThirtyIdleMinutes_AndAfterTwelveHoursHoweverActive()
    {
        var tenant = await factory.CreateTenantAsync();
        var (idle, _, email) = await _people.MemberSessionAsync(tenant, "compliance");
        var busy = await _people.SignInAsync(email);

        factory.Clock.Advance(TimeSpan.FromMinutes(31));
        await Http.AssertProblemAsync(await idle.GetAsync("/api/v1/sites"), 401);

        var fresh = await _people.SignInAsync(email);
        for (var i = 0; i < 12 * 4; i++)
        {
            factory.Clock.Advance(TimeSpan.FromMinutes(15));
            await fresh.GetAsync("/api/v1/sites");
        }

        factory.Clock.Advance(TimeSpan.FromMinutes(15));
        await Http.AssertProblemAsync(await fresh.GetAsync("/api/v1/sites"), 401);
        await Http.AssertProblemAsync(await busy.GetAsync("/api/v1/sites"), 401);
    }

    [Fact]
    public async Task OwnerSession_GetsTheSameAnswersAsTheOwnerKey()
    {
        var tenant = await factory.CreateTenantAsync();
        var (siteId, _, supplierId) = await tenant.CreateSiteAsync();
        var (session, _, _) = await _people.MemberSessionAsync(tenant, "owner");

        foreach (var url in new[] { "/api/v1/sites", $"/api/v1/sites/{siteId}", "/api/v1/suppliers", $"/api/v1/suppliers/{supplierId}", $"/api/v1/sites/{Guid.NewGuid()}" })
        {
            var byKey = await tenant.Owner.GetAsync(url);
            var bySession = await session.GetAsync(url);
            Assert.Equal(byKey.StatusCode, bySession.StatusCode);
            Assert.Equal(WithoutTraceId(await byKey.Content.ReadAsStringAsync()), WithoutTraceId(await bySession.Content.ReadAsStringAsync()));
        }

        var created = await session.PostAsJsonAsync("/api/v1/suppliers", new { name = "Made by a person", countryCode = "MY" });
        await Http.EnsureStatusAsync(created, 201);
    }

    private static string WithoutTraceId(string body) => System.Text.RegularExpressions.Regex.Replace(body, "\"traceId\":\"[^\"]*\"", string.Empty);
}

/// <summary>The worker path takes no sessions (DNH-10): a staff member's cookie in the same browser is not even read there.</summary>
public class WorkerPathIgnoresSessionsTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task AnotherTenantsMember_FilesOnAWorkerPage_AsAnyoneWould()
    {
        var employer = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        var (_, intakeCode, _) = await other.CreateSiteAsync();
        var (browser, _, _) = await new PersonSessions(factory).MemberSessionAsync(employer, "owner");

        var filed = await browser.PostAsJsonAsync($"/api/v1/intake/{intakeCode}/grievances", new
        {
            language = "en",
            categories = new[] { "pay-deducted" },
            narrative = "Money was taken from my pay.",
            consent = new Dictionary<string, bool>(),
        });
        var page = await browser.GetAsync($"/v/{intakeCode}/en");

        await Http.EnsureStatusAsync(filed, 201);
        await Http.EnsureStatusAsync(page, 200);
        Assert.False(page.Headers.Contains("Set-Cookie"));
    }
}
