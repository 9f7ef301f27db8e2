using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Compliance.Api.Features.WorkerVoice;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.Console;

/// <summary>
/// The case handler's console pages (issue #19) over real HTTP, a real database and real sign-ins (password and TOTP):
/// the inbox across linked tenants, the case page as a logged read, notes the worker and the employer never see,
/// replies from a template in the worker's language, triage, status, consent and referrals. Every form is posted as a
/// browser without JavaScript would: a form body with its antiforgery token, then a 303.
/// </summary>
public partial class CasePagesTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private readonly PersonSessions _people = new(factory);

    private sealed record Desk(TestTenant Tenant, TestOffice Office, Filed Filed, Guid Id)
    {
        public string Url(string? tab = null) => $"/console/cases/{Id}?tenant={Tenant.TenantId}" + (tab is null ? string.Empty : $"&tab={tab}");

        public string Action(string path) => $"/console/cases/{Id}/{path}?tenant={Tenant.TenantId}";
    }

    private async Task<Desk> DeskAsync(object? intake = null)
    {
        var tenant = await factory.CreateTenantAsync();
        var office = await _people.OfficeOfAsync(tenant);
        var filed = await tenant.FileGrievanceAsync(intake);
        var handler = await tenant.ClientAsync("case-handler");
        return new Desk(tenant, office, filed, await handler.GrievanceIdAsync(filed.CaseReference));
    }

    private static async Task<string> PageAsync(HttpClient browser, string url, int status = 200)
    {
        var response = await browser.GetAsync(url);
        await Http.EnsureStatusAsync(response, status);
        return await response.Content.ReadAsStringAsync();
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient browser, Desk desk, string path, params (string Name, string Value)[] fields) =>
        await PersonSessions.PostFormAsync(browser, desk.Url(), desk.Action(path), fields);

    private Task<long> ReadsAsync(Guid id) => factory.ScalarAsync<long>("select count(*) from narrative_access_log where grievance_id = @id and person_id is not null", ("id", id));

    [Fact]
    public async Task Inbox_ListsEveryLinkedTenantsCases_EarliestDueFirst_WithTheClockInWordsAndItsDay()
    {
        var office = await _people.SignUpOfficeAsync();
        var calm = await factory.CreateTenantAsync("Calm Employer");
        var urgent = await factory.CreateTenantAsync("Urgent Employer");
        await PersonSessions.LinkAsync(calm, office);
        await PersonSessions.LinkAsync(urgent, office);
        var ordinary = await calm.FileGrievanceAsync(Intake(language: "vi"));
        var critical = await urgent.FileGrievanceAsync(Intake(language: "ne", categories: ["hurt-or-threatened"]));
        factory.Clock.Advance(TimeSpan.FromDays(2));
        try
        {
            // Two idle days end a session (SessionRules): the admin signs in again, with both factors.
            var admin = await _people.SignInAsync(office.AdminEmail, totpKey: office.AdminTotpKey);
            var html = await PageAsync(admin, "/console/cases");
            var rows = Rows(html);
            var first = rows.FindIndex(r => r.Contains(critical.CaseReference, StringComparison.Ordinal));
            var second = rows.FindIndex(r => r.Contains(ordinary.CaseReference, StringComparison.Ordinal));
            Assert.True(first >= 0 && second > first, "the critical case (24 h clock, now overdue) comes first: " + html);
            Assert.Contains("Overdue", rows[first], StringComparison.Ordinal);
            Assert.Contains("Urgent Employer", rows[first], StringComparison.Ordinal);
            Assert.Contains("On track", rows[second], StringComparison.Ordinal);
            Assert.Contains("Calm Employer", rows[second], StringComparison.Ordinal);

            var overdueOnly = Rows(await PageAsync(admin, "/console/cases?clock=overdue"));
            Assert.Contains(overdueOnly, r => r.Contains(critical.CaseReference, StringComparison.Ordinal));
            Assert.DoesNotContain(overdueOnly, r => r.Contains(ordinary.CaseReference, StringComparison.Ordinal));
            var vietnamese = Rows(await PageAsync(admin, "/console/cases?language=vi"));
            Assert.Equal([ordinary.CaseReference], vietnamese.Select(CaseReferenceIn));
        }
        finally
        {
            factory.Clock.Advance(TimeSpan.FromDays(-2));
        }
    }

    [Fact]
    public async Task Inbox_RefusesAnUnknownFilter_NamingIt()
    {
        var desk = await DeskAsync();
        var html = await PageAsync(desk.Office.Admin, "/console/cases?clock=soonish&language=xx", 400);
        Assert.Contains("clock:", html, StringComparison.Ordinal);
        Assert.Contains("language:", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OpeningACase_IsALoggedRead_AndShowsTheWorkersWordsInTheirLanguage()
    {
        var desk = await DeskAsync(Intake(language: "ne", narrative: "मेरो राहदानी एजेन्टसँग छ।"));
        Assert.Equal(0L, await ReadsAsync(desk.Id));

        var html = await PageAsync(desk.Office.Admin, desk.Url());

        Assert.Contains("मेरो राहदानी एजेन्टसँग छ।", html, StringComparison.Ordinal);
        Assert.Contains("lang=\"ne\" id=\"narrative\"", html, StringComparison.Ordinal);
        Assert.Equal(1L, await ReadsAsync(desk.Id));
    }

    [Fact]
    public async Task Notes_InternalForTheOffice_PrivateForTheirAuthor_NeverForTheWorker()
    {
        var desk = await DeskAsync();
        var admin = desk.Office.Admin;
        await Http.EnsureStatusAsync(await PostAsync(admin, desk, "notes", ("visibility", "internal"), ("text", "Internal: called the dormitory warden qz5521")), 303);
        await Http.EnsureStatusAsync(await PostAsync(admin, desk, "notes", ("visibility", "private"), ("text", "Private: I doubt the agent qz8832")), 303);

        Assert.Contains("qz5521", await PageAsync(admin, desk.Url("internal")), StringComparison.Ordinal);
        Assert.Contains("qz8832", await PageAsync(admin, desk.Url("private")), StringComparison.Ordinal);
        Assert.DoesNotContain("qz8832", await PageAsync(admin, desk.Url("internal")), StringComparison.Ordinal);

        var (_, email) = await _people.OfficePersonAsync(desk.Office.Id, "case-handler");
        var colleague = await _people.SignInAsync(email);
        await PersonSessions.EnrolTwoFactorAsync(colleague);
        Assert.Contains("qz5521", await PageAsync(colleague, desk.Url("internal")), StringComparison.Ordinal);
        Assert.DoesNotContain("qz8832", await PageAsync(colleague, desk.Url("private")), StringComparison.Ordinal);

        var worker = await factory.FollowUpAsync(desk.Filed.Receipt);
        Assert.DoesNotContain("qz5521", worker.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("qz8832", worker.ToString(), StringComparison.Ordinal);
        Assert.Equal(2L, await factory.ScalarAsync<long>("select count(*) from case_notes where grievance_id = @id", ("id", desk.Id)));
        Assert.Equal(0L, await factory.ScalarAsync<long>(
            "select count(*) from case_notes where grievance_id = @id and position(convert_to('qz5521', 'UTF8') in ciphertext) > 0", ("id", desk.Id)));
    }

    [Fact]
    public async Task Reply_FromANepaliTemplate_IsPreviewedFirstWithoutSending_ThenReachesTheWorker()
    {
        var desk = await DeskAsync(Intake(language: "ne"));
        var admin = desk.Office.Admin;

        var preview = await PostAsync(admin, desk, "reply", ("template", "acknowledged"), ("action", "preview"));
        await Http.EnsureStatusAsync(preview, 200);
        var html = await preview.Content.ReadAsStringAsync();
        Assert.Contains("id=\"preview\"", html, StringComparison.Ordinal);
        Assert.Contains("हामीले तपाईंको रिपोर्ट पायौं", html, StringComparison.Ordinal);
        Assert.Contains(desk.Filed.CaseReference, html, StringComparison.Ordinal);
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from grievance_messages where grievance_id = @id", ("id", desk.Id)));

        var sent = await PostAsync(admin, desk, "reply", ("template", "acknowledged"), ("action", "send"));
        await Http.EnsureStatusAsync(sent, 303);
        Assert.StartsWith(desk.Url("thread"), sent.Headers.Location!.OriginalString, StringComparison.Ordinal);
        var worker = await factory.FollowUpAsync(desk.Filed.Receipt);
        Assert.Contains("हामीले तपाईंको रिपोर्ट पायौं", worker.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reply_WithBothTemplateAndText_IsRefusedBesideTheField_WithoutTheWorkersWords_AndWritesNothing()
    {
        var desk = await DeskAsync(Intake(narrative: "secret words qz4410"));
        var response = await PostAsync(desk.Office.Admin, desk, "reply", ("template", "acknowledged"), ("text", "Hello"), ("action", "send"));

        await Http.EnsureStatusAsync(response, 400);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("id=\"text-error\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("qz4410", html, StringComparison.Ordinal);
        Assert.Contains("id=\"testimony-hidden\"", html, StringComparison.Ordinal);
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from grievance_messages where grievance_id = @id", ("id", desk.Id)));
    }

    [Fact]
    public async Task Triage_AddsAnIndicatorAndASubStatus_TheWorkerNeverSees()
    {
        var desk = await DeskAsync();
        var response = await PostAsync(desk.Office.Admin, desk, "triage", ("indicators", "FL08"), ("indicators", "FL09"), ("severity", "high"), ("subStatus", "visit booked qz3391"));
        await Http.EnsureStatusAsync(response, 303);

        var html = await PageAsync(desk.Office.Admin, desk.Url());
        Assert.Contains("visit booked qz3391", html, StringComparison.Ordinal);
        Assert.Matches(@"id=""indicators"">[^<]*FL08, FL09", html);
        Assert.DoesNotContain("qz3391", (await factory.FollowUpAsync(desk.Filed.Receipt)).ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Closing_ACaseFlaggedCh01_NeedsTheReviewNote_ThenCloses()
    {
        var desk = await DeskAsync(Intake(categories: ["under-18"]));
        var admin = desk.Office.Admin;
        await Http.EnsureStatusAsync(await PostAsync(admin, desk, "status", ("status", "acknowledged")), 303);

        var refused = await PostAsync(admin, desk, "status", ("status", "closed"));
        await Http.EnsureStatusAsync(refused, 400);
        Assert.Contains("id=\"review-error\"", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal("acknowledged", await factory.ScalarAsync<string>("select status from grievances where id = @id", ("id", desk.Id)));

        await Http.EnsureStatusAsync(await PostAsync(admin, desk, "status", ("status", "closed"), ("reviewNote", "Age checked with the labour office.")), 303);
        Assert.Equal("closed", await factory.ScalarAsync<string>("select status from grievances where id = @id", ("id", desk.Id)));
    }

    [Fact]
    public async Task Referral_NeedsTheWorkersConsentToItsKind_ThenIsTrackedWithItsFollowUp()
    {
        var desk = await DeskAsync(Intake(consent: new Dictionary<string, bool> { ["ngo"] = true }));
        var admin = desk.Office.Admin;
        var followUp = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).AddDays(7).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

        var withheld = await PostAsync(admin, desk, "referrals", ("organisation", "City police"), ("kind", "police"), ("followUpBy", followUp));
        await Http.EnsureStatusAsync(withheld, 409);
        Assert.Contains("not consented", await withheld.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var past = await PostAsync(admin, desk, "referrals", ("organisation", "Tenaganita"), ("kind", "ngo"), ("followUpBy", "2001-01-01"));
        await Http.EnsureStatusAsync(past, 400);
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from case_referrals where grievance_id = @id", ("id", desk.Id)));

        await Http.EnsureStatusAsync(await PostAsync(admin, desk, "referrals", ("organisation", "Tenaganita"), ("kind", "ngo"), ("followUpBy", followUp)), 303);
        var referral = await factory.ScalarAsync<Guid>("select id from case_referrals where grievance_id = @id", ("id", desk.Id));
        await Http.EnsureStatusAsync(await PostAsync(admin, desk, $"referrals/{referral}", ("state", "accepted")), 303);

        var html = await PageAsync(admin, desk.Url());
        Assert.Matches($@"Tenaganita</td><td>ngo</td><td>[0-9-]+</td><td>accepted</td>\s*<td>{followUp}", html);
    }

    [Fact]
    public async Task Remedy_IsRecordedFromTheCasePage_WithTheApisRules_AndListedThere()
    {
        var desk = await DeskAsync();
        var admin = desk.Office.Admin;

        var refused = await PostAsync(admin, desk, "remedies", ("kind", "wages-paid"), ("amount", "12.5"), ("currency", "XX"));
        await Http.EnsureStatusAsync(refused, 400);
        Assert.Contains("ISO 4217", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Http.EnsureStatusAsync(await PostAsync(admin, desk, "remedies", ("kind", "apology"), ("reimbursementId", Guid.NewGuid().ToString())), 400);
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from case_remedies where grievance_id = @id", ("id", desk.Id)));

        await Http.EnsureStatusAsync(await PostAsync(admin, desk, "remedies", ("kind", "wages-paid"), ("amount", "12.5"), ("currency", "MYR")), 303);
        var html = await PageAsync(admin, desk.Url());
        Assert.Matches(@"<td>wages-paid</td><td>12\.5 MYR</td><td></td><td>[0-9-]+</td>", html);
    }

    [Fact]
    public async Task AnOverdueReferralAndADueSoonCase_AreCountedInTheInbox()
    {
        var desk = await DeskAsync(Intake(consent: new Dictionary<string, bool> { ["ngo"] = true }));
        var admin = desk.Office.Admin;
        var followUp = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).AddDays(1).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        await Http.EnsureStatusAsync(await PostAsync(admin, desk, "referrals", ("organisation", "Tenaganita"), ("kind", "ngo"), ("followUpBy", followUp)), 303);
        factory.Clock.Advance(TimeSpan.FromDays(6.5));
        try
        {
            await using (var scope = factory.CreateScope())
            {
                await scope.ServiceProvider.GetRequiredService<GrievanceReminderJob>().RunForTenantAsync(desk.Tenant.TenantId, CancellationToken.None);
            }

            Assert.True(await factory.ScalarAsync<bool>("select due_soon from grievances where id = @id", ("id", desk.Id)));
            admin = await _people.SignInAsync(desk.Office.AdminEmail, totpKey: desk.Office.AdminTotpKey);
            var row = Rows(await PageAsync(admin, "/console/cases")).Single(r => r.Contains(desk.Filed.CaseReference, StringComparison.Ordinal));
            Assert.Contains("Due within a day", row, StringComparison.Ordinal);
            Assert.Contains("Referral follow-up overdue", row, StringComparison.Ordinal);
            Assert.Contains("At risk", row, StringComparison.Ordinal);
        }
        finally
        {
            factory.Clock.Advance(TimeSpan.FromDays(-6.5));
        }
    }

    [Fact]
    public async Task TheConsentPanel_ShowsEveryChangeTheWorkerMade_AtDayPrecision()
    {
        var desk = await DeskAsync(Intake(consent: new Dictionary<string, bool> { ["ngo"] = true }));
        await Http.EnsureStatusAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up/consent", new { receipt = desk.Filed.Receipt, consent = new Dictionary<string, bool> { ["ngo"] = false, ["labour-authority"] = true } }), 200);

        var html = await PageAsync(desk.Office.Admin, desk.Url());
        var history = Regex.Match(html, "<table id=\"consent-history\">.*?</table>", RegexOptions.Singleline).Value;
        var day = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Matches($"<td>{day}</td><td>ngo</td><td>Consented</td>.*<td>{day}</td><td>ngo</td><td>Not consented</td>", history.Replace("\n", string.Empty, StringComparison.Ordinal));
        Assert.Contains("<td>labour-authority</td><td>Consented</td>", history, StringComparison.Ordinal);
        Assert.DoesNotMatch(@"\d{2}:\d{2}", history);
    }

    [Fact]
    public async Task EmployerSidePeople_AreRefusedOnEveryCasePage()
    {
        var desk = await DeskAsync();
        foreach (var role in new[] { "owner", "compliance", "auditor" })
        {
            var (browser, _, _) = await _people.MemberSessionAsync(desk.Tenant, role);
            foreach (var url in new[] { "/console/cases", desk.Url(), desk.Url("internal"), desk.Url("private") })
            {
                var response = await browser.GetAsync(url);
                Assert.Equal(System.Net.HttpStatusCode.Forbidden, response.StatusCode);
                Assert.DoesNotContain("passport", await response.Content.ReadAsStringAsync(), StringComparison.OrdinalIgnoreCase);
            }
        }

        Assert.Equal(0L, await ReadsAsync(desk.Id));
    }

    [Fact]
    public async Task ACaseOfATenantTheOfficeIsNotLinkedTo_IsNotFound()
    {
        var desk = await DeskAsync();
        var stranger = await _people.SignUpOfficeAsync();
        var other = await factory.CreateTenantAsync();
        await PersonSessions.LinkAsync(other, stranger);

        await Http.EnsureStatusAsync(await stranger.Admin.GetAsync($"/console/cases/{desk.Id}?tenant={other.TenantId}"), 404);
        await Http.EnsureStatusAsync(await stranger.Admin.GetAsync(desk.Url()), 404);
        Assert.Equal(0L, await ReadsAsync(desk.Id));
    }

    private static List<string> Rows(string html) =>
        [.. Regex.Matches(Regex.Match(html, "<table id=\"inbox\">.*?</table>", RegexOptions.Singleline).Value, "<tr>.*?</tr>", RegexOptions.Singleline).Select(m => m.Value).Skip(1)];

    private static string CaseReferenceIn(string row) => Regex.Match(row, "WV-[A-Z0-9]+").Value;
}
