using System.Text.Json;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Reporting;
using Compliance.IntegrationTests.Risk;
using Compliance.IntegrationTests.WorkerVoice;

namespace Compliance.IntegrationTests.TrustWalls;

/// <summary>Issue 16, hole 4: nothing an employer-side role or auditor reads dates a grievance finer than a day.</summary>
public class TimingTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task Hole04_AccessLogAndODataIds_AreRandom_AndReadAtIsADay()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync();
        var today = factory.Clock.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);
        await Http.EnsureStatusAsync(await handler.GetAsync($"/api/v1/grievances/{id}"), 200);
        Assert.Equal(4, id.Version);

        foreach (var role in new[] { "owner", "compliance", "auditor" })
        {
            var reader = role == "owner" ? tenant.Owner : await tenant.ClientAsync(role);
            var log = await Http.JsonAsync(await reader.GetAsync("/api/v1/narrative-access-log"));
            var entry = Assert.Single(log.GetProperty("items").EnumerateArray());
            Assert.Equal(4, entry.GetProperty("grievanceId").GetGuid().Version);
            Assert.Equal(4, entry.GetProperty("id").GetGuid().Version);
            Assert.Equal(today, entry.GetProperty("readAt").GetString()![..10]);
            Assert.Equal(10, entry.GetProperty("readAt").GetString()!.Length);
        }

        var auditor = await tenant.ClientAsync("auditor");
        var row = Assert.Single((await auditor.GetAllAsync("/odata/NarrativeAccessLog")).Rows);
        Assert.Equal(4, row.GetProperty("CaseId").GetGuid().Version);
        Assert.Equal(4, row.GetProperty("Id").GetGuid().Version);
        Assert.Equal(today, row.GetProperty("ReadAt").GetString());
    }

    [Fact]
    public async Task Hole04_AnOnDemandRescore_CountsTestimonyOnlyFromBeforeToday()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(categories: ["hurt-or-threatened"]));

        async Task<JsonElement> RescoreAsync()
        {
            await Http.JsonAsync(await tenant.Owner.PostAsync("/api/v1/risk-assessments/run", null), 202);
            Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);
            return await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{filed.SiteId}/risk"));
        }

        // Same day, even an hour later: the filing is not yet evidence, so polling cannot date it to the minute.
        factory.Clock.Advance(TimeSpan.FromHours(1));
        var sameDay = await RescoreAsync();
        Assert.Equal("low", sameDay.GetProperty("level").GetString());
        Assert.Empty(sameDay.GetProperty("evidence").EnumerateArray());

        factory.Clock.Advance(TimeSpan.FromDays(1));
        var nextDay = await RescoreAsync();
        Assert.Equal("critical", nextDay.GetProperty("level").GetString());
    }
}

/// <summary>Hole 4 (clocks), on a clock of its own: statistics' clock figures move only at midnight.</summary>
public class StatisticsClockTimingTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task Hole04_AcknowledgementClockFigures_AreAsOfTheEndOfTheLastCompleteDay()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        factory.Clock.Advance(TimeSpan.FromDays(28)); // 2026-11-30 09:00: acknowledge by 2026-12-07 09:00
        for (var i = 0; i < 5; i++)
        {
            await tenant.FileGrievanceAsync(site: site);
        }

        async Task<JsonElement> NovemberAsync()
        {
            var stats = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/grievance-statistics?siteId={site.Id}&from=2026-11-01&to=2026-11-30"));
            return Assert.Single(stats.GetProperty("cells").EnumerateArray());
        }

        factory.Clock.Advance(TimeSpan.FromDays(7) + TimeSpan.FromHours(1)); // 2026-12-07 10:00, an hour past the deadline
        var sameDay = await NovemberAsync();
        Assert.Equal(5, sameDay.GetProperty("count").GetInt32());
        Assert.Equal(5, sameDay.GetProperty("awaitingAcknowledgement").GetInt32());
        Assert.Equal(0, sameDay.GetProperty("acknowledgedLate").GetInt32());

        factory.Clock.Advance(TimeSpan.FromHours(14)); // 2026-12-08 00:00: the deadline's day is complete
        var nextDay = await NovemberAsync();
        Assert.Equal(5, nextDay.GetProperty("acknowledgedLate").GetInt32());
        Assert.Equal(0, nextDay.GetProperty("awaitingAcknowledgement").GetInt32());
    }
}
