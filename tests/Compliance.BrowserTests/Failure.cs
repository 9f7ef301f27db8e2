using Microsoft.Playwright;

namespace Compliance.BrowserTests;

/// <summary>On a failed test, a full-page screenshot of every open page, under the test output folder (never under docs/).</summary>
internal static class Failure
{
    public static async Task ScreenshotsAsync(string name, params IBrowserContext[] contexts)
    {
        var folder = Path.Combine(AppContext.BaseDirectory, "screenshots");
        Directory.CreateDirectory(folder);
        var n = 0;
        foreach (var page in contexts.SelectMany(c => c.Pages))
        {
            try
            {
                await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(folder, $"{name}-{++n}.png"), FullPage = true });
            }
            catch (PlaywrightException)
            {
                // A page that is gone has nothing to show; the test's own failure is what matters.
            }
        }
    }
}
