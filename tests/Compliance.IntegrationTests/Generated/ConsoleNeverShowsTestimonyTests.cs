using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Compliance.Api.Infrastructure.Auth;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.WorkerVoice;
using Xunit.Abstractions;

namespace Compliance.IntegrationTests.Generated;

/// <summary>
/// Issue #19, generated: every console page (every GET under <c>/console</c>, read from the
/// <see cref="Microsoft.AspNetCore.Routing.EndpointDataSource"/>) opened by every employer-side person (owner,
/// compliance, supplier, auditor) with real ids of a tenant whose case holds a narrative, a worker's message, a reply and
/// an office note, each carrying a canary. No page shows any canary; each answers 200 where the page's declared policy
/// allows the role and 403 where it does not. A page whose ids this suite cannot supply fails it, so a new console page
/// is covered the day it ships. The same pages opened by the office's admin show the canaries (the probe can see them).
/// Mutation that fails it (tried): <c>Policies.CaseHandler</c> → <c>Policies.EmployerRead</c> on the case pages' group in
/// <c>CasePages.Map</c>.
/// </summary>
public partial class ConsoleNeverShowsTestimonyTests(ComplianceApiFactory factory, ITestOutputHelper output) : IClassFixture<ComplianceApiFactory>
{
    private static readonly string[] Canaries = ["Narrative-c4n4ry", "Message-c4n4ry", "Reply-c4n4ry", "Note-c4n4ry"];

    [Fact]
    public async Task NoConsolePage_ShowsTestimony_ToAnEmployerSidePerson_AndEachAnswersAsItsPolicySays()
    {
        var people = new PersonSessions(factory);
        var tenant = await factory.CreateTenantAsync();
        var office = await people.OfficeOfAsync(tenant);
        var filed = await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(narrative: "Narrative-c4n4ry: the agent keeps our passports", consent: new Dictionary<string, bool> { ["ngo"] = true }));
        await Http.EnsureStatusAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up/messages", new { receipt = filed.Receipt, message = "Message-c4n4ry" }), 200);
        var handler = await tenant.ClientAsync("case-handler");
        var caseId = await handler.GrievanceIdAsync(filed.CaseReference);
        await Http.EnsureStatusAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{caseId}/replies", new { text = "Reply-c4n4ry" }), 201);
        await Http.IdAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{caseId}/notes", new { visibility = "internal", text = "Note-c4n4ry" }));

        var ids = new Dictionary<string, Guid> { ["cases"] = caseId, ["sites"] = filed.SiteId, ["suppliers"] = filed.SupplierId };
        var pages = (await Endpoints.ListAsync(factory.Services, ["/console"]))
            .Where(e => e.Method == "GET" && !e.Anonymous && !e.Pattern.EndsWith(".css", StringComparison.Ordinal) && !e.Pattern.EndsWith(".js", StringComparison.Ordinal))
            .ToList();
        var sessions = new Dictionary<string, HttpClient>();
        foreach (var role in new[] { Roles.Owner, Roles.Compliance, Roles.Auditor })
        {
            sessions[role] = (await people.MemberSessionAsync(tenant, role)).Browser;
        }

        sessions[Roles.Supplier] = (await people.MemberSessionAsync(tenant, Roles.Supplier, filed.SupplierId)).Browser;

        var failures = new List<string>();
        var requests = 0;
        foreach (var page in pages)
        {
            if (!TryUrl(page.Pattern, ids, tenant.TenantId, out var url, out var missing))
            {
                failures.Add($"GET {page.Pattern}: no id for '{missing}' (add it to this test)");
                continue;
            }

            foreach (var (role, browser) in sessions)
            {
                requests++;
                using var response = await browser.GetAsync(url);
                var body = await response.Content.ReadAsStringAsync();
                foreach (var canary in Canaries.Where(c => body.Contains(c, StringComparison.Ordinal)))
                {
                    failures.Add($"GET {url} as {role} shows {canary}");
                }

                var expected = page.Allowed is { } allowed && !allowed.Contains(role) ? HttpStatusCode.Forbidden : HttpStatusCode.OK;
                if (response.StatusCode != expected)
                {
                    failures.Add($"GET {url} as {role}: {(int)response.StatusCode}, expected {(int)expected}");
                }
            }
        }

        // The probe can see testimony where it is meant to be seen: the office's own case page shows every canary but the
        // note (a note is on the notes tab), and the internal-notes tab shows the note.
        var caseUrl = $"/console/cases/{caseId}?tenant={tenant.TenantId}";
        var seen = await office.Admin.GetStringAsync(caseUrl) + await office.Admin.GetStringAsync(caseUrl + "&tab=internal");
        Assert.All(Canaries, c => Assert.Contains(c, seen, StringComparison.Ordinal));

        output.WriteLine($"console: {requests} requests over {pages.Count} pages by {sessions.Count} employer-side people");
        Assert.True(pages.Count >= 2, "the console's pages were not found");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    private static bool TryUrl(string pattern, Dictionary<string, Guid> ids, Guid tenant, out string url, out string missing)
    {
        string? gap = null;
        url = Parameter().Replace(pattern, m =>
        {
            var segment = m.Groups["segment"].Value;
            if (ids.TryGetValue(segment, out var id))
            {
                return $"/{segment}/{id}";
            }

            gap ??= segment;
            return m.Value;
        });
        url += "?tenant=" + tenant;
        missing = gap ?? string.Empty;
        return gap is null;
    }

    [GeneratedRegex(@"/(?<segment>[a-z-]+)/\{[^}]+\}")]
    private static partial Regex Parameter();
}
