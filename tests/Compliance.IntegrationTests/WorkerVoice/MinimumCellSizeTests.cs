using System.Net.Http.Json;
using System.Text.Json;
using Compliance.IntegrationTests.Enforcement;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Reporting;
using Compliance.IntegrationTests.Risk;
using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.WorkerVoice;

/// <summary>
/// A tenant may raise k above 5 (never lower it), and every employer-side figure then withholds counts below it:
/// grievance statistics over REST and OData, risk disclosures and the dossiers made from them. Named mutations: pass
/// the default instead of the tenant's k in <c>GrievanceStatisticsApi.GetAsync</c> (five reports show under k = 6), in
/// <c>GrievanceStatisticsController.RowsAsync</c> (the OData row stays), in <c>RiskAssessmentJob</c> (the evidence
/// says "fewer than 5"), in <c>DossierMaker</c> (five consenting cases are listed one by one).
/// </summary>
public class MinimumCellSizeTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private const string Settings = "/api/v1/worker-voice/settings";

    [Fact]
    public async Task Setting_IsFiveUntilRaised_NeverBelowFive_AndKeptWhenLeftOut()
    {
        var tenant = await factory.CreateTenantAsync();
        Assert.Equal(5, (await Http.JsonAsync(await tenant.Owner.GetAsync(Settings))).GetProperty("minimumCellSize").GetInt32());
        foreach (var k in new[] { 4, 51, 0 })
        {
            await Http.AssertValidationProblemAsync(await tenant.Owner.PutAsJsonAsync(Settings, new { retentionDays = 365, minimumCellSize = k }), "minimumCellSize");
        }

        Assert.Equal(50, (await Http.JsonAsync(await tenant.Owner.PutAsJsonAsync(Settings, new { retentionDays = 365, minimumCellSize = 50 }))).GetProperty("minimumCellSize").GetInt32());
        var kept = await Http.JsonAsync(await tenant.Owner.PutAsJsonAsync(Settings, new { retentionDays = 90 }));
        Assert.Equal(50, kept.GetProperty("minimumCellSize").GetInt32());
        Assert.Equal(90, kept.GetProperty("retentionDays").GetInt32());
        await Http.EnsureStatusAsync(await (await tenant.ClientAsync("compliance")).PutAsJsonAsync(Settings, new { retentionDays = 90, minimumCellSize = 5 }), 403);
        Assert.Equal(50, await factory.ScalarAsync<int>("select minimum_cell_size from worker_voice_settings where tenant_id = @t", ("t", tenant.TenantId)));
    }

    [Fact]
    public async Task RaisedK_WithholdsFiveReports_InStatisticsRestAndOData()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        for (var i = 0; i < 5; i++)
        {
            await tenant.FileGrievanceAsync(Intake(categories: ["owe-money"]), site);
        }

        factory.Clock.Advance(TimeSpan.FromDays(35)); // the filing month is complete
        var month = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime.AddDays(-35));
        var url = $"/api/v1/grievance-statistics?groupBy=category&siteId={site.Id}&from={month:yyyy-MM}-01&to={month:yyyy-MM}-28";
        var odata = $"/odata/GrievanceStatistics?$filter=SiteId eq {site.Id} and Dimension eq 'category'";

        var atFive = await Http.JsonAsync(await tenant.Owner.GetAsync(url));
        Assert.Equal(5, StatisticsTests.Cell(atFive, "owe-money"));
        Assert.Single((await tenant.Owner.GetAllAsync(odata)).Rows);

        await Http.EnsureStatusAsync(await tenant.Owner.PutAsJsonAsync(Settings, new { retentionDays = 365, minimumCellSize = 6 }), 200);
        var atSix = await Http.JsonAsync(await tenant.Owner.GetAsync(url));
        Assert.Equal(6, atSix.GetProperty("minimumCellSize").GetInt32());
        Assert.Null(StatisticsTests.Cell(atSix, "owe-money"));
        Assert.Contains("fewer than 6", atSix.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Empty((await tenant.Owner.GetAllAsync(odata)).Rows);
    }

    [Fact]
    public async Task RaisedK_ReachesRiskDisclosures_AndDossiers()
    {
        var tenant = await factory.CreateTenantAsync();
        await Http.EnsureStatusAsync(await tenant.Owner.PutAsJsonAsync(Settings, new { retentionDays = 365, minimumCellSize = 6 }), 200);
        var site = await tenant.EvidenceSiteAsync();
        for (var i = 0; i < 4; i++)
        {
            await tenant.FileGrievanceAsync(Intake(categories: ["hurt-or-threatened"], narrative: $"Statement {i} about the agent's loan.", consent: new Dictionary<string, bool> { ["trade-authority"] = true }), (site.SiteId, site.IntakeCode, site.SupplierId));
        }

        factory.Clock.Advance(TimeSpan.FromDays(1)); // the model counts reports received before the day it runs
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsync("/api/v1/risk-assessments/run", null), 202);
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);

        var risk = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{site.SiteId}/risk"));
        var shown = risk.GetProperty("evidence").EnumerateArray().Where(e => e.TryGetProperty("withheld", out _))
            .SelectMany(e => e.GetProperty("withheld").EnumerateArray()).Select(w => w.GetProperty("shown").GetString()).Distinct().ToList();
        Assert.Equal(["fewer than 6"], shown);

        // Five consenting cases: listed one by one at k = 5 (DossiersTests), one aggregate at k = 6.
        var today = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);
        var made = await tenant.CreateDossierAsync(new
        {
            regime = "cbp-19cfr12.42",
            siteIds = new[] { site.SiteId },
            periodFrom = DossierIntents.PeriodFrom,
            periodTo = today,
            statementOfReasons = "Workers report threats and held passports.",
            consentedTestimony = true,
        });
        var dossier = made.GetProperty("dossier");
        var testimony = dossier.GetProperty("testimony");
        Assert.Equal(0, testimony.GetProperty("commitments").GetArrayLength());
        Assert.Equal(JsonValueKind.String, testimony.GetProperty("aggregate").ValueKind);
        Assert.StartsWith("fewer than 6 cases", testimony.GetProperty("included").GetString(), StringComparison.Ordinal);
        Assert.Contains(dossier.GetProperty("withheld").EnumerateArray(), w => w.GetProperty("what").GetString() == "Worker-derived counts below 6");

        // The five are in the dossier's scope: the office's export opens the aggregate with all five.
        var handler = factory.Client(await tenant.KeyAsync(Compliance.Api.Infrastructure.Auth.Roles.CaseHandler));
        var annex = await Http.JsonAsync(await handler.GetAsync($"/api/v1/dossiers/{made.GetProperty("id").GetGuid()}/testimony"));
        Assert.Equal(5, annex.GetProperty("items").GetArrayLength());
        Assert.Equal(JsonValueKind.String, annex.GetProperty("aggregateSalt").ValueKind);
    }
}
