using Microsoft.Extensions.Options;
using PuppeteerSharp;
using PuppeteerSharp.Media;

namespace Compliance.Api.Infrastructure.Pdf;

/// <summary>Where the product's one PDF path finds its browser.</summary>
public sealed class PdfPrintingOptions
{
    public const string Section = "Pdf";

    /// <summary>The Chromium executable (Debian's package by default). Never downloaded: the product prints with the machine's own browser.</summary>
    public string ChromiumPath { get; set; } = "/usr/bin/chromium";

    /// <summary>How many documents print at once; each is a tab in one shared headless browser.</summary>
    public int MaxConcurrentPrints { get; set; } = 2;
}

/// <summary>Raised when PDF printing is asked for and Chromium is not installed; the endpoints answer 503 with its message.</summary>
public sealed class PdfPrinterUnavailableException(string message) : Exception(message);

/// <summary>
/// The product's one PDF path: the same HTML a page serves, printed by headless Chromium (PuppeteerSharp driving the
/// machine's browser). Printing rather than a PDF library keeps one template per document, with the fonts of every
/// worker script the browser has, and the PDF matching the HTML a reader can open. The page is printed with
/// JavaScript off and every request other than <c>data:</c> refused, so a document can neither run code nor reach
/// the network (nothing in it can call out and reveal who is reading it).
/// </summary>
public sealed class PdfPrinter(IOptions<PdfPrintingOptions> options) : IAsyncDisposable
{
    private static readonly string[] ChromiumArgs = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"];
    private readonly SemaphoreSlim _launch = new(1, 1);
    private readonly SemaphoreSlim _prints = new(Math.Max(1, options.Value.MaxConcurrentPrints));
    private IBrowser? _browser;

    /// <summary>The one line that says how to make printing work, naming the path looked at.</summary>
    public string InstallHint =>
        $"PDF printing needs Chromium at {options.Value.ChromiumPath}: install it with 'sudo apt-get install chromium' or set Pdf__ChromiumPath to a Chromium executable.";

    /// <summary>Prints a whole HTML document to an A4 PDF.</summary>
    /// <exception cref="PdfPrinterUnavailableException">Chromium is not installed where configured.</exception>
    public async Task<byte[]> PrintAsync(string html, CancellationToken ct)
    {
        var browser = await BrowserAsync(ct);
        await _prints.WaitAsync(ct);
        try
        {
            await using var page = await browser.NewPageAsync();
            await page.SetJavaScriptEnabledAsync(false);
            await page.SetRequestInterceptionAsync(true);
            page.Request += async (_, e) =>
            {
                if (e.Request.Url.StartsWith("data:", StringComparison.Ordinal))
                {
                    await e.Request.ContinueAsync();
                }
                else
                {
                    await e.Request.AbortAsync();
                }
            };
            await page.SetContentAsync(html);
            return await page.PdfDataAsync(new PdfOptions
            {
                Format = PaperFormat.A4,
                PrintBackground = true,
                MarginOptions = new MarginOptions { Top = "15mm", Bottom = "15mm", Left = "12mm", Right = "12mm" },
            });
        }
        finally
        {
            _prints.Release();
        }
    }

    private async Task<IBrowser> BrowserAsync(CancellationToken ct)
    {
        if (_browser is { IsConnected: true } running)
        {
            return running;
        }

        await _launch.WaitAsync(ct);
        try
        {
            if (_browser is { IsConnected: true } launched)
            {
                return launched;
            }

            if (!File.Exists(options.Value.ChromiumPath))
            {
                throw new PdfPrinterUnavailableException(InstallHint);
            }

            if (_browser is not null)
            {
                await _browser.DisposeAsync();
            }

            _browser = await Puppeteer.LaunchAsync(new LaunchOptions
            {
                Headless = true,
                ExecutablePath = options.Value.ChromiumPath,
                Args = ChromiumArgs,
            });
            return _browser;
        }
        finally
        {
            _launch.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _launch.Dispose();
        _prints.Dispose();
    }
}

/// <summary>Turns HTML into a PDF response, or the 503 that says Chromium is missing.</summary>
public static class PdfResults
{
    public static async Task<IResult> PdfAsync(PdfPrinter printer, string html, string fileName, CancellationToken ct)
    {
        try
        {
            var bytes = await printer.PrintAsync(html, ct);
            return TypedResults.File(bytes, "application/pdf", fileName);
        }
        catch (PdfPrinterUnavailableException e)
        {
            return TypedResults.Problem(title: "PDF printing is unavailable", detail: e.Message, statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    public static IServiceCollection AddPdfPrinting(this IServiceCollection services)
    {
        services.AddOptions<PdfPrintingOptions>().BindConfiguration(PdfPrintingOptions.Section);
        services.AddSingleton<PdfPrinter>();
        return services;
    }
}
