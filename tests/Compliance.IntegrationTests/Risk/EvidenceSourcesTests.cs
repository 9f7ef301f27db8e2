using System.Text.Json;
using System.Text.Json.Nodes;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Recruitment;
using Compliance.IntegrationTests.WorkerVoice;

namespace Compliance.IntegrationTests.Risk;

/// <summary>The recruitment and grievance evidence sources, seeded through the public API and read back after a run.</summary>
public class EvidenceSourcesTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private async Task<JsonElement> AssessAsync(TestTenant tenant, Guid siteId)
    {
        await Http.JsonAsync(await tenant.Owner.PostAsync("/api/v1/risk-assessments/run", null), 202);
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);
        return await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{siteId}/risk"));
    }

    private static List<string> Rules(JsonElement risk) =>
        [.. risk.GetProperty("evidence").EnumerateArray().Select(e => e.GetProperty("ruleId").GetString()!)];

    private static int Rank(JsonElement risk) => Array.IndexOf(["low", "medium", "high", "critical"], risk.GetProperty("level").GetString());

    [Fact]
    public async Task WorkerPaidFee_AndPassportHeldByEmployer_AreRecruitmentEvidence_AndMakeTheSiteAtLeastHigh()
    {
        var tenant = await factory.CreateTenantAsync();
        var (siteId, _, _) = await tenant.CreateSiteAsync();
        var workerId = await tenant.CreateWorkerAsync(siteId);
        await tenant.CreateWorkerAsync(siteId); // a second, clean worker: shares are of the active workforce
        await tenant.PostAsync(workerId, "fees", RecruitmentData.FeeBody("worker"));
        await tenant.PostAsync(workerId, "passport-custody", new JsonObject { ["holder"] = "employer-safekeeping", ["since"] = "2025-02-01", ["writtenConsent"] = true });

        var risk = await AssessAsync(tenant, siteId);

        Assert.True(Rank(risk) >= 2, $"level {risk.GetProperty("level")}");
        var rules = Rules(risk);
        Assert.Contains("FL09.worker-paid-fees", rules);
        Assert.Contains("FL07.passport-held-by-other", rules);
        var fee = risk.GetProperty("evidence").EnumerateArray().Single(e => e.GetProperty("ruleId").GetString() == "FL09.worker-paid-fees");
        Assert.Equal(50m, fee.GetProperty("measured").GetDecimal());
        Assert.Equal(["recruitment", "grievance", "audit"], risk.GetProperty("sources").EnumerateArray().Select(s => s.GetString()!).ToArray());
    }

    [Fact]
    public async Task PassportAccess_OverdueAndRefused_CountTheActiveWorkersOfTheirOwnSite()
    {
        // Counted by their own statement (from the workers who have requests), so: per site, active workers only,
        // and a refused request is also an unanswered one (app.worker_flags' definitions).
        var tenant = await factory.CreateTenantAsync();
        var (siteId, _, _) = await tenant.CreateSiteAsync();
        var (otherSiteId, _, _) = await tenant.CreateSiteAsync();
        var now = factory.Clock.GetUtcNow();
        async Task<Guid> RequestAsync(Guid worker, bool refuse)
        {
            var request = await tenant.PostAsync(worker, "passport-access-requests", new JsonObject { ["requestedAt"] = now.AddHours(-30) });
            if (refuse)
            {
                await Http.EnsureStatusAsync(await tenant.Owner.PostAsync(
                    $"/api/v1/workers/{worker}/passport-access-requests/{request}/refuse", RecruitmentData.Json(new JsonObject { ["refusedAt"] = now.AddHours(-29) })), 200);
            }

            return request;
        }

        await RequestAsync(await tenant.CreateWorkerAsync(siteId), refuse: false);
        await RequestAsync(await tenant.CreateWorkerAsync(siteId), refuse: true);
        await RequestAsync(await tenant.CreateWorkerAsync(siteId, w => w["status"] = "left"), refuse: true);
        await tenant.CreateWorkerAsync(siteId);
        await tenant.CreateWorkerAsync(otherSiteId);

        var risk = await AssessAsync(tenant, siteId);

        int Employer(string rule) => risk.GetProperty("evidence").EnumerateArray()
            .Single(e => e.GetProperty("ruleId").GetString() == rule).GetProperty("sources").GetProperty("employer").GetInt32();
        Assert.Equal(2, Employer("FL07.passport-access-overdue"));
        Assert.Equal(1, Employer("FL07.passport-return-refused"));
        Assert.Equal("critical", risk.GetProperty("level").GetString());
        var other = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{otherSiteId}/risk"));
        Assert.DoesNotContain(Rules(other), r => r.StartsWith("FL07.", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("cannot-leave", "FL03.worker-grievances")]
    [InlineData("under-18", "CH01.worker-grievances")]
    public async Task CriticalGrievanceThroughIntake_MakesTheSiteCritical(string category, string rule)
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(categories: [category], narrative: "Written by the worker"));
        // Testimony counts from the day after it was received (issue 16 hole 4: a re-score must not date a filing finer than a day).
        factory.Clock.Advance(TimeSpan.FromDays(1));

        var risk = await AssessAsync(tenant, filed.SiteId);

        Assert.Equal("critical", risk.GetProperty("level").GetString());
        Assert.Contains(rule, Rules(risk));
    }

    [Fact]
    public async Task ClosedGrievance_StillCounts_InTheNinetyDayWindow()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(categories: ["too-many-hours"]));
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);
        await Http.EnsureStatusAsync(await handler.MoveAsync(id, "acknowledged"), 200);
        await Http.EnsureStatusAsync(await handler.MoveAsync(id, "in-progress"), 200);
        await Http.EnsureStatusAsync(await handler.MoveAsync(id, "resolved", "Resolved with the employer"), 200);
        // Testimony counts from the day after it was received (issue 16 hole 4: a re-score must not date a filing finer than a day).
        factory.Clock.Advance(TimeSpan.FromDays(1));

        var risk = await AssessAsync(tenant, filed.SiteId);

        Assert.Contains("FL11.worker-grievances", Rules(risk));
    }

    [Fact]
    public async Task DirectRecruitment_EmployerPaidFees_PassportWithWorker_IsLow()
    {
        var tenant = await factory.CreateTenantAsync();
        var (siteId, _, _) = await tenant.CreateSiteAsync();
        var workerId = await tenant.CreateWorkerAsync(siteId);
        await tenant.PostAsync(workerId, "fees", RecruitmentData.FeeBody("employer"));
        await tenant.PostAsync(workerId, "passport-custody", new JsonObject { ["holder"] = "worker", ["since"] = "2025-02-01" });
        await tenant.PostAsync(workerId, "declarations", RecruitmentData.DeclarationBody());

        var risk = await AssessAsync(tenant, siteId);

        Assert.Equal("low", risk.GetProperty("level").GetString());
        Assert.Empty(Rules(risk));
    }
}
