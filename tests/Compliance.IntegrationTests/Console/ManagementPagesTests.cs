using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Console;

/// <summary>
/// The tenant's management pages (issue #19) over real HTTP and real sign-ins: every action goes through the API's own
/// handler, a refused form names its field and writes nothing (the browser client checks the write log on every 400),
/// and a one-time secret is shown once.
/// </summary>
public partial class ManagementPagesTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private readonly PersonSessions _people = new(factory);

    private static async Task<string> PageAsync(HttpClient browser, string url, int status = 200)
    {
        var response = await browser.GetAsync(url);
        await Http.EnsureStatusAsync(response, status);
        return await response.Content.ReadAsStringAsync();
    }

    [Fact]
    public async Task Owner_AddsASupplierAndASite_ThenPrintsTheSitesPosterWithItsWorkerPage()
    {
        var tenant = await factory.CreateTenantAsync();
        var (owner, _, _) = await _people.MemberSessionAsync(tenant, "owner");

        var supplier = await PersonSessions.PostFormAsync(owner, "/console/manage/sites", "/console/manage/suppliers", ("name", "Kedah Gloves"), ("countryCode", "my"));
        await Http.EnsureStatusAsync(supplier, 303);
        var supplierId = await factory.ScalarAsync<Guid>("select id from suppliers where tenant_id = @t and name = 'Kedah Gloves'", ("t", tenant.TenantId));
        var site = await PersonSessions.PostFormAsync(owner, "/console/manage/sites", "/console/manage/sites",
            ("supplierId", supplierId.ToString()), ("name", "Alor Setar plant"), ("countryCode", "MY"), ("sector", "rubber-gloves"), ("workerHousing", "true"));
        await Http.EnsureStatusAsync(site, 303);

        var html = await PageAsync(owner, "/console/manage/sites");
        Assert.Contains("Alor Setar plant", html, StringComparison.Ordinal);
        var siteId = await factory.ScalarAsync<Guid>("select id from sites where tenant_id = @t and name = 'Alor Setar plant'", ("t", tenant.TenantId));
        var code = await factory.ScalarAsync<string>("select intake_code from sites where id = @id", ("id", siteId));
        var poster = await PageAsync(owner, $"/console/manage/sites/{siteId}/poster");
        Assert.Contains($"/v/{code}", poster, StringComparison.Ordinal);
        Assert.Matches("<img class=\"poster-qr\" src=\"data:image/png;base64,[A-Za-z0-9+/=]{200,}\"", poster);
        Assert.Contains("नेपाली", poster, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedSite_NamesItsFieldsBesideThem_KeepsWhatWasTyped_AndWritesNothing()
    {
        var tenant = await factory.CreateTenantAsync();
        var (owner, _, _) = await _people.MemberSessionAsync(tenant, "owner");

        var response = await PersonSessions.PostFormAsync(owner, "/console/manage/sites", "/console/manage/sites", ("name", "Nowhere plant"), ("countryCode", "Malaysia"), ("sector", "rubber-gloves"));

        await Http.EnsureStatusAsync(response, 400);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"new-site-supplierId-error\"", html, StringComparison.Ordinal);
        Assert.Contains("id=\"new-site-countryCode-error\"", html, StringComparison.Ordinal);
        Assert.Contains("value=\"Nowhere plant\"", html, StringComparison.Ordinal);
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from sites where tenant_id = @t", ("t", tenant.TenantId)));
    }

    [Fact]
    public async Task Owner_InvitesAPerson_TheSetupCodeIsShownOnce_AndWorks()
    {
        var tenant = await factory.CreateTenantAsync();
        var (owner, _, _) = await _people.MemberSessionAsync(tenant, "owner");
        var email = PersonSessions.NewEmail();

        var response = await PersonSessions.PostFormAsync(owner, "/console/manage/access", "/console/manage/members", ("email", email), ("displayName", "New auditor"), ("role", "auditor"));
        await Http.EnsureStatusAsync(response, 200);
        var code = WebUtility.HtmlDecode(SecretIn(await response.Content.ReadAsStringAsync()));

        Assert.DoesNotContain(code, await PageAsync(owner, "/console/manage/access"), StringComparison.Ordinal);
        await _people.SetUpAsync(email, code);
        await _people.SignInAsync(email);
    }

    [Fact]
    public async Task Owner_CreatesAnApiKey_ShownOnce_ThatWorks_ThenRevokesIt()
    {
        var tenant = await factory.CreateTenantAsync();
        var (owner, _, _) = await _people.MemberSessionAsync(tenant, "owner");

        var response = await PersonSessions.PostFormAsync(owner, "/console/manage/access", "/console/manage/keys", ("name", "ERP export"), ("role", "compliance"));
        await Http.EnsureStatusAsync(response, 200);
        var key = WebUtility.HtmlDecode(SecretIn(await response.Content.ReadAsStringAsync()));
        using var api = factory.Client();
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        await Http.EnsureStatusAsync(await api.GetAsync("/api/v1/sites"), 200);
        Assert.DoesNotContain(key, await PageAsync(owner, "/console/manage/access"), StringComparison.Ordinal);

        var keyId = await factory.ScalarAsync<Guid>("select id from api_keys where tenant_id = @t and name = 'ERP export'", ("t", tenant.TenantId));
        await Http.EnsureStatusAsync(await PersonSessions.PostFormAsync(owner, "/console/manage/access", $"/console/manage/keys/{keyId}/revoke"), 303);
        await Http.EnsureStatusAsync(await api.GetAsync("/api/v1/sites"), 401);
    }

    [Fact]
    public async Task ACaseHandlerKey_CannotBeMintedHere_TheRoleIsRefusedBesideItsField()
    {
        var tenant = await factory.CreateTenantAsync();
        var (owner, _, _) = await _people.MemberSessionAsync(tenant, "owner");

        var response = await PersonSessions.PostFormAsync(owner, "/console/manage/access", "/console/manage/keys", ("name", "Sneaky"), ("role", "case-handler"));

        await Http.EnsureStatusAsync(response, 400);
        Assert.Contains("id=\"new-key-role-error\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from api_keys where tenant_id = @t and name = 'Sneaky'", ("t", tenant.TenantId)));
    }

    [Fact]
    public async Task Owner_RequestsALinkByTheOfficesCode_ItIsOnTheRoster_AndAnUnknownCodeIsRefused()
    {
        var tenant = await factory.CreateTenantAsync();
        var office = await _people.SignUpOfficeAsync();
        var (owner, _, _) = await _people.MemberSessionAsync(tenant, "owner");

        var unknown = await PersonSessions.PostFormAsync(owner, "/console/manage/links", "/console/manage/links", ("officeCode", "NOSUCHCODE"));
        await Http.EnsureStatusAsync(unknown, 400);
        Assert.Contains("id=\"request-link-officeCode-error\"", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        await Http.EnsureStatusAsync(await PersonSessions.PostFormAsync(owner, "/console/manage/links", "/console/manage/links", ("officeCode", office.Code)), 303);
        Assert.Contains(office.Name, await PageAsync(owner, "/console/manage/links"), StringComparison.Ordinal);
        Assert.Contains("link-requested", await PageAsync(owner, "/console/manage/roster"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EachRole_MeetsTheWallOfTheApiBehindThePage()
    {
        var tenant = await factory.CreateTenantAsync();
        var (siteId, _, _) = await tenant.CreateSiteAsync();
        var (compliance, _, _) = await _people.MemberSessionAsync(tenant, "compliance");
        var (auditor, _, _) = await _people.MemberSessionAsync(tenant, "auditor");
        var office = await _people.OfficeOfAsync(tenant);

        await PageAsync(compliance, "/console/manage/sites");
        await PageAsync(compliance, "/console/manage/access", 403);
        await PageAsync(compliance, "/console/manage/links", 403);
        await PageAsync(auditor, "/console/manage/sites", 403);
        await PageAsync(auditor, $"/console/manage/sites/{siteId}/poster");
        await PageAsync(office.Admin, "/console/manage", 403);

        var other = await factory.CreateTenantAsync();
        var (otherOwner, _, _) = await _people.MemberSessionAsync(other, "owner");
        await PageAsync(otherOwner, $"/console/manage/sites/{siteId}/poster", 404);
    }

    private static string SecretIn(string html)
    {
        var match = SecretValue().Match(html);
        Assert.True(match.Success, "No one-time secret on the page: " + html);
        return match.Groups[1].Value;
    }

    [GeneratedRegex("<p class=\"key\" id=\"secret-value\">([^<]+)</p>")]
    private static partial Regex SecretValue();
}
