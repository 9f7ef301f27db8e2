using System.Net;
using System.Net.Sockets;
using Compliance.Api.Infrastructure.Pdf;
using Microsoft.Extensions.Options;
using UglyToad.PdfPig;

namespace Compliance.IntegrationTests.Foundation;

/// <summary>The product's one PDF path, printing with the machine's Chromium (installed by <c>.ci/run</c>).</summary>
public sealed class PdfPrinterTests : IAsyncLifetime, IDisposable
{
    private readonly PdfPrinter _printer = new(Options.Create(new PdfPrintingOptions()));
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);

    public Task InitializeAsync()
    {
        _listener.Start();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _printer.DisposeAsync();

    public void Dispose()
    {
        _listener.Stop();
        _listener.Dispose();
    }

    private static string Text(byte[] pdf)
    {
        using var document = PdfDocument.Open(pdf);
        return string.Join("\n", document.GetPages().Select(p => p.Text));
    }

    [Fact]
    public async Task Print_GivesAPdfWhoseTextHoldsTheHtmlsHeadingsAndFigures()
    {
        var pdf = await _printer.PrintAsync(
            "<!doctype html><html lang=\"en\"><body><h1>Annual review</h1><table><tr><td>Median days</td><td>4.5</td></tr></table></body></html>",
            CancellationToken.None);

        Assert.StartsWith("%PDF-", System.Text.Encoding.ASCII.GetString(pdf, 0, 5));
        var text = Text(pdf);
        Assert.Contains("Annual review", text);
        Assert.Contains("4.5", text);
    }

    [Fact]
    public async Task Print_NeitherFetchesNorRunsAnything_ThePageCannotCallOut()
    {
        var port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        var html = $"<!doctype html><html><body><p id=\"p\">static</p><img src=\"http://127.0.0.1:{port}/beacon.png\">" +
                   "<script>document.getElementById('p').textContent = 'scripted';</script></body></html>";

        var text = Text(await _printer.PrintAsync(html, CancellationToken.None));

        Assert.Contains("static", text);
        Assert.DoesNotContain("scripted", text);
        Assert.False(_listener.Pending(), "the printed page opened a connection to an outside address");
    }

    [Fact]
    public async Task Print_WithoutChromium_SaysHowToInstallIt()
    {
        await using var printer = new PdfPrinter(Options.Create(new PdfPrintingOptions { ChromiumPath = "/nonexistent/chromium" }));

        var e = await Assert.ThrowsAsync<PdfPrinterUnavailableException>(() => printer.PrintAsync("<p>x</p>", CancellationToken.None));

        Assert.Contains("apt-get install chromium", e.Message);
        Assert.Contains("/nonexistent/chromium", e.Message);
    }
}
