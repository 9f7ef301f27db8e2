using System.Net;
using System.Net.Http.Json;
using Compliance.IntegrationTests.Infrastructure;
using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.WorkerVoice;

public class CaseHandlingTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task Dnh4_EmployerSideRoles_Get403OnEveryNarrativeRoute()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync();
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);
        var clients = new[]
        {
            tenant.Owner, await tenant.ClientAsync("compliance"), await tenant.ClientAsync("auditor"),
            await tenant.ClientAsync("supplier", filed.SupplierId), factory.Client(),
        };
        foreach (var client in clients)
        {
            var responses = new[]
            {
                await client.GetAsync("/api/v1/grievances"),
                await client.GetAsync($"/api/v1/grievances/{id}"),
                await client.PostAsJsonAsync($"/api/v1/grievances/{id}/replies", new { text = "hi" }),
                await client.PutAsJsonAsync($"/api/v1/grievances/{id}/triage", new { indicators = Array.Empty<string>(), severity = "low" }),
                await client.PostAsJsonAsync($"/api/v1/grievances/{id}/status", new { status = "acknowledged" }),
            };
            Assert.All(responses, r => Assert.Contains(r.StatusCode, new[] { HttpStatusCode.Forbidden, HttpStatusCode.Unauthorized, HttpStatusCode.NotFound }));
        }

        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from narrative_access_log where grievance_id = @id", ("id", id)));
    }

    [Fact]
    public async Task Dnh12_EveryNarrativeRead_IsLogged_AndTheLogShowsNoContent()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(Intake(narrative: "secret words quokka"));
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);

        var detail = await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances/{id}"));
        Assert.Equal("secret words quokka", detail.GetProperty("narrative").GetString());
        await Http.EnsureStatusAsync(await handler.GetAsync($"/api/v1/grievances/{id}"), 200);

        foreach (var reader in new[] { tenant.Owner, await tenant.ClientAsync("auditor"), await tenant.ClientAsync("compliance") })
        {
            var log = await Http.JsonAsync(await reader.GetAsync("/api/v1/narrative-access-log"));
            Assert.Equal(2, log.GetProperty("totalCount").GetInt32());
            var entry = log.GetProperty("items")[0];
            Assert.Equal(filed.CaseReference, entry.GetProperty("caseReference").GetString());
            Assert.Equal("case-handler key", entry.GetProperty("apiKeyName").GetString());
            Assert.DoesNotContain("quokka", log.ToString(), StringComparison.Ordinal); // not hex: an id cannot hold it by chance
        }

        await Http.EnsureStatusAsync(await handler.GetAsync("/api/v1/narrative-access-log"), 403);
        await Http.EnsureStatusAsync(await (await tenant.ClientAsync("supplier", filed.SupplierId)).GetAsync("/api/v1/narrative-access-log"), 404);

        // Newest day first, each read a day, never a time (named mutation: `orderby readOn descending` to ascending).
        var firstDay = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        factory.Clock.Advance(TimeSpan.FromDays(1));
        await Http.EnsureStatusAsync(await handler.GetAsync($"/api/v1/grievances/{id}"), 200);
        var days = (await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/narrative-access-log"))).GetProperty("items").EnumerateArray()
            .Select(i => i.GetProperty("readAt").GetString()).ToList();
        Assert.Equal([Day(firstDay.AddDays(1)), Day(firstDay), Day(firstDay)], days);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Reply_FromATemplate_IsInTheWorkersLanguage_AndTheWorkerReadsIt()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(Intake(language: "vi"));
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);

        await Http.EnsureStatusAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/replies", new { template = "acknowledged" }), 201);
        await Http.EnsureStatusAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/replies", new { text = "Free text answer" }), 201);

        var view = await factory.FollowUpAsync(filed.Receipt);
        var replies = view.GetProperty("replies").EnumerateArray().Select(r => r.GetProperty("text").GetString()!).ToList();
        Assert.Equal(2, replies.Count);
        Assert.Contains(filed.CaseReference, replies[0], StringComparison.Ordinal);
        Assert.DoesNotContain("Hello", replies[0], StringComparison.Ordinal);
        Assert.Equal("Free text answer", replies[1]);
    }

    [Fact]
    public async Task Reply_WithBothOrNeitherOrAnUnknownTemplate_Is400AndWritesNothing()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync();
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);
        var before = await factory.CountRowsAsync("grievance_messages");

        await Http.AssertValidationProblemAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/replies", new { text = "a", template = "resolved" }), "text");
        await Http.AssertValidationProblemAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/replies", new { }), "text");
        await Http.AssertValidationProblemAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/replies", new { template = "../../x" }), "template");
        Assert.Equal(before, await factory.CountRowsAsync("grievance_messages"));
    }

    [Fact]
    public async Task Status_FollowsTheLifecycle_AndRefusesSkippingSteps()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync();
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);

        await Http.AssertProblemAsync(await handler.MoveAsync(id, "closed"), 409);
        await Http.EnsureStatusAsync(await handler.MoveAsync(id, "acknowledged"), 200);
        await Http.EnsureStatusAsync(await handler.MoveAsync(id, "in-progress"), 200);
        await Http.EnsureStatusAsync(await handler.MoveAsync(id, "referred"), 200);
        var closed = await Http.JsonAsync(await handler.MoveAsync(id, "closed"));
        Assert.Equal("closed", closed.GetProperty("status").GetString());
        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, closed.GetProperty("closedAt").ValueKind);
        await Http.AssertProblemAsync(await handler.MoveAsync(id, "in-progress"), 409);
        await Http.AssertValidationProblemAsync(await handler.MoveAsync(id, "done"), "status");
    }

    [Fact]
    public async Task Dnh8_Ch01Case_IsCritical_AndCannotBeClosedWithoutAReviewNote()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(Intake(categories: ["under-18"]));
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);
        await Http.EnsureStatusAsync(await handler.MoveAsync(id, "acknowledged"), 200);

        await Http.AssertValidationProblemAsync(await handler.MoveAsync(id, "closed"), "reviewNote");
        await Http.AssertValidationProblemAsync(await handler.MoveAsync(id, "resolved", "  "), "reviewNote");
        Assert.Equal("acknowledged", await factory.ScalarAsync<string>("select status from grievances where id = @id", ("id", id)));

        var closed = await Http.JsonAsync(await handler.MoveAsync(id, "closed", "Age checked with child-protection officer; referred."));
        Assert.True(closed.GetProperty("critical").GetBoolean());
        var detail = await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances/{id}"));
        Assert.Equal("Age checked with child-protection officer; referred.", detail.GetProperty("reviewNote").GetString());
    }

    [Fact]
    public async Task Triage_AddsIndicators_NeverRemovesTheCategoriesOnes_AndHardTriggersMakeItCritical()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(Intake(categories: ["other"]));
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);

        await Http.AssertValidationProblemAsync(await handler.PutAsJsonAsync($"/api/v1/grievances/{id}/triage", new { indicators = new[] { "CH01" }, severity = "low" }), "severity");
        await Http.AssertValidationProblemAsync(await handler.PutAsJsonAsync($"/api/v1/grievances/{id}/triage", new { indicators = new[] { "FL99" }, severity = "low" }), "indicators");
        var triaged = await Http.JsonAsync(await handler.PutAsJsonAsync($"/api/v1/grievances/{id}/triage", new { indicators = new[] { "FL09", "CH01" }, severity = "critical" }));
        Assert.Equal(["FL09", "CH01"], triaged.GetProperty("indicators").EnumerateArray().Select(e => e.GetString()));
        Assert.True(triaged.GetProperty("critical").GetBoolean());

        var docs = await tenant.FileGrievanceAsync(Intake(categories: ["documents-held"]));
        var docsId = await handler.GrievanceIdAsync(docs.CaseReference);
        var kept = await Http.JsonAsync(await handler.PutAsJsonAsync($"/api/v1/grievances/{docsId}/triage", new { indicators = Array.Empty<string>(), severity = "medium" }));
        Assert.Equal(["FL07"], kept.GetProperty("indicators").EnumerateArray().Select(e => e.GetString()));

        var list = await Http.JsonAsync(await handler.GetAsync("/api/v1/grievances?indicator=CH01"));
        Assert.Equal(1, list.GetProperty("totalCount").GetInt32());
    }

    [Fact]
    public async Task Triage_ToCritical_PullsTheAcknowledgementClockInTo24Hours_AndTheInboxPutsItFirst()
    {
        var tenant = await factory.CreateTenantAsync();
        var first = await tenant.FileGrievanceAsync(Intake(categories: ["other"]));
        factory.Clock.Advance(TimeSpan.FromMinutes(1));
        var second = await tenant.FileGrievanceAsync(Intake(categories: ["other"]));
        var handler = await tenant.ClientAsync("case-handler");
        var firstId = await handler.GrievanceIdAsync(first.CaseReference);
        var secondId = await handler.GrievanceIdAsync(second.CaseReference);

        var oldestFirst = await Http.JsonAsync(await handler.GetAsync("/api/v1/grievances"));
        Assert.Equal([firstId, secondId], oldestFirst.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));

        var triaged = await Http.JsonAsync(await handler.PutAsJsonAsync($"/api/v1/grievances/{secondId}/triage", new { indicators = new[] { "FL05" }, severity = "critical" }));

        Assert.True(triaged.GetProperty("critical").GetBoolean());
        Assert.Equal(
            triaged.GetProperty("receivedAt").GetDateTimeOffset().AddHours(24),
            triaged.GetProperty("acknowledgeBy").GetDateTimeOffset());
        var criticalFirst = await Http.JsonAsync(await handler.GetAsync("/api/v1/grievances"));
        Assert.Equal([secondId, firstId], criticalFirst.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task Reply_TheFirstAnswerMeetsTheFeedbackClock_ALaterOneDoesNotMoveIt()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync();
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);

        await Http.EnsureStatusAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/replies", new { text = "First answer" }), 201);
        var answered = (await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances/{id}"))).GetProperty("case");
        factory.Clock.Advance(TimeSpan.FromDays(3));
        await Http.EnsureStatusAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/replies", new { text = "Second answer" }), 201);
        var later = (await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances/{id}"))).GetProperty("case");

        Assert.NotEqual(System.Text.Json.JsonValueKind.Null, answered.GetProperty("feedbackAt").ValueKind);
        Assert.Equal(answered.GetProperty("feedbackAt").GetDateTimeOffset(), later.GetProperty("feedbackAt").GetDateTimeOffset());
        Assert.False(later.GetProperty("feedbackOverdue").GetBoolean());
    }

    [Fact]
    public async Task List_FiltersAndPages_AndAnotherTenantsCaseIs404()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        await tenant.FileGrievanceAsync(Intake(categories: ["cannot-leave"]), site);
        await tenant.FileGrievanceAsync(Intake(categories: ["wages-unpaid"]), site);
        var third = await tenant.FileGrievanceAsync(Intake(categories: ["wages-unpaid", "housing-bad"]));
        var handler = await tenant.ClientAsync("case-handler");

        Assert.Equal(2, (await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances?siteId={site.Id}"))).GetProperty("totalCount").GetInt32());
        Assert.Equal(2, (await Http.JsonAsync(await handler.GetAsync("/api/v1/grievances?category=wages-unpaid"))).GetProperty("totalCount").GetInt32());
        Assert.Equal(1, (await Http.JsonAsync(await handler.GetAsync("/api/v1/grievances?critical=true"))).GetProperty("totalCount").GetInt32());
        Assert.Equal(3, (await Http.JsonAsync(await handler.GetAsync("/api/v1/grievances?status=received&overdue=false"))).GetProperty("totalCount").GetInt32());
        var page = await Http.JsonAsync(await handler.GetAsync("/api/v1/grievances?pageSize=2&page=2"));
        Assert.Single(page.GetProperty("items").EnumerateArray());
        await Http.AssertValidationProblemAsync(await handler.GetAsync("/api/v1/grievances?status=open&category=x&indicator=FL77"), "status", "category", "indicator");

        var other = await factory.CreateTenantAsync();
        var otherHandler = await other.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(third.CaseReference);
        await Http.AssertProblemAsync(await otherHandler.GetAsync($"/api/v1/grievances/{id}"), 404);
        await Http.AssertProblemAsync(await otherHandler.PostAsJsonAsync($"/api/v1/grievances/{id}/replies", new { text = "x" }), 404);
        await Http.AssertProblemAsync(await otherHandler.MoveAsync(id, "acknowledged"), 404);
        await Http.AssertProblemAsync(await otherHandler.PutAsJsonAsync($"/api/v1/grievances/{id}/triage", new { indicators = Array.Empty<string>(), severity = "low" }), 404);
        Assert.Equal(0, (await Http.JsonAsync(await otherHandler.GetAsync("/api/v1/grievances"))).GetProperty("totalCount").GetInt32());
    }
}
