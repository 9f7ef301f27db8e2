using System.Net;
using System.Net.Http.Json;
using Compliance.Api.Features.People;
using Compliance.Api.Infrastructure.Auth;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.IntegrationTests.People;

/// <summary>
/// A handling office's people: two factors before testimony, their office's members only, and the tenant they work on
/// named per request and live-linked.
/// </summary>
public class OfficeSessionsTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private readonly PersonSessions _people = new(factory);

    [Fact]
    public async Task CaseHandler_WithoutASecondFactor_Gets403SayingSo_AndTheConsoleSendsThemToEnrol()
    {
        var tenant = await factory.CreateTenantAsync();
        var office = await _people.CreateOfficeAsync(tenant);
        var (_, email) = await _people.OfficePersonAsync(office, Roles.CaseHandler);

        var browser = _people.Browser();
        var signIn = await PersonSessions.PostSignInAsync(browser, email, PersonSessions.Password);
        Assert.Equal(ConsolePages.Enrol, signIn.Headers.Location?.OriginalString);

        var problem = await PersonSessions.ProblemAsync(await browser.GetAsync("/api/v1/grievances"), 403);
        Assert.Contains("second factor must be enrolled and used", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        var home = await browser.GetAsync(ConsolePages.Home);
        Assert.Equal(HttpStatusCode.SeeOther, home.StatusCode);
        Assert.Equal(ConsolePages.Enrol, home.Headers.Location?.OriginalString);

        await PersonSessions.EnrolTwoFactorAsync(browser);

        await Http.EnsureStatusAsync(await browser.GetAsync("/api/v1/grievances"), 200);
        await Http.EnsureStatusAsync(await browser.GetAsync(ConsolePages.Home), 200);
    }

    [Fact]
    public async Task OfficeMember_NamingATenantWithNoLiveLink_Gets404ForTheWholeRequest()
    {
        var linked = await factory.CreateTenantAsync();
        var other = await factory.CreateTenantAsync();
        var office = await _people.CreateOfficeAsync(linked);
        var (_, email) = await _people.OfficePersonAsync(office, Roles.CaseHandler);
        var browser = _people.Browser();
        await PersonSessions.PostSignInAsync(browser, email, PersonSessions.Password);
        var key = await PersonSessions.EnrolTwoFactorAsync(browser);

        using var named = new HttpRequestMessage(HttpMethod.Get, "/api/v1/grievances");
        named.Headers.Add(PersonScopeMiddleware.TenantHeader, other.TenantId.ToString());
        await Http.AssertProblemAsync(await browser.SendAsync(named), 404);
        await Http.AssertProblemAsync(await browser.GetAsync($"/api/v1/grievances?tenant={Guid.NewGuid()}"), 404);
        await Http.EnsureStatusAsync(await browser.GetAsync($"/api/v1/grievances?tenant={linked.TenantId}"), 200);
        Assert.NotEmpty(key);
    }

    [Fact]
    public async Task OfficeAdmin_ManagesTheirOfficesPeople_AndNoOtherOffices()
    {
        var office = await _people.CreateOfficeAsync();
        var otherOffice = await _people.CreateOfficeAsync();
        var (_, adminEmail) = await _people.OfficePersonAsync(office, Roles.OfficeAdmin);
        var (stranger, _) = await _people.OfficePersonAsync(otherOffice, Roles.CaseHandler);
        var admin = _people.Browser();
        await PersonSessions.PostSignInAsync(admin, adminEmail, PersonSessions.Password);

        var refused = await PersonSessions.ProblemAsync(await admin.GetAsync("/api/v1/office/members"), 403);
        Assert.Contains("second factor", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        await PersonSessions.EnrolTwoFactorAsync(admin);

        var email = PersonSessions.NewEmail();
        var created = await Http.JsonAsync(await admin.PostAsJsonAsync("/api/v1/office/members", new { email, displayName = "Handler", role = "case-handler" }), 201);
        var badRole = await admin.PostAsJsonAsync("/api/v1/office/members", new { email = PersonSessions.NewEmail(), displayName = "Owner?", role = "owner" });
        await Http.AssertValidationProblemAsync(badRole, "role");
        var list = await admin.GetStringAsync("/api/v1/office/members");

        Assert.Contains(email, list, StringComparison.Ordinal);
        Assert.Contains(adminEmail, list, StringComparison.Ordinal);
        Assert.DoesNotContain(stranger.ToString(), list, StringComparison.Ordinal);
        await Http.AssertProblemAsync(await admin.PostAsync($"/api/v1/office/members/{stranger}/disable", null), 404);
        await Http.EnsureStatusAsync(await admin.PostAsync($"/api/v1/office/members/{created.GetProperty("id").GetGuid()}/disable", null), 204);
    }

    [Fact]
    public async Task TenantOwner_CannotReachOfficeMembers()
    {
        var tenant = await factory.CreateTenantAsync();
        await Http.AssertProblemAsync(await tenant.Owner.GetAsync("/api/v1/office/members"), 403);
    }
}

/// <summary>An office's signup creates the office and its first admin in one transaction (<see cref="PersonAccounts.EnlistAsync"/>).</summary>
public class EnlistedAccountsTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private readonly PersonSessions _people = new(factory);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task CreateWithPassword_InTheCallersTransaction_IsKeptOnlyIfItCommits(bool commit)
    {
        var office = await _people.CreateOfficeAsync();
        var email = PersonSessions.NewEmail();
        await using (var connection = new Npgsql.NpgsqlConnection(factory.RuntimeConnectionString))
        {
            await connection.OpenAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await using var scope = factory.CreateScope();
            var accounts = scope.ServiceProvider.GetRequiredService<PersonAccounts>();
            await accounts.EnlistAsync(connection, tx, CancellationToken.None);

            var created = await accounts.CreateWithPasswordAsync(email, "First admin", PersonSessions.Password, Membership.OfOffice(Roles.OfficeAdmin, office), CancellationToken.None);

            Assert.True(created.Succeeded);
            if (commit)
            {
                await tx.CommitAsync();
            }
            else
            {
                await tx.RollbackAsync();
            }
        }

        Assert.Equal(commit ? 1L : 0L, await factory.ScalarAsync<long>("select count(*) from people where normalized_email = upper(@e)", ("e", email)));
        if (commit)
        {
            var signIn = await PersonSessions.PostSignInAsync(_people.Browser(), email, PersonSessions.Password);
            Assert.Equal(ConsolePages.Enrol, signIn.Headers.Location?.OriginalString);
        }
    }

    [Fact]
    public async Task CreateWithPassword_RefusesAShortPassword_AndAnEmailInUse()
    {
        var office = await _people.CreateOfficeAsync();
        var (_, email) = await _people.OfficePersonAsync(office, Roles.CaseHandler);
        await using var scope = factory.CreateScope();
        var accounts = scope.ServiceProvider.GetRequiredService<PersonAccounts>();

        var shortPassword = await accounts.CreateWithPasswordAsync(PersonSessions.NewEmail(), "A", "short", Membership.OfOffice(Roles.OfficeAdmin, office), CancellationToken.None);
        var taken = await accounts.CreateWithPasswordAsync(email, "B", PersonSessions.Password, Membership.OfOffice(Roles.OfficeAdmin, office), CancellationToken.None);

        Assert.Contains(shortPassword.Errors, e => e.Code == "PasswordTooShort");
        Assert.True(taken.EmailTaken);
    }
}

