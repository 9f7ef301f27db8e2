using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Recruitment;
using UglyToad.PdfPig;
using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.Effectiveness;

/// <summary>
/// The effectiveness review (issue #21) over a tenant seeded only through the API: intake, the office's handling
/// routes, the worker's follow-up and survey, with clocks met and missed by moving the test clock. Every metric is
/// checked against the figure computed by hand below. This class owns its clock: only the seeding test moves it.
/// </summary>
public class EffectivenessReviewTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private static readonly TimeSpan Day = TimeSpan.FromDays(1);

    private sealed record Expected(string Metric, string? Key, int? Count, int? Of, decimal? Value);

    /// <summary>
    /// November 2026 at site S1 (supplier "A", 20 active workers), ten cases filed on 2 Nov; S2 (supplier "B") has two:
    /// <list type="bullet">
    /// <item>A1–A5 (English, consent to an NGO) at 09:00: acknowledged 3 Nov (1 day, on time), replied 4 Nov (2 days),
    /// the worker reads the reply and writes again 5 Nov, referred to an NGO 5 Nov, wages paid (100 MYR each) 5 Nov,
    /// closed 17 Nov (15 days), survey 18 Nov: satisfied 4 of 5, "yes" something bad happened.</item>
    /// <item>A6–A10 (Nepali) at 09:01, so each repeats FL08 at the site after A1–A5: the worker checks the receipt on 3 Nov
    /// before any reply, acknowledged 11 Nov (9 days: late), replied 12 Nov (10 days), resolved 14 Nov, reopened 15 Nov.</item>
    /// <item>S2: two cases (a unit under 5), one closed and answered, one remedy: all withheld.</item>
    /// </list>
    /// Hand-computed for 2026-11 (nearest-rank percentiles: median = 5th of 10, p90 = 9th of 10):
    /// </summary>
    private static readonly Expected[] November =
    [
        new("reports", null, 10, null, null),
        new("reports-per-100-workers", null, 10, 20, 50.0m),
        new("sites-with-no-report", null, 1, 2, null),
        new("channel", "api", 10, 10, 100.0m), // filed through the JSON intake API, which records "api" since #20
        new("channel", "web", null, 10, null),
        new("channel", "sms", null, 10, null),
        new("language", "en", 5, 10, 50.0m),
        new("language", "ne", 5, 10, 50.0m),
        new("language", "ms", null, 10, null),
        new("days-to-acknowledge", "median", 10, null, 1),
        new("days-to-acknowledge", "p90", 10, null, 9),
        new("days-to-first-reply", "median", 10, null, 2),
        new("days-to-first-reply", "p90", 10, null, 10),
        new("days-to-close", "median", 5, null, 15),
        new("days-to-close", "p90", 5, null, 15),
        new("acknowledged-on-time", null, 5, 10, 50.0m),
        new("feedback-within-3-months", null, 10, 10, 100.0m),
        new("reply-seen", null, 5, 10, 50.0m),
        new("receipt-used-again", null, 10, 10, 100.0m),
        new("worker-wrote-again", null, 5, 10, 50.0m),
        new("own-language", null, 5, 10, 50.0m),
        new("referred-ngo", null, 5, 10, 50.0m),
        new("escalated-or-referred", null, 5, 10, 50.0m),
        new("remedies", "wages-paid", 5, 5, 100.0m),
        new("remedies", "apology", null, 5, null),
        new("remedy-amount", "MYR", 5, null, 500m),
        new("survey-answers", null, 5, null, null),
        new("satisfaction", "4", 5, 5, 100.0m),
        new("satisfaction", "1", null, 5, null),
        new("satisfaction-mean", null, 5, null, 4.00m),
        new("reprisal", "yes", 5, 5, 100.0m),
        new("reprisal", "no", null, 5, null),
        new("repeat-indicator", null, 5, 10, 50.0m),
        new("reopened", null, 5, 10, 50.0m),
    ];

    private static JsonElement Metric(JsonElement group, string metric, string? key) =>
        group.GetProperty("metrics").EnumerateArray().Single(m =>
            m.GetProperty("metric").GetString() == metric && (m.GetProperty("key").ValueKind == JsonValueKind.Null ? null : m.GetProperty("key").GetString()) == key);

    private static int? Int(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetInt32();

    private static decimal? Dec(JsonElement e, string name) => e.GetProperty(name).ValueKind == JsonValueKind.Null ? null : e.GetProperty(name).GetDecimal();

    private static void AssertFigures(JsonElement group, IEnumerable<Expected> expected)
    {
        foreach (var x in expected)
        {
            var m = Metric(group, x.Metric, x.Key);
            Assert.True(
                (x.Count, x.Of, x.Value) == (Int(m, "count"), Int(m, "of"), Dec(m, "value")),
                $"{x.Metric}:{x.Key} expected count {x.Count}, of {x.Of}, value {x.Value}; got {m}");
        }
    }

    [Fact]
    public async Task Review_OfATenantSeededThroughTheApi_MatchesEveryHandComputedMetric_InRestODataHtmlAndPdf()
    {
        var tenant = await factory.CreateTenantAsync();
        var supplierA = await tenant.CreateSupplierAsync("A supplier");
        var supplierB = await tenant.CreateSupplierAsync("B supplier");
        var s1 = await tenant.CreateSiteAsync(supplierA);
        var s2 = await tenant.CreateSiteAsync(supplierB);
        for (var i = 0; i < 20; i++)
        {
            await tenant.CreateWorkerAsync(s1.Id);
        }

        var handler = await tenant.ClientAsync("case-handler");
        var first = new List<Filed>();
        for (var i = 0; i < 5; i++)
        {
            first.Add(await tenant.FileGrievanceAsync(Intake("en", ["wages-unpaid"], consent: new Dictionary<string, bool> { ["ngo"] = true }), s1));
        }

        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = new List<Filed>();
        for (var i = 0; i < 5; i++)
        {
            second.Add(await tenant.FileGrievanceAsync(Intake("ne", ["wages-unpaid"]), s1));
        }

        var small = new[] { await tenant.FileGrievanceAsync(Intake("en", ["wages-unpaid"]), s2), await tenant.FileGrievanceAsync(Intake("en", ["wages-unpaid"]), s2) };
        var id = new Dictionary<string, Guid>();
        foreach (var f in first.Concat(second).Concat(small))
        {
            id[f.Receipt] = await handler.GrievanceIdAsync(f.CaseReference);
        }

        async Task MoveAllAsync(IEnumerable<Filed> cases, string status)
        {
            foreach (var f in cases)
            {
                await Http.EnsureStatusAsync(await handler.MoveAsync(id[f.Receipt], status), 200);
            }
        }

        async Task ReplyAllAsync(IEnumerable<Filed> cases)
        {
            foreach (var f in cases)
            {
                await Http.EnsureStatusAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id[f.Receipt]}/replies", new { template = "in-progress" }), 201);
            }
        }

        // 3 Nov: A1–A5 acknowledged on time; A6–A10's workers check their receipts (no reply yet); S2 acknowledged.
        factory.Clock.Advance(Day);
        await MoveAllAsync(first, "acknowledged");
        await MoveAllAsync(small, "acknowledged");
        foreach (var f in second)
        {
            await factory.FollowUpAsync(f.Receipt);
        }

        // 4 Nov: A1–A5 get their first reply.
        factory.Clock.Advance(Day);
        await ReplyAllAsync(first);

        // 5 Nov: A1–A5's workers read the reply and write again; the office refers them to an NGO and records wages paid.
        factory.Clock.Advance(Day);
        foreach (var f in first)
        {
            Assert.Single((await factory.FollowUpAsync(f.Receipt)).GetProperty("replies").EnumerateArray());
            await Http.EnsureStatusAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up/messages", new { receipt = f.Receipt, message = "Thank you, it is not paid yet." }), 200);
            await Http.IdAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id[f.Receipt]}/referrals", new { organisation = "Tenaganita", kind = "ngo", followUpBy = "2026-12-31" }));
            await Http.IdAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id[f.Receipt]}/remedies", new { kind = "wages-paid", amount = 100m, currency = "MYR" }));
        }

        await Http.IdAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id[small[0].Receipt]}/remedies", new { kind = "apology" }));

        // 11 Nov: A6–A10 acknowledged 9 days after receipt (the 7-day clock missed); 12 Nov: replied.
        factory.Clock.Advance(6 * Day);
        await MoveAllAsync(second, "acknowledged");
        factory.Clock.Advance(Day);
        await ReplyAllAsync(second);

        // 14 Nov resolved, 15 Nov reopened.
        factory.Clock.Advance(2 * Day);
        await MoveAllAsync(second, "resolved");
        factory.Clock.Advance(Day);
        await MoveAllAsync(second, "in-progress");

        // 17 Nov: A1–A5 and one S2 case closed; 18 Nov: their workers answer the survey.
        factory.Clock.Advance(2 * Day);
        await MoveAllAsync(first, "closed");
        await MoveAllAsync(small[..1], "closed");
        factory.Clock.Advance(Day);
        foreach (var f in first)
        {
            var (answered, thanks) = await factory.AnswerSurveyAsync(f.Receipt, "4", "yes");
            Assert.Equal(200, answered);
            Assert.Contains("Your answers were saved", thanks);
        }

        Assert.Equal(200, (await factory.AnswerSurveyAsync(small[0].Receipt, "1", "no")).Status);

        // 2 Dec: November is complete.
        factory.Clock.Advance(14 * Day);
        var auditor = await tenant.ClientAsync("auditor");
        var november = await Http.JsonAsync(await auditor.GetAsync("/api/v1/effectiveness?period=2026-11"));
        Assert.Equal("2026-11-01", november.GetProperty("from").GetString());
        Assert.Equal("2026-11-30", november.GetProperty("to").GetString());
        Assert.Equal(5, november.GetProperty("minimumCellSize").GetInt32());
        Assert.True(november.GetProperty("reprisalFlag").GetBoolean());
        AssertFigures(november.GetProperty("tenant"), November);

        // The quarter and the year are made of whole months: the same figures (October and December have nothing released).
        foreach (var period in new[] { "2026-Q4", "2026" })
        {
            AssertFigures((await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/effectiveness?period={period}"))).GetProperty("tenant"), November);
        }

        // By supplier: A holds every released figure, B's unit under 5 shows nothing; by site, S1's rate per 100 workers.
        var bySupplier = await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/effectiveness?period=2026-11&groupBy=supplier"));
        var groups = bySupplier.GetProperty("groups").EnumerateArray().ToList();
        Assert.Equal([supplierA, supplierB], groups.Select(g => g.GetProperty("id").GetGuid()));
        AssertFigures(groups[0], November.Where(x => x.Metric != "sites-with-no-report"));
        AssertFigures(groups[0], [new("sites-with-no-report", null, 0, 1, null)]);
        AssertFigures(groups[1], [
            new("reports", null, null, null, null), new("sites-with-no-report", null, 1, 1, null), new("survey-answers", null, null, null, null),
            new("remedies", "apology", null, null, null), new("reprisal", "no", null, null, null), new("days-to-close", "median", null, null, null)]);
        var bySite = await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/effectiveness?period=2026-11&groupBy=site"));
        var site1 = bySite.GetProperty("groups").EnumerateArray().Single(g => g.GetProperty("id").GetGuid() == s1.Id);
        AssertFigures(site1, [new("reports-per-100-workers", null, 10, 20, 50.0m)]);

        // OData: the same released rows; $apply refused.
        var rows = await Http.JsonAsync(await auditor.GetAsync("/odata/EffectivenessMetrics?$filter=Period eq '2026-11' and GroupKind eq 'tenant' and Metric eq 'days-to-close'"));
        Assert.Equal([("median", 15m), ("p90", 15m)], rows.GetProperty("value").EnumerateArray().Select(r => (r.GetProperty("Key").GetString()!, r.GetProperty("Value").GetDecimal())).OrderBy(x => x.Item1));
        var supplierRows = await Http.JsonAsync(await auditor.GetAsync($"/odata/EffectivenessMetrics?$filter=SupplierId eq {supplierB}"));
        Assert.All(supplierRows.GetProperty("value").EnumerateArray(), r => Assert.Equal("sites-with-no-report", r.GetProperty("Metric").GetString()));
        var apply = await auditor.GetAsync("/odata/EffectivenessMetrics?$apply=aggregate(Count with sum as Total)");
        await Http.AssertProblemAsync(apply, 400);
        Assert.Contains("$apply is not allowed on EffectivenessMetrics", await apply.Content.ReadAsStringAsync());

        // The annual review: the company's conclusions stored and rendered, every section, a known figure.
        await Http.JsonAsync(await tenant.Owner.PutAsJsonAsync("/api/v1/effectiveness/review/2026/conclusions", new
        {
            conclusions = "Five workers reported reprisals: the mechanism is not yet safe.",
            measures = "Retrain supervisors at S1 by March.",
        }));
        var review = await auditor.GetAsync("/api/v1/effectiveness/review?year=2026");
        await Http.EnsureStatusAsync(review, 200);
        Assert.Equal("text/html", review.Content.Headers.ContentType?.MediaType);
        var html = await review.Content.ReadAsStringAsync();
        string[] headings =
        [
            "Procedure rules in force", "Figures by UNGP 31 criterion", "Accessible", "Predictable", "Transparent", "Based on engagement and dialogue",
            "Equitable", "Rights-compatible", "Legitimate", "A source of continuous learning", "Year-on-year change", "Remedies", "Conclusions and follow-up measures",
        ];
        foreach (var heading in headings)
        {
            Assert.Contains(heading, html);
        }

        Assert.Contains("Five workers reported reprisals", html);
        Assert.Contains("within 7 days of receipt", html);
        Assert.Contains("<svg", html);
        Assert.DoesNotContain("Thank you, it is not paid yet.", html);

        var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/effectiveness/review?year=2026");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/pdf"));
        var pdf = await auditor.SendAsync(request);
        await Http.EnsureStatusAsync(pdf, 200);
        Assert.Equal("application/pdf", pdf.Content.Headers.ContentType?.MediaType);
        using var document = PdfDocument.Open(await pdf.Content.ReadAsByteArrayAsync());
        var text = string.Join("\n", document.GetPages().Select(p => p.Text));
        foreach (var heading in headings)
        {
            Assert.Contains(heading, text);
        }

        Assert.Contains("500 MYR", text);
        Assert.Contains("Retrain supervisors", text);

        var byQuery = await auditor.GetAsync("/api/v1/effectiveness/review?year=2026&format=pdf");
        await Http.EnsureStatusAsync(byQuery, 200);
        Assert.Equal("application/pdf", byQuery.Content.Headers.ContentType?.MediaType);

        // The console: the flag on the statistics page; the same figures in a table on the effectiveness page, with the review's links.
        var browser = (await new PersonSessions(factory).MemberSessionAsync(tenant, "compliance")).Browser;
        var statistics = await browser.GetAsync("/console/statistics");
        await Http.EnsureStatusAsync(statistics, 200);
        Assert.Contains("id=\"reprisal-flag\"", await statistics.Content.ReadAsStringAsync());
        var console = await browser.GetAsync("/console/effectiveness");
        await Http.EnsureStatusAsync(console, 200);
        var page = System.Net.WebUtility.HtmlDecode(await console.Content.ReadAsStringAsync());
        Assert.Contains("id=\"reprisal-flag\"", page);
        Assert.Contains("Effectiveness of the grievance mechanism 2026", page);
        Assert.Contains("<th scope=\"row\">Days to close: median</th><td>5</td><td>–</td><td>15 days</td>", page);
        Assert.Contains("<th scope=\"row\">Remedies recorded: wages paid</th><td>5</td><td>5</td><td>100 %</td>", page);
        Assert.Contains("/api/v1/effectiveness/review?year=2026&format=pdf", page);
    }
}
