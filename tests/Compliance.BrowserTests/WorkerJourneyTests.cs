using System.Net.Http.Json;
using System.Text.Json;
using Compliance.Api.Infrastructure.Templates;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Compliance.BrowserTests;

/// <summary>
/// A worker on a cheap phone (360 px, JavaScript off) files in Nepali, writes the receipt down, follows up and
/// reads a case handler's reply in Nepali. Screenshots are saved under the test output folder on failure.
/// </summary>
public class WorkerJourneyTests(KestrelApiFactory factory) : IClassFixture<KestrelApiFactory>
{
    [Fact]
    public async Task Worker_FilesInNepali_FollowsUpByReceipt_AndReadsTheHandlersReplyInNepali()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            JavaScriptEnabled = false,
            ViewportSize = new ViewportSize { Width = 360, Height = 740 },
            BaseURL = factory.BaseAddress.ToString(),
        });
        var page = await context.NewPageAsync();
        var external = new List<string>();
        page.Request += (_, r) =>
        {
            if (!r.Url.StartsWith(factory.BaseAddress.GetLeftPart(UriPartial.Authority), StringComparison.Ordinal))
            {
                external.Add(r.Url);
            }
        };

        try
        {
            await page.GotoAsync($"/v/{site.IntakeCode}");
            Assert.Equal("Worker Voice", await page.TitleAsync());
            await page.GetByText("नेपाली").ClickAsync();
            Assert.Equal("ne", await page.Locator("html").GetAttributeAsync("lang"));
            await page.Locator("input[name=categories][value=documents-held]").CheckAsync();
            await page.Locator("input[name=categories][value=owe-money]").CheckAsync();
            await page.Locator("#narrative").FillAsync("मेरो राहदानी कम्पनीले राखेको छ।");
            await page.Locator("form button[type=submit]").ClickAsync();

            var receipt = (await page.Locator(".receipt").InnerTextAsync()).Trim();
            Assert.Matches(@"^\d{4}( \d{4}){4}$", receipt);
            Assert.DoesNotContain(receipt.Replace(" ", string.Empty, StringComparison.Ordinal), page.Url, StringComparison.Ordinal);

            var handler = await tenant.ClientAsync("case-handler");
            var list = await Http.JsonAsync(await handler.GetAsync("/api/v1/grievances"));
            var grievance = list.GetProperty("items")[0];
            Assert.Equal("ne", grievance.GetProperty("language").GetString());
            var id = grievance.GetProperty("id").GetGuid();
            await Http.EnsureStatusAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/status", new { status = "acknowledged" }), 200);
            await Http.EnsureStatusAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/replies", new { template = "acknowledged" }), 201);

            await page.Locator("a.button").ClickAsync();
            Assert.DoesNotContain("receipt=", page.Url, StringComparison.Ordinal);
            await page.Locator("#receipt").FillAsync(receipt);
            await page.Locator("form button[type=submit]").ClickAsync();

            Assert.Equal("ne", await page.Locator("html").GetAttributeAsync("lang"));
            string expected;
            await using (var scope = factory.CreateScope())
            {
                expected = scope.ServiceProvider.GetRequiredService<TemplateStore>()
                    .Render("worker/ne/replies/acknowledged.sbn", new { CaseReference = grievance.GetProperty("caseReference").GetString() }).Trim();
            }

            var reply = (await page.Locator("article.msg:not(.mine) .text").First.InnerTextAsync()).Trim();
            Assert.Equal(expected.ReplaceLineEndings(" "), reply.ReplaceLineEndings(" "));
            Assert.Contains(grievance.GetProperty("caseReference").GetString()!, reply, StringComparison.Ordinal);
            Assert.Empty(await context.CookiesAsync());
            Assert.Empty(external);
        }
        catch
        {
            var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{nameof(Worker_FilesInNepali_FollowsUpByReceipt_AndReadsTheHandlersReplyInNepali)}.png"), FullPage = true });
            throw;
        }
    }
}
