using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Compliance.Api.Features.People;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Domain.Reference;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.Handling;

/// <summary>
/// Issue #18 over real HTTP and PostgreSQL: offices sign up, tenants link them, only a linked office's people and keys
/// read testimony, ending a link stops them at once, every change is on the append-only roster, the operator verifies,
/// and the worker page names who reads.
/// </summary>
public class HandlingOfficesTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private readonly PersonSessions _people = new(factory);

    [Fact]
    public async Task Owner_AskingForACaseHandlerKey_Gets400NamingRole_AndNothingIsWritten()
    {
        var tenant = await factory.CreateTenantAsync();
        var before = await factory.CountRowsAsync("api_keys");

        var response = await tenant.Owner.PostAsJsonAsync("/api/v1/api-keys", new { name = "reader", role = "case-handler" });

        var errors = await Http.AssertValidationProblemAsync(response, "role");
        var said = errors.GetProperty("role")[0].GetString();
        Assert.Contains("handling office", said, StringComparison.Ordinal); // says who gives that role instead, and where
        Assert.Contains("/api/v1/office/api-keys", said, StringComparison.Ordinal);
        Assert.Equal(before, await factory.CountRowsAsync("api_keys"));
    }

    [Fact]
    public async Task Signup_WithBadFields_Is400NamingEach_AndWritesNothing()
    {
        var offices = await factory.CountRowsAsync("handling_offices");
        var people = await factory.CountRowsAsync("people");

        var response = await factory.Client().PostAsJsonAsync("/api/v1/handling-offices", new
        {
            name = "",
            kind = "internal",
            countryCode = "XX",
            contact = "",
            adminEmail = "not-an-email",
            adminDisplayName = "",
            adminPassword = "short",
        });

        await Http.AssertValidationProblemAsync(response, "name", "kind", "countryCode", "contact", "adminEmail", "adminDisplayName", "adminPassword");
        Assert.Equal(offices, await factory.CountRowsAsync("handling_offices"));
        Assert.Equal(people, await factory.CountRowsAsync("people"));
    }

    [Fact]
    public async Task Signup_WithAnEmailInUse_Is409_AndLeavesNoOfficeBehind()
    {
        var first = await _people.SignUpOfficeAsync();
        var offices = await factory.CountRowsAsync("handling_offices");

        var response = await factory.Client().PostAsJsonAsync("/api/v1/handling-offices", new
        {
            name = "Copycat NGO",
            kind = "independent-ngo",
            countryCode = "MY",
            contact = "x@example.org",
            adminEmail = first.AdminEmail,
            adminDisplayName = "Someone",
            adminPassword = PersonSessions.Password,
        });

        await Http.AssertProblemAsync(response, 409);
        Assert.Equal(offices, await factory.CountRowsAsync("handling_offices"));
    }

    [Fact]
    public async Task Link_IsNothingUntilAccepted_ThenTheOfficesKeyReads_AndEndingItStopsTheNextRequest()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(Intake(narrative: "canary-link-7731"));
        var office = await _people.SignUpOfficeAsync();

        var requested = await Http.JsonAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/handling-links", new { officeCode = office.Code }), 201);
        var link = requested.GetProperty("id").GetGuid();
        Assert.Equal("requested", requested.GetProperty("state").GetString());

        // Before acceptance the office cannot work on the tenant at all.
        var early = await office.SendForAsync(tenant.TenantId, HttpMethod.Post, "/api/v1/office/api-keys", new { name = "too early" });
        await Http.AssertProblemAsync(early, 404);

        var accepted = await Http.JsonAsync(await office.Admin.PostAsync($"/api/v1/handling-links/{link}/accept", null));
        Assert.Equal("accepted", accepted.GetProperty("state").GetString());
        await Http.AssertProblemAsync(await office.Admin.PostAsync($"/api/v1/handling-links/{link}/accept", null), 409);

        var key = (await Http.JsonAsync(await office.SendForAsync(tenant.TenantId, HttpMethod.Post, "/api/v1/office/api-keys", new { name = "night shift" }), 201))
            .GetProperty("key").GetString()!;
        var handler = factory.Client(key);
        var read = await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances/{(await IdOf(filed))}"));
        Assert.Equal("canary-link-7731", read.GetProperty("narrative").GetString());

        // The tenant ends the link: the key fails on its very next request, and the admin's session no longer reaches the tenant.
        var ended = await Http.JsonAsync(await tenant.Owner.PostAsync($"/api/v1/handling-links/{link}/end", null));
        Assert.Equal("ended", ended.GetProperty("state").GetString());
        Assert.Equal("tenant", ended.GetProperty("endedBy").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, (await handler.GetAsync($"/api/v1/grievances/{(await IdOf(filed))}")).StatusCode);
        await Http.AssertProblemAsync(await office.SendForAsync(tenant.TenantId, HttpMethod.Get, "/api/v1/grievances"), 404);
        await Http.AssertProblemAsync(await tenant.Owner.PostAsync($"/api/v1/handling-links/{link}/end", null), 409);
    }

    [Fact]
    public async Task OfficeEndingTheLink_StopsItsPeoplesSessionsOnTheTenant()
    {
        var tenant = await factory.CreateTenantAsync();
        var office = await _people.SignUpOfficeAsync();
        var link = await PersonSessions.LinkAsync(tenant, office);
        await Http.EnsureStatusAsync(await office.SendForAsync(tenant.TenantId, HttpMethod.Get, "/api/v1/grievances"), 200);

        var ended = await Http.JsonAsync(await office.Admin.PostAsync($"/api/v1/handling-links/{link}/end", null));

        Assert.Equal("office", ended.GetProperty("endedBy").GetString());
        await Http.AssertProblemAsync(await office.SendForAsync(tenant.TenantId, HttpMethod.Get, "/api/v1/grievances"), 404);
    }

    [Fact]
    public async Task OneOffice_TwoTenants_WorksEachUnderItsOwnWall_AndAnUnlinkedTenantIs404()
    {
        var t1 = await factory.CreateTenantAsync();
        var t2 = await factory.CreateTenantAsync();
        var t3 = await factory.CreateTenantAsync();
        var f1 = await t1.FileGrievanceAsync(Intake(narrative: "tenant one words"));
        var f2 = await t2.FileGrievanceAsync(Intake(narrative: "tenant two words"));
        await t3.FileGrievanceAsync();
        var office = await _people.SignUpOfficeAsync();
        await PersonSessions.LinkAsync(t1, office);
        await PersonSessions.LinkAsync(t2, office);

        var cases1 = await Http.JsonAsync(await office.SendForAsync(t1.TenantId, HttpMethod.Get, "/api/v1/grievances"));
        var cases2 = await Http.JsonAsync(await office.SendForAsync(t2.TenantId, HttpMethod.Get, "/api/v1/grievances"));
        Assert.Equal([(await IdOf(f1))], cases1.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));
        Assert.Equal([(await IdOf(f2))], cases2.GetProperty("items").EnumerateArray().Select(c => c.GetProperty("id").GetGuid()));

        // Another linked tenant's case through the first tenant's scope is not found; an unlinked tenant is 404 outright.
        await Http.AssertProblemAsync(await office.SendForAsync(t1.TenantId, HttpMethod.Get, $"/api/v1/grievances/{(await IdOf(f2))}"), 404);
        await Http.AssertProblemAsync(await office.SendForAsync(t3.TenantId, HttpMethod.Get, "/api/v1/grievances"), 404);

        // A handler key minted for t1 reads t1 only.
        var key = (await Http.JsonAsync(await office.SendForAsync(t1.TenantId, HttpMethod.Post, "/api/v1/office/api-keys", new { name = "t1 only" }), 201)).GetProperty("key").GetString()!;
        await Http.AssertProblemAsync(await factory.Client(key).GetAsync($"/api/v1/grievances/{(await IdOf(f2))}"), 404);
    }

    [Fact]
    public async Task LinkRequest_WithAnUnknownCode_Is400NamingOfficeCode_AndATwiceRequestedLinkIs409()
    {
        var tenant = await factory.CreateTenantAsync();
        var links = await factory.CountRowsAsync("handling_links");

        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/handling-links", new { officeCode = "HO-NOSUCHCODE" }), "officeCode");
        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/handling-links", new { }), "officeCode");
        Assert.Equal(links, await factory.CountRowsAsync("handling_links"));

        var office = await _people.SignUpOfficeAsync();
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/handling-links", new { officeCode = office.Code }), 201);
        await Http.AssertProblemAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/handling-links", new { officeCode = office.Code }), 409);
    }

    [Theory]
    [InlineData("compliance")]
    [InlineData("auditor")]
    [InlineData("supplier")]
    [InlineData("case-handler")]
    public async Task EmployerRolesAndHandlers_CannotRequestOrAcceptLinks_OrMintHandlerKeys(string role)
    {
        var tenant = await factory.CreateTenantAsync();
        var supplier = role == "supplier" ? await tenant.CreateSupplierAsync() : (Guid?)null;
        var client = factory.Client(await tenant.KeyAsync(role, supplier));
        var office = await _people.SignUpOfficeAsync();
        var link = await Http.IdAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/handling-links", new { officeCode = office.Code }));

        await Http.AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/handling-links", new { officeCode = office.Code }), 403);
        await Http.AssertProblemAsync(await client.PostAsync($"/api/v1/handling-links/{link}/accept", null), 403);
        await Http.AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/office/api-keys", new { name = "x" }), 403);
        await Http.AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/handling-offices/internal", new { name = "x" }), 403);
    }

    [Fact]
    public async Task Roster_RecordsEveryChange_DaysForTheEmployer_TimesForTheOffice_AndCannotBeEdited()
    {
        var tenant = await factory.CreateTenantAsync();
        var office = await _people.SignUpOfficeAsync();
        var link = await PersonSessions.LinkAsync(tenant, office);
        var member = await Http.JsonAsync(await office.Admin.PostAsJsonAsync("/api/v1/office/members", new
        {
            email = PersonSessions.NewEmail(),
            displayName = "Handler Hla",
            role = "case-handler",
        }), 201);
        var keyId = (await Http.JsonAsync(await office.SendForAsync(tenant.TenantId, HttpMethod.Post, "/api/v1/office/api-keys", new { name = "Key Kyaw" }), 201)).GetProperty("id").GetGuid();
        await Http.EnsureStatusAsync(await office.SendForAsync(tenant.TenantId, HttpMethod.Delete, $"/api/v1/office/api-keys/{keyId}"), 204);
        await Http.EnsureStatusAsync(await office.Admin.PostAsync($"/api/v1/office/members/{member.GetProperty("id").GetGuid()}/disable", null), 204);
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsync($"/api/v1/handling-links/{link}/end", null), 200);

        var auditor = factory.Client(await tenant.KeyAsync("auditor"));
        var seen = await Http.JsonAsync(await auditor.GetAsync("/api/v1/testimony-access-roster?pageSize=100"));
        var changes = seen.GetProperty("items").EnumerateArray().Select(r => (r.GetProperty("change").GetString(), r.GetProperty("subject").GetString())).ToList();
        Assert.Contains(("link-requested", office.Name), changes);
        Assert.Contains(("link-accepted", office.Name), changes);
        Assert.Contains(("account-created", "Handler Hla"), changes);
        Assert.Contains(("key-created", "Key Kyaw"), changes);
        Assert.Contains(("key-revoked", "Key Kyaw"), changes);
        Assert.Contains(("account-disabled", "Handler Hla"), changes);
        Assert.Contains(("link-ended", office.Name), changes);
        Assert.All(seen.GetProperty("items").EnumerateArray(), r => Assert.Equal(JsonValueKind.Null, r.GetProperty("at").ValueKind));

        // The admin's account and second factor came before the link; the tenant sees them too (they can read once linked).
        Assert.Contains(("account-two-factor", $"Admin of {office.Name}"), changes);
        var own = await Http.JsonAsync(await office.Admin.GetAsync("/api/v1/testimony-access-roster?pageSize=100"));
        var ownChanges = own.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("change").GetString()).ToList();
        Assert.Contains("office-created", ownChanges);
        Assert.Contains("account-two-factor", ownChanges);
        Assert.All(own.GetProperty("items").EnumerateArray(), r => Assert.Equal(JsonValueKind.String, r.GetProperty("at").ValueKind));

        var odata = await Http.JsonAsync(await auditor.GetAsync("/odata/TestimonyAccessRoster"));
        Assert.Equal(seen.GetProperty("totalCount").GetInt32(), odata.GetProperty("value").GetArrayLength());

        // Append-only, even for the runtime role's own tenant.
        var runtime = await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => RuntimeAsync(tenant.TenantId, "update testimony_access_roster set subject = 'x'"));
        Assert.Equal("42501", runtime.SqlState);
        await Assert.ThrowsAnyAsync<Npgsql.PostgresException>(() => factory.ScalarAsync<object>("delete from testimony_access_roster returning 1"));
    }

    [Fact]
    public async Task Roster_IsForOwnerAuditorAndOfficeAdmin_NotComplianceSupplierOrHandlers()
    {
        var tenant = await factory.CreateTenantAsync();
        await Http.EnsureStatusAsync(await tenant.Owner.GetAsync("/api/v1/testimony-access-roster"), 200);
        foreach (var role in new[] { "compliance", "case-handler" })
        {
            await Http.AssertProblemAsync(await (await tenant.ClientAsync(role)).GetAsync("/api/v1/testimony-access-roster"), 403);
        }
    }

    [Fact]
    public async Task Operator_VerifiesAnOffice_WithTheOperatorKeyOnly()
    {
        var office = await _people.SignUpOfficeAsync();
        var owner = (await factory.CreateTenantAsync()).Owner;
        await Http.AssertProblemAsync(await owner.PostAsync($"/api/v1/operator/handling-offices/{office.Id}/verify", null), 403);
        await Http.AssertProblemAsync(await factory.Operator().PostAsync($"/api/v1/operator/handling-offices/{Guid.NewGuid()}/verify", null), 404);

        await VerifyAsync(office.Id);

        var own = await Http.JsonAsync(await office.Admin.GetAsync("/api/v1/office"));
        Assert.True(own.GetProperty("verified").GetBoolean());
        var roster = await Http.JsonAsync(await office.Admin.GetAsync("/api/v1/testimony-access-roster"));
        Assert.Contains(roster.GetProperty("items").EnumerateArray(), r => r.GetProperty("change").GetString() == "office-verified" && r.GetProperty("actor").GetString() == "operator");
    }

    [Fact]
    public async Task NarrativeAccessLog_NamesThePersonAndTheirOffice_ToOwnerAndAuditor()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync();
        var office = await _people.SignUpOfficeAsync();
        await PersonSessions.LinkAsync(tenant, office);

        await Http.EnsureStatusAsync(await office.SendForAsync(tenant.TenantId, HttpMethod.Get, $"/api/v1/grievances/{(await IdOf(filed))}"), 200);

        var log = await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/narrative-access-log"));
        var entry = Assert.Single(log.GetProperty("items").EnumerateArray());
        Assert.Equal($"Admin of {office.Name}", entry.GetProperty("readerName").GetString());
        Assert.Equal(office.Name, entry.GetProperty("readerOffice").GetString());
        Assert.Equal(JsonValueKind.Null, entry.GetProperty("apiKeyId").ValueKind);

        var auditor = factory.Client(await tenant.KeyAsync("auditor"));
        var row = Assert.Single((await Http.JsonAsync(await auditor.GetAsync("/odata/NarrativeAccessLog"))).GetProperty("value").EnumerateArray());
        Assert.Equal($"Admin of {office.Name}", row.GetProperty("ReaderName").GetString());
        Assert.Equal(office.Name, row.GetProperty("ReaderOffice").GetString());
    }

    [Fact]
    public async Task InternalOffice_IsLinkedAtOnce_ItsAdminSetsUpWithACode_AndTheWorkerPageSaysCompanyStaffRead()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var created = await Http.JsonAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/handling-offices/internal", new
        {
            name = "Acme grievance team",
            countryCode = "MY",
            contact = "grievance@acme.example",
            adminEmail = PersonSessions.NewEmail(),
            adminDisplayName = "Gita",
        }), 201);
        Assert.False(string.IsNullOrEmpty(created.GetProperty("adminSetupCode").GetString()));
        var links = await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/handling-links"));
        Assert.Equal("accepted", Assert.Single(links.GetProperty("items").EnumerateArray()).GetProperty("state").GetString());

        var texts = factory.Services.GetRequiredService<WorkerLabels>();
        foreach (var lang in Languages.Supported)
        {
            var html = WebUtility.HtmlDecode(await factory.Client().GetStringAsync($"/v/{site.IntakeCode}/{lang}"));
            Assert.Contains("Acme grievance team", html, StringComparison.Ordinal);
            Assert.Contains(texts.For(lang).WhoReads.Internal, html, StringComparison.Ordinal);
            Assert.DoesNotContain(texts.For(lang).WhoReads.EmployerCannotSee, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task WorkerPage_NamesTheLinkedOffice_VerifiedAndItsReaders_InEveryLanguage()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var office = await _people.SignUpOfficeAsync(name: "Tenaganita Test Office");
        await PersonSessions.LinkAsync(tenant, office);
        await VerifyAsync(office.Id);
        var texts = factory.Services.GetRequiredService<WorkerLabels>();

        foreach (var lang in Languages.Supported)
        {
            var t = texts.For(lang).WhoReads;
            var html = WebUtility.HtmlDecode(await factory.Client().GetStringAsync($"/v/{site.IntakeCode}/{lang}"));
            Assert.Contains("Tenaganita Test Office", html, StringComparison.Ordinal);
            Assert.Contains(t.Kinds["independent-ngo"], html, StringComparison.Ordinal);
            Assert.Contains(t.Verified, html, StringComparison.Ordinal);
            Assert.Contains(t.ReadersOne.Replace(WhoReadsTexts.CountPlaceholder, "1", StringComparison.Ordinal), html, StringComparison.Ordinal);
            Assert.Contains(t.EmployerCannotSee, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task AReportFiledUnderThePromise_StaysClosedToAnInternalOfficeLinkedLater_AndNewReportsDoNot()
    {
        var tenant = await factory.CreateTenantAsync();
        var ngo = await _people.SignUpOfficeAsync();
        await PersonSessions.LinkAsync(tenant, ngo);
        await VerifyAsync(ngo.Id);
        var promised = await tenant.FileGrievanceAsync(Intake(narrative: "filed under the promise"));

        // The owner then makes an internal office and signs its admin in with two factors.
        var adminEmail = PersonSessions.NewEmail();
        var created = await Http.JsonAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/handling-offices/internal", new
        {
            name = "Own team",
            countryCode = "MY",
            contact = "hr@acme.example",
            adminEmail,
            adminDisplayName = "HR reader",
        }), 201);
        await _people.SetUpAsync(adminEmail, created.GetProperty("adminSetupCode").GetString()!);
        var own = _people.Browser();
        await Http.EnsureStatusAsync(await PersonSessions.PostSignInAsync(own, adminEmail, PersonSessions.Password), 303);
        await PersonSessions.EnrolTwoFactorAsync(own);
        var afterwards = await tenant.FileGrievanceAsync(Intake(narrative: "filed after the internal office"));

        var promisedId = await IdOf(promised);
        await Http.AssertProblemAsync(await own.GetAsync($"/api/v1/grievances/{promisedId}?tenant={tenant.TenantId}"), 404);
        var readLater = await Http.JsonAsync(await own.GetAsync($"/api/v1/grievances/{await IdOf(afterwards)}?tenant={tenant.TenantId}"));
        Assert.Equal("filed after the internal office", readLater.GetProperty("narrative").GetString());

        // The verified NGO it was promised to still reads it.
        var byNgo = await Http.JsonAsync(await ngo.SendForAsync(tenant.TenantId, HttpMethod.Get, $"/api/v1/grievances/{promisedId}"));
        Assert.Equal("filed under the promise", byNgo.GetProperty("narrative").GetString());

        // An independent office linked later, but not (yet) verified by the operator, does not read it either.
        var unverified = await _people.SignUpOfficeAsync();
        await PersonSessions.LinkAsync(tenant, unverified);
        await Http.AssertProblemAsync(await unverified.SendForAsync(tenant.TenantId, HttpMethod.Get, $"/api/v1/grievances/{promisedId}"), 404);
        var newer = await Http.JsonAsync(await unverified.SendForAsync(tenant.TenantId, HttpMethod.Get, $"/api/v1/grievances/{await IdOf(afterwards)}"));
        Assert.Equal("filed after the internal office", newer.GetProperty("narrative").GetString());
    }

    [Fact]
    public async Task AnOwnerConfiguredEscalationDestination_RulesThePromiseOut_OnThePageAndOnTheReport()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var ngo = await _people.SignUpOfficeAsync();
        await PersonSessions.LinkAsync(tenant, ngo);
        await VerifyAsync(ngo.Id);
        var promise = factory.Services.GetRequiredService<WorkerLabels>().For("en").WhoReads.EmployerCannotSee;
        Assert.Contains(promise, WebUtility.HtmlDecode(await factory.Client().GetStringAsync($"/v/{site.IntakeCode}/en")), StringComparison.Ordinal);

        // The owner registers "an NGO" at a URL of its choosing: a consenting worker's words would go there.
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/escalation-destinations", new
        {
            name = "Our NGO",
            kind = "ngo",
            jurisdiction = "MY",
            url = "https://93.184.216.34/hooks/ours",
            signingSecret = "test-signing-secret-0123456789-abcdefghij",
            minimumLevel = "critical",
            active = true,
        }), 201);

        Assert.DoesNotContain(promise, WebUtility.HtmlDecode(await factory.Client().GetStringAsync($"/v/{site.IntakeCode}/en")), StringComparison.Ordinal);
        var filed = await tenant.FileGrievanceAsync(Intake(narrative: "filed with a destination configured"));
        Assert.False(await factory.ScalarAsync<bool>("select promised_independent from grievances where case_reference = @r", ("r", filed.CaseReference)));
    }

    [Fact]
    public async Task ALinkRequestAlone_ShowsTheTenantNoneOfTheOfficesStaff()
    {
        var tenant = await factory.CreateTenantAsync();
        var office = await _people.SignUpOfficeAsync();
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/handling-links", new { officeCode = office.Code }), 201);

        var seen = await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/testimony-access-roster"));

        var changes = seen.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("change").GetString()).ToList();
        Assert.Equal(["link-requested"], changes);
    }

    [Fact]
    public async Task EndingALink_RevokesTheOfficesKeysForTheTenant_SoARelinkDoesNotReviveThem()
    {
        var tenant = await factory.CreateTenantAsync();
        var office = await _people.SignUpOfficeAsync();
        var link = await PersonSessions.LinkAsync(tenant, office);
        var key = (await Http.JsonAsync(await office.SendForAsync(tenant.TenantId, HttpMethod.Post, "/api/v1/office/api-keys", new { name = "Old key" }), 201)).GetProperty("key").GetString()!;
        await Http.EnsureStatusAsync(await factory.Client(key).GetAsync("/api/v1/grievances"), 200);

        await Http.EnsureStatusAsync(await office.Admin.PostAsync($"/api/v1/handling-links/{link}/end", null), 200);
        await PersonSessions.LinkAsync(tenant, office);

        Assert.Equal(HttpStatusCode.Unauthorized, (await factory.Client(key).GetAsync("/api/v1/grievances")).StatusCode);
        var roster = await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/testimony-access-roster?pageSize=100"));
        Assert.Contains(roster.GetProperty("items").EnumerateArray(), r => r.GetProperty("change").GetString() == "key-revoked" && r.GetProperty("subject").GetString() == "Old key");
    }

    [Fact]
    public async Task AnotherTenantsInternalOffice_CannotBeRequested()
    {
        var a = await factory.CreateTenantAsync();
        var b = await factory.CreateTenantAsync();
        var created = await Http.JsonAsync(await a.Owner.PostAsJsonAsync("/api/v1/handling-offices/internal", new
        {
            name = "A's own team",
            countryCode = "MY",
            contact = "hr@a.example",
            adminEmail = PersonSessions.NewEmail(),
            adminDisplayName = "A HR",
        }), 201);

        await Http.AssertValidationProblemAsync(
            await b.Owner.PostAsJsonAsync("/api/v1/handling-links", new { officeCode = created.GetProperty("code").GetString() }), "officeCode");
    }

    private async Task VerifyAsync(Guid office) =>
        await Http.EnsureStatusAsync(await factory.Operator().PostAsync($"/api/v1/operator/handling-offices/{office}/verify", null), 204);

    /// <summary>The case's id, looked up as the database owner (the worker's intake answer carries none, on purpose).</summary>
    private Task<Guid> IdOf(Filed filed) =>
        factory.ScalarAsync<Guid>("select id from grievances where case_reference = @r", ("r", filed.CaseReference));

    private async Task RuntimeAsync(Guid tenant, string sql)
    {
        await using var connection = new Npgsql.NpgsqlConnection(factory.RuntimeConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await Compliance.Api.Infrastructure.Database.TenantSql.SetAsync(connection, tx, tenant, null, CancellationToken.None);
        await using var cmd = new Npgsql.NpgsqlCommand(sql, connection, tx);
        await cmd.ExecuteNonQueryAsync();
    }
}
