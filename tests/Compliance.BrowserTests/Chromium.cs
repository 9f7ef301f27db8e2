using Microsoft.Playwright;

namespace Compliance.BrowserTests;

/// <summary>
/// The machine's own Chromium (Debian's package), never a browser downloaded by Playwright. Missing, it fails the test
/// with one line that says what to install.
/// </summary>
public static class Chromium
{
    /// <summary><c>CHROMIUM_PATH</c> when set (e.g. macOS), otherwise Debian's <c>/usr/bin/chromium</c>.</summary>
    public static string ExecutablePath => Environment.GetEnvironmentVariable("CHROMIUM_PATH") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public static Task<IBrowser> LaunchAsync(IPlaywright playwright)
    {
        ArgumentNullException.ThrowIfNull(playwright);
        if (!File.Exists(ExecutablePath))
        {
            throw new InvalidOperationException(
                $"Chromium is missing at {ExecutablePath}: install it with 'sudo apt-get install chromium' (Debian/Ubuntu) or 'brew install --cask chromium' and set CHROMIUM_PATH (macOS).");
        }

        return playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ExecutablePath,
            Headless = true,
            Args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        });
    }
}
