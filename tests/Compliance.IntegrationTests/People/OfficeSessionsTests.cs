using System.Net;
using System.Net.Http.Json;
using Compliance.Api.Features.People;
using Compliance.Api.Infrastructure.Auth;
using Compliance.IntegrationTests.Infrastructure;

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
        var office = await _people.CreateOfficeAsync(tenant.TenantId);
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
        var office = await _people.CreateOfficeAsync(linked.TenantId);
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
