using System.Text.Json;
using Compliance.Domain.Reference;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Reporting;

/// <summary>The feed's grievance statistics are the REST statistics, unit by unit: same suppression, same clock figures.</summary>
public class GrievanceStatisticsFeedTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task EachReleasedCell_EqualsTheRestFigureForThatSiteAndMonth_AndUnitsBelowFiveHaveNoRow()
    {
        var seeded = await (await factory.CreateTenantAsync()).SeedReportingAsync();
        var tenant = seeded.Tenant;
        var (smallSite, _, smallSupplier) = await tenant.CreateSiteAsync(seeded.FirstSupplier);
        Assert.Equal(4, await tenant.GrievancesAsync(smallSite, smallSupplier, 4, "SMALL", new DateTimeOffset(2026, 10, 3, 0, 0, 0, TimeSpan.Zero), [GrievanceCategories.HurtOrThreatened]));
        var auditor = await tenant.ClientAsync("auditor");

        var feed = await auditor.GetAllAsync("/odata/GrievanceStatistics?$count=true");

        Assert.Equal(feed.Rows.Count, feed.Count);
        Assert.DoesNotContain(feed.Rows, r => r.GetProperty("SiteId").GetGuid() == smallSite);
        Assert.NotEmpty(feed.Rows);
        foreach (var row in feed.Rows)
        {
            var dimension = row.GetProperty("Dimension").GetString();
            var site = row.GetProperty("SiteId").GetGuid();
            var month = row.GetProperty("Month").GetString();
            var rest = await Http.JsonAsync(await auditor.GetAsync(
                $"/api/v1/grievance-statistics?siteId={site}&from={month}&to={month}&groupBy={dimension}"));
            var cell = rest.GetProperty("cells").EnumerateArray().Single(c => c.GetProperty("key").GetString() == row.GetProperty("Value").GetString());
            Assert.Equal(cell.GetProperty("count").GetInt32(), row.GetProperty("Count").GetInt32());
            Assert.Equal(cell.GetProperty("acknowledgedOnTime").GetInt32(), row.GetProperty("AcknowledgedOnTime").GetInt32());
            Assert.Equal(cell.GetProperty("acknowledgedLate").GetInt32(), row.GetProperty("AcknowledgedLate").GetInt32());
            Assert.Equal(cell.GetProperty("awaitingAcknowledgement").GetInt32(), row.GetProperty("AwaitingAcknowledgement").GetInt32());
        }

        var byIndicator = await auditor.GetAllAsync("/odata/GrievanceStatistics?$apply=filter(Dimension eq 'indicator')/groupby((Value),aggregate(Count with sum as Grievances))");
        Assert.Equal(10, Assert.Single(byIndicator.Rows, r => r.GetProperty("Value").GetString() == "FL05").GetProperty("Grievances").GetInt32());
    }
}
