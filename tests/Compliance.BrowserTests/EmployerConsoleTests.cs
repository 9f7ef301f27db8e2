using System.Net.Http.Json;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Risk;
using Compliance.IntegrationTests.WorkerVoice;
using Microsoft.Playwright;

namespace Compliance.BrowserTests;

/// <summary>
/// Issue #19's employer and auditor pages in Chromium: a compliance officer finds a critical site and reads why (its
/// explanation, its history as a chart and as a table), at a phone's width and a desktop's; an auditor finds the access
/// log with a case handler's read of a case. People are invited by the owner and set their password on the real pages.
/// </summary>
public class EmployerConsoleTests(KestrelApiFactory factory) : IClassFixture<KestrelApiFactory>
{
    private async Task<IPage> SignedInAsync(IBrowser browser, TestTenant tenant, string role, int width)
    {
        var (_, email, setupCode) = await PersonSessions.InviteMemberAsync(tenant, role);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = factory.SecureAddress.ToString(),
            IgnoreHTTPSErrors = true,
            ViewportSize = new ViewportSize { Width = width, Height = 800 },
        });
        var page = await context.NewPageAsync();
        await OfficeJourneyTests.SetUpAsync(page, email, setupCode);
        await OfficeJourneyTests.SignInAsync(page, email);
        return page;
    }

    private static async Task AssertNoSidewaysScrollAsync(IPage page, int width) =>
        Assert.True(
            await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth") <= width,
            $"{page.Url} scrolls sideways at {width} px");

    [Theory]
    [InlineData(360)]
    [InlineData(1280)]
    public async Task ComplianceOfficer_SeesACriticalSite_WithItsExplanation_AndItsChart(int width)
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.CreateSiteAsync();
        var (critical, _) = await tenant.CriticalSiteAsync();
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsync("/api/v1/risk-assessments/run", null), 202);
        await factory.RunEnqueuedJobsAsync(tenant.TenantId);
        var risk = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/sites/{critical}/risk"));
        var explanation = risk.GetProperty("evidence")[0].GetProperty("explanation").GetString()!;

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await SignedInAsync(browser, tenant, "compliance", width);

        await page.GotoAsync("/console/sites");
        Assert.Equal("page", await page.GetByRole(AriaRole.Link, new() { Name = "Sites", Exact = true }).GetAttributeAsync("aria-current"));
        var criticalGroup = page.Locator("section", new() { Has = page.Locator("h2 .badge.level-critical") });
        Assert.Equal("Critical", await criticalGroup.Locator("h2 .badge").InnerTextAsync());
        await AssertNoSidewaysScrollAsync(page, width);

        await criticalGroup.Locator($"a[href='/console/sites/{critical}']").ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith($"/console/sites/{critical}", StringComparison.Ordinal));
        Assert.Equal("Critical", await page.Locator("#latest-level .badge").InnerTextAsync());
        Assert.True(await page.Locator("#evidence").GetByText(explanation).IsVisibleAsync());
        Assert.Contains("CH01", await page.Locator("#evidence").InnerTextAsync(), StringComparison.Ordinal);

        var chart = page.Locator("svg[role=img]#risk-history");
        Assert.True(await chart.IsVisibleAsync());
        Assert.StartsWith("Risk level history of", await chart.Locator("title").First.TextContentAsync(), StringComparison.Ordinal);
        Assert.Equal(1, await chart.Locator("circle").CountAsync());
        var box = await chart.BoundingBoxAsync();
        Assert.True(box is { Width: > 0 } && box.Width <= width, $"chart is {box?.Width} px wide at {width} px");
        Assert.Equal(1, await page.Locator("#history-table tbody tr").CountAsync());
        Assert.Contains("Critical", await page.Locator("#history-table tbody tr").InnerTextAsync(), StringComparison.Ordinal);
        await AssertNoSidewaysScrollAsync(page, width);
    }

    [Fact]
    public async Task Auditor_SeesTheAccessLog_WithACaseHandlersRead()
    {
        var tenant = await factory.CreateTenantAsync();
        var narrative = $"The agent still has my passport {Guid.NewGuid():N}";
        var filed = await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(narrative: narrative));
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);
        Assert.Equal(narrative, (await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances/{id}"))).GetProperty("narrative").GetString());

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await SignedInAsync(browser, tenant, "auditor", 1280);

        await page.GotoAsync("/console/audits");
        await page.GetByRole(AriaRole.Link, new() { Name = "Access log" }).ClickAsync();
        await page.WaitForURLAsync(url => url.EndsWith("/console/access-log", StringComparison.Ordinal));
        var row = page.Locator("#access-log tbody tr", new() { HasText = filed.CaseReference });
        Assert.Equal(1, await row.CountAsync());
        var cells = await row.Locator("th, td").AllInnerTextsAsync();
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", cells[0]);
        Assert.Equal(filed.CaseReference, cells[1]);
        Assert.Equal("case-handler key", cells[2]);
        Assert.DoesNotContain(narrative, await page.ContentAsync(), StringComparison.Ordinal);
    }
}
