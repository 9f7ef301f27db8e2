using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Compliance.Api.Features.Enforcement;
using Compliance.Api.Features.Pages;
using Compliance.IntegrationTests.Enforcement;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Recruitment;
using Compliance.IntegrationTests.Risk;
using Compliance.IntegrationTests.WorkerVoice;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.Console;

/// <summary>
/// The console's employer and auditor pages (issue #19) over real HTTP and PostgreSQL, people signed in through the
/// real sign-in pages, data seeded through the API: each page's content, its policy (a refused role gets the 403 page),
/// another tenant's site as a 404, and no testimony or time of day on any page (DNH-3, DNH-4).
/// </summary>
public partial class EmployerPagesTests(EscalationApiFactory factory) : IClassFixture<EscalationApiFactory>
{
    private static readonly string[] EmployerRoutes =
    [
        "/console/sites", "/console/statistics", "/console/escalations", "/console/corrective-actions", "/console/remediation",
        "/console/audits", "/console/access-log", "/console/odata",
    ];

    private static readonly string[] TenantReportsRoutes = ["/console/statistics", "/console/escalations", "/console/access-log"];

    private readonly PersonSessions _sessions = new(factory);

    private async Task RunRiskAsync(TestTenant tenant)
    {
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsync("/api/v1/risk-assessments/run", null), 202);
        await factory.RunEnqueuedJobsAsync(tenant.TenantId);
    }

    private static async Task<string> PageAsync(HttpClient browser, string url, int status = 200)
    {
        var response = await browser.GetAsync(url);
        await Http.EnsureStatusAsync(response, status);
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.StartsWith("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        return await response.Content.ReadAsStringAsync();
    }

    private async Task<HttpClient> MemberAsync(TestTenant tenant, string role, Guid? supplierId = null) =>
        (await _sessions.MemberSessionAsync(tenant, role, supplierId)).Browser;

    [Fact]
    public async Task Sites_ListCriticalFirst_AndASitePageExplainsItsLevel_WithAChartAndATableOfTheSameNumbers()
    {
        var tenant = await factory.CreateTenantAsync();
        var quiet = await tenant.CreateSiteAsync();
        var (critical, _) = await tenant.CriticalSiteAsync();
        await RunRiskAsync(tenant);
        var api = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{critical}/risk"));
        var explanation = api.GetProperty("evidence")[0].GetProperty("explanation").GetString()!;
        var criticalName = (await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{critical}"))).GetProperty("name").GetString()!;
        var quietName = (await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{quiet.Id}"))).GetProperty("name").GetString()!;

        var browser = await MemberAsync(tenant, "compliance");
        var list = await PageAsync(browser, "/console/sites");
        Assert.True(list.IndexOf(criticalName, StringComparison.Ordinal) < list.IndexOf(quietName, StringComparison.Ordinal), "Critical sites come first.");
        Assert.Contains("<span class=\"badge level-critical\">Critical</span>", list, StringComparison.Ordinal);
        Assert.Contains($"href=\"/console/sites/{critical}\"", list, StringComparison.Ordinal);

        var page = await PageAsync(browser, $"/console/sites/{critical}");
        Assert.Contains(WebUtility.HtmlEncode(explanation), page, StringComparison.Ordinal);
        Assert.Contains("CH01", page, StringComparison.Ordinal);
        Assert.Contains(api.GetProperty("modelVersion").GetString()!, page, StringComparison.Ordinal);
        Assert.Matches("<svg [^>]*role=\"img\"[^>]*><title id=\"risk-history-title\">", page);
        Assert.Contains("<table id=\"history-table\">", page, StringComparison.Ordinal);
        Assert.Matches(@"<tr><th scope=""row"">\d{4}-\d{2}-\d{2}</th><td><span class=""badge level-critical"">Critical</span></td><td>" + api.GetProperty("score").GetInt32(), page);
        Assert.DoesNotContain("style=", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SitePage_FlagsACleanAuditAgainstWorkerReports_WithoutTheCountOrTheirWords()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        await tenant.RecordAuditAsync(site.Id);
        const string words = "They lock the dormitory gate every night qz4417";
        await tenant.FileGrievanceAsync(Intake(categories: ["cannot-leave"], narrative: words), site);
        factory.Clock.Advance(TimeSpan.FromDays(1)); // assessments count grievances of past days only
        await RunRiskAsync(tenant);

        var page = await PageAsync(await MemberAsync(tenant, "owner"), $"/console/sites/{site.Id}");
        Assert.Contains("id=\"discrepancy-flag\"", page, StringComparison.Ordinal);
        Assert.Contains("clean-audit-vs-worker-reports", page, StringComparison.Ordinal);
        Assert.Contains("fewer than 5", page, StringComparison.Ordinal);
        Assert.DoesNotContain("qz4417", page, StringComparison.Ordinal);
        Assert.DoesNotMatch(TimeOfDay(), page);
    }

    [Fact]
    public async Task AnotherTenantsSite_IsTheNotFoundPage()
    {
        var other = await factory.CreateTenantAsync();
        var (theirs, _) = await other.CriticalSiteAsync();
        var tenant = await factory.CreateTenantAsync();

        var page = await PageAsync(await MemberAsync(tenant, "compliance"), $"/console/sites/{theirs}", 404);
        Assert.Contains("Not found", page, StringComparison.Ordinal);
        await PageAsync(await MemberAsync(tenant, "auditor"), $"/console/sites/{Guid.NewGuid()}", 404);
    }

    [Fact]
    public async Task Supplier_SeesItsOwnSites_WithoutRiskLevels()
    {
        var tenant = await factory.CreateTenantAsync();
        var (critical, supplier) = await tenant.CriticalSiteAsync();
        var (otherSite, _) = await tenant.CriticalSiteAsync();
        await RunRiskAsync(tenant);

        var browser = await MemberAsync(tenant, "supplier", supplier);
        var list = await PageAsync(browser, "/console/sites");
        Assert.Contains($"/console/sites/{critical}", list, StringComparison.Ordinal);
        Assert.DoesNotContain(otherSite.ToString(), list, StringComparison.Ordinal);
        Assert.DoesNotContain("level-critical", list, StringComparison.Ordinal);
        var page = await PageAsync(browser, $"/console/sites/{critical}");
        Assert.DoesNotContain("CH01", page, StringComparison.Ordinal);
        await PageAsync(browser, $"/console/sites/{otherSite}", 404);
    }

    [Fact]
    public async Task Statistics_AreChartsAndTables_KSuppressed_EachLabelledAsReportingNotPrevalence()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        for (var i = 0; i < 5; i++)
        {
            await tenant.FileGrievanceAsync(Intake(categories: ["documents-held"], narrative: $"statistics words {i} qz9931"), site);
        }

        await tenant.FileGrievanceAsync(Intake(categories: ["owe-money"], narrative: "alone at a small site qz9931"));
        factory.Clock.Advance(TimeSpan.FromDays(35)); // the month is complete

        var page = await PageAsync(await MemberAsync(tenant, "compliance"), "/console/statistics");
        Assert.Equal(3, Regex.Count(page, "<svg "));
        Assert.Equal(3, Regex.Count(page, Regex.Escape("<figcaption class=\"label-note\">Counts measure reporting, not prevalence.</figcaption>")));
        Assert.Contains("<th scope=\"row\">documents-held</th><td>5</td>", page, StringComparison.Ordinal);
        Assert.Contains("<th scope=\"row\">owe-money</th><td>fewer than 5</td>", page, StringComparison.Ordinal);
        Assert.Contains("id=\"stats-total\">5<", page, StringComparison.Ordinal);
        Assert.DoesNotContain(">1<", page, StringComparison.Ordinal);
        Assert.DoesNotContain("qz9931", page, StringComparison.Ordinal);
        Assert.DoesNotMatch(TimeOfDay(), page);
    }

    [Fact]
    public async Task Statistics_FilterBySiteAndPeriod_WithTheApisRules_AndRefuseABadFilterNamingIt()
    {
        var tenant = await factory.CreateTenantAsync();
        var busy = await tenant.CreateSiteAsync();
        var quiet = await tenant.CreateSiteAsync();
        for (var i = 0; i < 5; i++)
        {
            await tenant.FileGrievanceAsync(Intake(categories: ["documents-held"]), busy);
        }

        // Only complete months are released: the filing month, once it is over.
        var filed = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        var month = new DateOnly(filed.Year, filed.Month, 1);
        var window = $"from={month:yyyy-MM-dd}&to={month.AddMonths(1).AddDays(-1):yyyy-MM-dd}";
        factory.Clock.Advance(TimeSpan.FromDays(35));
        var compliance = await MemberAsync(tenant, "compliance");
        Assert.Contains("<th scope=\"row\">documents-held</th><td>5</td>", await PageAsync(compliance, $"/console/statistics?{window}&siteId={busy.Id}"), StringComparison.Ordinal);
        Assert.DoesNotContain("<td>5</td>", await PageAsync(compliance, $"/console/statistics?{window}&siteId={quiet.Id}"), StringComparison.Ordinal);

        var refused = await PageAsync(compliance, "/console/statistics?from=2026-13-01&to=2026-01-01", 400);
        Assert.Contains("id=\"from-error\"", refused, StringComparison.Ordinal);
        Assert.Contains("id=\"from-error\"", await PageAsync(compliance, "/console/statistics?from=2026-02-01&to=2026-01-01", 400), StringComparison.Ordinal);

        var other = await factory.CreateTenantAsync();
        var otherSite = await other.CreateSiteAsync();
        await PageAsync(compliance, $"/console/statistics?siteId={otherSite.Id}", 404);
    }

    [Fact]
    public async Task Escalations_ShowEveryDeliveryAttempt_WithItsStatusAndDay()
    {
        var tenant = await factory.CreateTenantAsync();
        var path = $"/hooks/{Guid.NewGuid():N}";
        factory.Destination.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        await Http.IdAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/escalation-destinations", new
        {
            name = "Child protection MY",
            kind = "child-protection",
            jurisdiction = "MY",
            url = $"http://127.0.0.1:{factory.Destination.Port}{path}",
            signingSecret = "test-signing-secret-0123456789-abcdefghij",
            minimumLevel = "critical",
            active = true,
        }));
        var (site, _) = await tenant.CriticalSiteAsync();
        await RunRiskAsync(tenant);
        var escalations = await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/escalations"));
        Assert.Equal(1, escalations.GetProperty("totalCount").GetInt32());

        var page = await PageAsync(await MemberAsync(tenant, "auditor"), "/console/escalations");
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"<li>Attempt 1: {today}, HTTP 200</li>", page, StringComparison.Ordinal);
        Assert.Contains("delivered", page, StringComparison.Ordinal);
        Assert.Contains("<span class=\"badge level-critical\">Critical</span>", page, StringComparison.Ordinal);
        Assert.DoesNotMatch(TimeOfDay(), page);
        Assert.DoesNotContain(site.ToString(), page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CorrectiveActions_ListOnlyOpenActionsPastTheirDueDate()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var audit = await tenant.RecordAuditAsync(site.Id);
        var finding = await tenant.RecordFindingAsync(audit, "FL08", "high", description: "Wages paid late");
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        async Task<Guid> ActionAsync(string description, DateOnly due) =>
            await Http.IdAsync(await tenant.Owner.PostAsJsonAsync($"/api/v1/findings/{finding}/corrective-actions", new { description, dueOn = due }));
        await ActionAsync("Pay the arrears overdue-7731", today.AddDays(-10));
        await ActionAsync("Publish pay slips future-7732", today.AddDays(10));
        var done = await ActionAsync("Fix the clock done-7733", today.AddDays(-3));
        await Http.EnsureStatusAsync(await tenant.Owner.PatchAsJsonAsync($"/api/v1/corrective-actions/{done}", new { status = "done" }), 200);

        var page = await PageAsync(await MemberAsync(tenant, "compliance"), "/console/corrective-actions");
        Assert.Contains("overdue-7731", page, StringComparison.Ordinal);
        Assert.Contains("<td>10</td>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("future-7732", page, StringComparison.Ordinal);
        Assert.DoesNotContain("done-7733", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Remediation_ShowsOwedRepaidAndOutstanding_PerSupplier()
    {
        var tenant = await factory.CreateTenantAsync();
        var supplier = await tenant.CreateSupplierAsync("Glove Maker Sdn Bhd 5521");
        var site = await tenant.CreateSiteAsync(supplier);
        var worker = await tenant.CreateWorkerAsync(site.Id);
        await tenant.PostAsync(worker, "fees", RecruitmentData.FeeBody(amount: 1500m));
        await tenant.PostAsync(worker, "reimbursements", new JsonObject { ["amount"] = 500m, ["currency"] = "MYR", ["paidOn"] = "2026-10-01", ["reference"] = "R1" });

        var page = await PageAsync(await MemberAsync(tenant, "owner"), "/console/remediation");
        Assert.Contains("<th scope=\"row\">Glove Maker Sdn Bhd 5521</th><td>MYR</td><td>1</td><td>1,500.00</td><td>500.00</td><td>1,000.00</td>", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Audits_ShowFindingsAndCorrectiveActions_ReadOnly()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var audit = await tenant.RecordAuditAsync(site.Id);
        var finding = await tenant.RecordFindingAsync(audit, "FL07", "critical", description: "Passports kept in the office safe 6620");
        await Http.IdAsync(await tenant.Owner.PostAsJsonAsync($"/api/v1/findings/{finding}/corrective-actions", new { description = "Return every passport 6621", dueOn = "2026-12-01" }));

        var page = await PageAsync(await MemberAsync(tenant, "auditor"), "/console/audits");
        Assert.Contains("Fair Audit Sdn Bhd", page, StringComparison.Ordinal);
        Assert.Contains("FL07 Retention of identity documents", page, StringComparison.Ordinal);
        Assert.Contains("Passports kept in the office safe 6620", page, StringComparison.Ordinal);
        Assert.Contains("Return every passport 6621", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<form", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AccessLog_ListsEachReadOfTestimony_ByDay_NeverTheWords()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(Intake(narrative: "My agent keeps my passport qz5580"));
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);
        await Http.EnsureStatusAsync(await handler.GetAsync($"/api/v1/grievances/{id}"), 200);

        var page = await PageAsync(await MemberAsync(tenant, "auditor"), "/console/access-log");
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Contains($"<tr><th scope=\"row\">{today}</th><td>{filed.CaseReference}</td><td>case-handler key</td>", page, StringComparison.Ordinal);
        Assert.DoesNotContain("qz5580", page, StringComparison.Ordinal);
        Assert.DoesNotMatch(TimeOfDay(), page);
    }

    [Fact]
    public async Task ODataPage_ShowsTheFeedUrl_AndTheBearerHeader()
    {
        var tenant = await factory.CreateTenantAsync();

        var page = await PageAsync(await MemberAsync(tenant, "auditor"), "/console/odata");
        Assert.Contains("<code class=\"key\" id=\"feed-url\">https://localhost/odata</code>", page, StringComparison.Ordinal);
        Assert.Contains("Authorization: Bearer &lt;key&gt;", page, StringComparison.Ordinal);
        Assert.Contains("https://localhost/odata/NarrativeAccessLog", page, StringComparison.Ordinal);
    }

    /// <summary>
    /// The dossier page (issue #22 in the console): owner and compliance see the tenant's dossiers with their hash and
    /// links that work in the same session (the signed bytes hash to the listed SHA-256); another tenant's dossier is not
    /// listed; supplier and auditor get the 403 page. Named mutation: <c>Policies.ComplianceAdmin</c> to
    /// <c>Policies.EmployerRead</c> on the page (the supplier gets 200).
    /// </summary>
    [Fact]
    public async Task Dossiers_ListTheTenantsOwn_WithWorkingLinks_ForOwnerAndComplianceOnly()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.EvidenceSiteAsync();
        var made = await tenant.CreateDossierAsync(DossierIntents.Request("cbp-19cfr12.42", site.SiteId));
        var id = made.GetProperty("id").GetGuid();
        var sha = made.GetProperty("sha256").GetString()!;
        var other = await factory.CreateTenantAsync();
        var otherSha = (await other.CreateDossierAsync(DossierIntents.Request("cbp-19cfr12.42", (await other.EvidenceSiteAsync()).SiteId))).GetProperty("sha256").GetString()!;
        var siteName = (await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{site.SiteId}"))).GetProperty("name").GetString()!;

        foreach (var role in new[] { "owner", "compliance" })
        {
            var browser = await MemberAsync(tenant, role);
            var page = await PageAsync(browser, EmployerPages.Dossiers);
            Assert.Contains("<a href=\"/console/dossiers\"", page, StringComparison.Ordinal);
            Assert.Contains($"<code class=\"key\">{sha}</code>", page, StringComparison.Ordinal);
            Assert.Contains($"<td>{WebUtility.HtmlEncode(DossierRegime.For("cbp-19cfr12.42").Title)}</td><td>{WebUtility.HtmlEncode(siteName)}</td><td>{DossierIntents.PeriodFrom} – {DossierIntents.PeriodTo}</td>", page, StringComparison.Ordinal);
            Assert.DoesNotContain(otherSha, page, StringComparison.Ordinal);
            foreach (var file in new[] { "html", "pdf", "json" })
            {
                Assert.Contains($"href=\"/api/v1/dossiers/{id}.{file}\"", page, StringComparison.Ordinal);
            }

            var bytes = await (await browser.GetAsync($"/api/v1/dossiers/{id}.json")).Content.ReadAsByteArrayAsync();
            Assert.Equal(sha, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        }

        foreach (var (role, supplier) in new[] { ("supplier", (Guid?)site.SupplierId), ("auditor", null) })
        {
            var page = await PageAsync(await MemberAsync(tenant, role, supplier), EmployerPages.Dossiers, 403);
            Assert.Contains("Not allowed", page, StringComparison.Ordinal);
            Assert.DoesNotContain(sha, page, StringComparison.Ordinal);
        }

        Assert.Contains(">No dossiers yet.<", await PageAsync(await MemberAsync(await factory.CreateTenantAsync(), "compliance"), EmployerPages.Dossiers), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ARefusedRole_GetsThe403Page_OnEveryEmployerPage()
    {
        var tenant = await factory.CreateTenantAsync();
        var (site, supplier) = await tenant.CriticalSiteAsync();
        var office = await _sessions.OfficeOfAsync(tenant);
        foreach (var route in EmployerRoutes.Append($"/console/sites/{site}"))
        {
            var page = await PageAsync(office.Admin, route, 403);
            Assert.Contains("Not allowed", page, StringComparison.Ordinal);
        }

        var supplierBrowser = await MemberAsync(tenant, "supplier", supplier);
        foreach (var route in TenantReportsRoutes)
        {
            Assert.Contains("Not allowed", await PageAsync(supplierBrowser, route, 403), StringComparison.Ordinal);
        }

        var signedOut = _sessions.Browser();
        var response = await signedOut.GetAsync("/console/sites");
        Assert.Equal(HttpStatusCode.SeeOther, response.StatusCode);
        Assert.Equal("/console/sign-in", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Dnh3Dnh4_NoPage_ShowsATimeOfDay_OrTestimony_ToAnyEmployerSideRole()
    {
        var tenant = await factory.CreateTenantAsync();
        const string words = "The night supervisor took my phone qz3318";
        var filed = await tenant.FileGrievanceAsync(Intake(categories: ["no-contact-outside"], narrative: words));
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);
        await Http.EnsureStatusAsync(await handler.GetAsync($"/api/v1/grievances/{id}"), 200);
        await Http.EnsureStatusAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/replies", new { text = "We hear you qz3319" }), 201);
        var audit = await tenant.RecordAuditAsync(filed.SiteId);
        await tenant.RecordFindingAsync(audit, "FL04", "high", description: "Phones collected at the gate");
        await RunRiskAsync(tenant);

        foreach (var role in new[] { "owner", "compliance", "auditor" })
        {
            var browser = await MemberAsync(tenant, role);
            foreach (var route in EmployerRoutes.Append($"/console/sites/{filed.SiteId}"))
            {
                var page = await PageAsync(browser, route);
                Assert.DoesNotMatch(TimeOfDay(), page);
                Assert.DoesNotContain("qz3318", page, StringComparison.Ordinal);
                Assert.DoesNotContain("qz3319", page, StringComparison.Ordinal);
                Assert.DoesNotContain("style=", page, StringComparison.Ordinal);
                Assert.DoesNotContain("<script", page, StringComparison.Ordinal);
            }
        }
    }

    [GeneratedRegex(@"\d{2}:\d{2}")]
    private static partial Regex TimeOfDay();
}
