using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.WorkerVoice;

/// <summary>
/// DNH-9, "shown once" asserted rather than named: after the response that files a report, no page and no response
/// carries the receipt again, neither to the worker (follow-up pages and API, messages, consent) nor to anyone else
/// (case handling, statistics, the access log, the OData feed), in any of its written forms (grouped or bare digits).
/// Mutation that fails it: in <c>WorkerIntake.ViewAsync</c> (or the follow-up page's model), add the receipt to what the
/// worker sees, e.g. a "your receipt is" line on <c>follow-up-result.sbn</c>.
/// </summary>
public partial class ReceiptShownOnceTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    [Fact]
    public async Task Dnh9_TheReceipt_IsShownOnlyInTheFilingResponse_NeverAgainAnywhere()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var worker = factory.Client();

        // Filed from the page: the receipt page is the one place it appears.
        var page = await (await worker.PostAsync($"/v/{site.IntakeCode}/en", Form(("language", "en"), ("categories", "owe-money"), ("narrative", "I owe the agent money")))).Content.ReadAsStringAsync();
        var pageReceipt = ReceiptOnPage().Match(page).Groups[1].Value;
        Assert.Matches(@"^\d{4}( \d{4}){4}$", pageReceipt);

        // Filed through the API: the 201 body is the one place it appears.
        var filed = await tenant.FileGrievanceAsync(site: site);
        Assert.Matches(@"^\d{4}( \d{4}){4}$", filed.Receipt);

        var seen = new List<(string What, string Body)>();
        async Task Read(string what, HttpResponseMessage response) => seen.Add((what, $"{(int)response.StatusCode} {string.Join(' ', response.Headers.Select(h => $"{h.Key}: {string.Join(',', h.Value)}"))} {await response.Content.ReadAsStringAsync()}"));

        foreach (var receipt in new[] { pageReceipt, filed.Receipt })
        {
            await Read("follow-up page", await worker.PostAsync("/v/follow-up?lang=en", Form(("receipt", receipt))));
            await Read("message page", await worker.PostAsync("/v/follow-up/messages?lang=en", Form(("receipt", receipt), ("message", "More to say"))));
            await Read("consent page", await worker.PostAsync("/v/follow-up/consent?lang=en", Form(("receipt", receipt), ("consent", "ngo"))));
            await Read("follow-up API", await worker.PostAsJsonAsync("/api/v1/intake/follow-up", new { receipt }));
            await Read("message API", await worker.PostAsJsonAsync("/api/v1/intake/follow-up/messages", new { receipt, message = "Still waiting" }));
            await Read("consent API", await worker.PostAsJsonAsync("/api/v1/intake/follow-up/consent", new { receipt, consent = new { ngo = true } }));
        }

        Assert.All(seen.Where(s => s.What.EndsWith("page", StringComparison.Ordinal)), s => Assert.StartsWith("200", s.Body, StringComparison.Ordinal));

        // The follow-up page's own forms work without the receipt: they carry a session token that expires.
        var followUp = seen.First(s => s.What == "follow-up page").Body;
        var session = SessionOnPage().Match(followUp).Groups[1].Value;
        Assert.NotEmpty(session);
        await Read("message by session", await worker.PostAsync("/v/follow-up/messages?lang=en", Form(("session", session), ("message", "Sent from the page"))));
        Assert.Contains("Sent from the page", seen[^1].Body, StringComparison.Ordinal);
        factory.Clock.Advance(Compliance.Api.Features.WorkerVoice.FollowUpSessions.Lifetime + TimeSpan.FromMinutes(1));
        var stale = await worker.PostAsync("/v/follow-up/messages?lang=en", Form(("session", session), ("message", "Too late")));
        Assert.Equal(System.Net.HttpStatusCode.NotFound, stale.StatusCode);
        var handler = await tenant.ClientAsync("case-handler");
        var cases = await Http.JsonAsync(await handler.GetAsync("/api/v1/grievances"));
        await Read("case list", await handler.GetAsync("/api/v1/grievances"));
        foreach (var item in cases.GetProperty("items").EnumerateArray())
        {
            await Read("case", await handler.GetAsync($"/api/v1/grievances/{item.GetProperty("id").GetGuid()}"));
        }

        var owner = tenant.Owner;
        var auditor = await tenant.ClientAsync("auditor");
        await Read("statistics", await owner.GetAsync("/api/v1/grievance-statistics"));
        await Read("access log", await owner.GetAsync("/api/v1/narrative-access-log"));
        await Read("OData access log", await auditor.GetAsync("/odata/NarrativeAccessLog"));
        await Read("OData statistics", await auditor.GetAsync("/odata/GrievanceStatistics"));

        Assert.Equal(2, cases.GetProperty("items").GetArrayLength());
        foreach (var receipt in new[] { pageReceipt, filed.Receipt })
        {
            var bare = receipt.Replace(" ", string.Empty, StringComparison.Ordinal);
            var leaks = seen.Where(s => s.Body.Contains(receipt, StringComparison.Ordinal) || s.Body.Contains(bare, StringComparison.Ordinal)).Select(s => s.What).ToList();
            Assert.True(leaks.Count == 0, $"The receipt appeared again in: {string.Join(", ", leaks)}");
        }
    }

    [GeneratedRegex(@"name=""session"" value=""([A-Za-z0-9_-]+)""")]
    private static partial Regex SessionOnPage();

    [GeneratedRegex(@"class=""receipt"">([\d ]+)<")]
    private static partial Regex ReceiptOnPage();
}
