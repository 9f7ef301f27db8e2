using System.Globalization;
using System.Net.Http.Json;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Risk;
using Microsoft.Playwright;
using Xunit.Abstractions;

namespace Compliance.BrowserTests;

/// <summary>
/// The console at a phone's 360 px and a desk's 1280 px: the inbox, a case, and (once they exist) the site dashboard
/// and the statistics page. Every run checks each page fits its width with no sideways scrolling; with
/// <c>SCREENSHOTS=1</c> it also writes the pictures to <c>docs/screenshots/</c> (see docs/console.md):
/// <code>SCREENSHOTS=1 dotnet test tests/Compliance.BrowserTests --filter Screenshots</code>
/// </summary>
[Collection(HandlerConsoleBrowser.Name)]
public class ScreenshotsTests(HandlerConsoleFixture fixture, ITestOutputHelper output)
{
    private static readonly int[] Widths = [360, 1280];

    private static readonly (string Name, string Url)[] EmployerPages = [("sites", "/console/sites"), ("statistics", "/console/statistics")];

    private static bool Writing => Environment.GetEnvironmentVariable("SCREENSHOTS") == "1";

    [Fact]
    public async Task Screenshots_OfTheInboxACaseAndTheEmployerPages_FitAt360And1280()
    {
        var folder = Writing ? ScreenshotFolder() : null;
        var desk = await fixture.NewDeskAsync("Acme Apparel Group", "Hana Rahman");
        var supplier = await desk.Tenant.CreateSupplierAsync("Selangor Gloves Sdn Bhd");
        var created = await Http.JsonAsync(
            await desk.Tenant.Owner.PostAsJsonAsync("/api/v1/sites", new { supplierId = supplier, name = "Klang glove plant", countryCode = "MY", sector = "rubber-gloves", workerHousing = true }),
            201);
        var site = (IntakeCode: created.GetProperty("intakeCode").GetString()!, Id: created.GetProperty("id").GetGuid());

        // Cases on each clock: one at risk (5.5 of its 7 days gone), one critical and overdue, two just filed.
        var clock = fixture.Factory.Clock;
        var advanced = TimeSpan.Zero;
        try
        {
            await desk.FileAsync(site.IntakeCode, "ms", "Gaji kerja lebih masa tidak dibayar sejak Julai.", ["wages-unpaid"]);
            clock.Advance(TimeSpan.FromDays(4));
            advanced += TimeSpan.FromDays(4);
            var critical = await desk.FileAsync(
                site.IntakeCode, "ne", "सुपरभाइजरले हामीलाई धम्की दियो र हाम्रो राहदानी राख्यो। छात्रावासको ढोका राति बन्द हुन्छ।", ["hurt-or-threatened", "documents-held"], ["ngo"]);
            clock.Advance(TimeSpan.FromDays(1.5));
            advanced += TimeSpan.FromDays(1.5);
            await desk.FileAsync(site.IntakeCode, "vi", "Công ty giữ hộ chiếu của chúng tôi.", ["documents-held"]);
            await desk.FileAsync(site.IntakeCode, "bn", "এজেন্টের কাছে আমাদের ঋণ আছে।", ["owe-money"]);

            // The handler's seeding session is days idle by now: a fresh one, with both factors, works the critical case.
            var session = await fixture.People.SignInAsync(desk.HandlerEmail, totpKey: desk.TotpKey);
            var worked = desk with { Session = session };
            var followUp = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime).AddDays(7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await worked.PostCaseFormAsync(critical.Id, "reply", ("template", "acknowledged"), ("action", "send"));
            await worked.PostCaseFormAsync(critical.Id, "triage", ("indicators", "FL07"), ("indicators", "FL10"), ("severity", "critical"), ("subStatus", "visit booked"));
            await worked.PostCaseFormAsync(critical.Id, "referrals", ("organisation", "Tenaganita"), ("kind", "ngo"), ("followUpBy", followUp));

            var pages = new List<(string Name, Visitor Visitor, string Url)>
            {
                ("inbox", Visitor.Handler, "/console/cases"),
                ("case", Visitor.Handler, desk.CaseUrl(critical.Id, "thread")),
            };
            // The site is assessed (its overdue critical report is evidence), so the dashboard shows a level and its explanation.
            await Http.EnsureStatusAsync(await desk.Tenant.Owner.PostAsync("/api/v1/risk-assessments/run", null), 202);
            Assert.All(await fixture.Factory.RunEnqueuedJobsAsync(desk.Tenant.TenantId), Assert.Null);
            foreach (var (name, url) in EmployerPages)
            {
                pages.Add((name, Visitor.Owner, url));
            }

            pages.Add(("site", Visitor.Owner, $"/console/sites/{site.Id}"));

            await ShootAsync(desk, pages, folder);
        }
        finally
        {
            clock.Advance(-advanced);
        }
    }

    private async Task ShootAsync(HandlerDesk desk, List<(string Name, Visitor Visitor, string Url)> pages, string? folder)
    {
        var contexts = new List<IBrowserContext>();
        try
        {
            foreach (var width in Widths)
            {
                var people = new Dictionary<Visitor, IPage>();
                foreach (var (name, visitor, url) in pages)
                {
                    if (!people.TryGetValue(visitor, out var page))
                    {
                        var context = await fixture.PersonContextAsync(width);
                        contexts.Add(context);
                        page = await context.NewPageAsync();
                        people[visitor] = page;
                        await (visitor == Visitor.Owner ? desk.SignInOwnerAsync(page) : desk.SignInAsync(page));
                    }

                    var response = await page.GotoAsync(url);
                    Assert.Equal(200, response!.Status);
                    var scrollWidth = await page.EvaluateAsync<int>("() => document.documentElement.scrollWidth");
                    Assert.True(scrollWidth <= width, $"{name} is {scrollWidth} px wide at {width} px: it scrolls sideways.");
                    if (folder is not null)
                    {
                        var file = Path.Combine(folder, $"{name}-{width}.png");
                        await page.ScreenshotAsync(new PageScreenshotOptions { Path = file, FullPage = true });
                        output.WriteLine($"wrote {file}");
                    }
                }
            }
        }
        catch
        {
            await Failure.ScreenshotsAsync(nameof(ScreenshotsTests), [.. contexts]);
            throw;
        }
        finally
        {
            foreach (var context in contexts)
            {
                await context.CloseAsync();
            }
        }
    }

    /// <summary><c>docs/screenshots/</c> of the repository this test was built from (found by walking up to Compliance.sln).</summary>
    private static string ScreenshotFolder()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Compliance.sln")))
        {
            dir = dir.Parent;
        }

        var folder = Path.Combine(dir?.FullName ?? throw new InvalidOperationException("No Compliance.sln above " + AppContext.BaseDirectory), "docs", "screenshots");
        Directory.CreateDirectory(folder);
        return folder;
    }
}