/// <summary>Credential forms are limited per client; past the limit the answer is a page, not a problem document.</summary>
public class SignInRateLimitTests(SignInRateLimitTests.TightLimitFactory factory) : IClassFixture<SignInRateLimitTests.TightLimitFactory>
{
    public sealed class TightLimitFactory : ComplianceApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("People:SignInAttemptsPerMinute", "3")];
    }

    [Fact]
    public async Task SignIn_PastTheClientsLimit_Is429Page()
    {
        var people = new PersonSessions(factory);
        var browser = people.Browser();
        var token = await PersonSessions.TokenAsync(browser, ConsolePages.SignIn);
        for (var i = 0; i < 3; i++)
        {
            var failed = await PersonSessions.PostWithTokenAsync(browser, ConsolePages.SignIn, token, ("email", PersonSessions.NewEmail()), ("password", "whatever it is here"));
            Assert.Equal(HttpStatusCode.Unauthorized, failed.StatusCode);
        }

        var limited = await PersonSessions.PostWithTokenAsync(browser, ConsolePages.SignIn, token, ("email", PersonSessions.NewEmail()), ("password", "whatever it is here"));

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal("text/html", limited.Content.Headers.ContentType?.MediaType);
        Assert.Contains("Too many attempts", await limited.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(ConsolePages.Csp, limited.Headers.GetValues("Content-Security-Policy").Single());
    }
}
