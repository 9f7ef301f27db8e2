using System.Text.Json;
using System.Text.RegularExpressions;
using Compliance.IntegrationTests.Infrastructure;
using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.WorkerVoice;

/// <summary>DNH-4 aggregates and DNH-3 coarse dates. The clock starts 2026-11-02; cases are filed in Nov and Dec 2026.</summary>
public class StatisticsTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    /// <summary>A statistics cell's count, null when withheld.</summary>
    internal static int? Cell(JsonElement stats, string key)
    {
        var cell = stats.GetProperty("cells").EnumerateArray().Single(c => c.GetProperty("key").GetString() == key);
        return cell.GetProperty("count").ValueKind == JsonValueKind.Null ? null : cell.GetProperty("count").GetInt32();
    }

    private static int? Total(JsonElement stats) =>
        stats.GetProperty("total").ValueKind == JsonValueKind.Null ? null : stats.GetProperty("total").GetInt32();

    [Fact]
    public async Task Dnh4_CellsBelow5AreSuppressed_AndCannotBeRecoveredBySubtractingRowsTotalsSitesOrPeriods()
    {
        var tenant = await factory.CreateTenantAsync();
        var supplier = await tenant.CreateSupplierAsync();
        var siteA = await tenant.CreateSiteAsync(supplier);
        var siteB = await tenant.CreateSiteAsync(supplier);
        var siteC = await tenant.CreateSiteAsync();

        // November 2026: A has 4 wage + 2 housing reports, B has 3, C has 5 debt reports.
        for (var i = 0; i < 4; i++)
        {
            await tenant.FileGrievanceAsync(Intake(categories: ["wages-unpaid"]), siteA);
        }

        for (var i = 0; i < 2; i++)
        {
            await tenant.FileGrievanceAsync(Intake(categories: ["housing-bad"]), siteA);
        }

        for (var i = 0; i < 3; i++)
        {
            await tenant.FileGrievanceAsync(Intake(categories: ["wages-unpaid"]), siteB);
        }

        for (var i = 0; i < 5; i++)
        {
            await tenant.FileGrievanceAsync(Intake(categories: ["owe-money"]), siteC);
        }

        // December 2026: A has 3 more.
        factory.Clock.Advance(TimeSpan.FromDays(30));
        for (var i = 0; i < 3; i++)
        {
            await tenant.FileGrievanceAsync(Intake(categories: ["wages-unpaid"]), siteA);
        }

        // January 2027 (incomplete month, never shown): 6 at A.
        factory.Clock.Advance(TimeSpan.FromDays(32));
        for (var i = 0; i < 6; i++)
        {
            await tenant.FileGrievanceAsync(Intake(categories: ["wages-unpaid"]), siteA);
        }

        async Task<JsonElement> Stats(string query) =>
            await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/grievance-statistics?{query}"));

        var byMonth = await Stats("from=2026-11-01&to=2026-12-31&groupBy=month");
        Assert.Equal(11, Cell(byMonth, "2026-11")); // A's 6 + C's 5; B's 3 never enter any figure
        Assert.Null(Cell(byMonth, "2026-12"));
        Assert.Equal(11, Total(byMonth));

        // Rows vs sites: tenant − A − C would be B's 3, but B's unit is in no figure.
        Assert.Equal(6, Cell(await Stats($"siteId={siteA.Id}&from=2026-11-01&to=2026-11-30"), "2026-11"));
        Assert.Null(Cell(await Stats($"siteId={siteB.Id}&from=2026-11-01&to=2026-11-30"), "2026-11"));
        Assert.Equal(6, Cell(await Stats($"supplierId={supplier}&from=2026-11-01&to=2026-11-30"), "2026-11"));

        // Overlapping periods: (Nov..Dec) − (Nov) would be December's 3 at A; it is 0.
        var novOnly = await Stats("from=2026-11-01&to=2026-11-30");
        Assert.Equal(Total(byMonth) - Total(novOnly), 0);

        // Categories: A's unit has a 2-cell, so its whole breakdown is withheld (else 6 − 4 = 2 housing).
        var byCategory = await Stats("from=2026-11-01&to=2026-12-31&groupBy=category");
        Assert.Null(Cell(byCategory, "wages-unpaid"));
        Assert.Null(Cell(byCategory, "housing-bad"));
        Assert.Equal(5, Cell(byCategory, "owe-money"));
        var byIndicator = await Stats("from=2026-11-01&to=2026-12-31&groupBy=indicator");
        Assert.Equal(5, Cell(byIndicator, "FL09"));
        Assert.Null(Cell(byIndicator, "FL08"));

        // The incomplete current month is never released, even when asked for.
        var current = await Stats("from=2027-01-01&to=2027-01-31");
        Assert.Null(Total(current));
        Assert.DoesNotContain(current.GetProperty("cells").EnumerateArray(), c => c.GetProperty("key").GetString() == "2027-01");
    }

    [Fact]
    public async Task Dnh3_Statistics_AreForTenantWideRolesOnly_AndCarryNoTimestamps()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync();
        var auditor = await tenant.ClientAsync("auditor");
        var response = await auditor.GetAsync("/api/v1/grievance-statistics?groupBy=month");
        var body = await response.Content.ReadAsStringAsync();
        await Http.EnsureStatusAsync(response, 200);
        Assert.DoesNotMatch(new Regex(@"\d{2}:\d{2}"), body);
        Assert.DoesNotContain(filed.CaseReference, body, StringComparison.Ordinal);

        await Http.EnsureStatusAsync(await (await tenant.ClientAsync("supplier", filed.SupplierId)).GetAsync("/api/v1/grievance-statistics"), 404);
        await Http.EnsureStatusAsync(await (await tenant.ClientAsync("case-handler")).GetAsync("/api/v1/grievance-statistics"), 403);
        await Http.AssertValidationProblemAsync(await tenant.Owner.GetAsync("/api/v1/grievance-statistics?groupBy=day&from=2026-05-01&to=2026-01-01"), "groupBy", "from");
    }
}
