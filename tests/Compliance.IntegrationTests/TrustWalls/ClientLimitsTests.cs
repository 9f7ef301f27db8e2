using System.Net;
using System.Net.Http.Json;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.WorkerVoice;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.IntegrationTests.TrustWalls;

/// <summary>
/// The app behind a reverse proxy at <see cref="ProxyAddress"/> (configured as known). The in-process test server
/// has no network peer, so a test-only startup filter gives each request its peer address: the known proxy, or the
/// one named in <see cref="PeerHeader"/>. Clients are then told apart by <c>X-Forwarded-For</c>, as in production.
/// </summary>
public sealed class BehindProxyFactory : ComplianceApiFactory
{
    public const string ProxyAddress = "10.9.9.9";
    public const string PeerHeader = "X-Test-Peer";
    public const int GuessesPerClient = 3;
    public const int FloodThreshold = 5;
    public const int FilingsPerHour = 5;

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Network:KnownProxies:0", ProxyAddress),
        new("WorkerVoice:ReceiptFailuresPerClient", GuessesPerClient.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("WorkerVoice:ReceiptFailuresGlobal", FloodThreshold.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("WorkerVoice:FilingsPerClientPerHour", FilingsPerHour.ToString(System.Globalization.CultureInfo.InvariantCulture)),
    ];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        base.ConfigureWebHost(builder);
        builder.ConfigureTestServices(services => services.AddSingleton<IStartupFilter, PeerAddressFilter>());
    }

    /// <summary>A client whose requests arrive through the known proxy, forwarded for <paramref name="address"/>.</summary>
    public HttpClient Via(string address, string? peer = null)
    {
        var client = Client();
        client.DefaultRequestHeaders.Add("X-Forwarded-For", address);
        if (peer is not null)
        {
            client.DefaultRequestHeaders.Add(PeerHeader, peer);
        }

        return client;
    }

    private sealed class PeerAddressFilter : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Connection.RemoteIpAddress = IPAddress.Parse(
                    context.Request.Headers.TryGetValue(PeerHeader, out var peer) ? peer.ToString() : ProxyAddress);
                return nextMiddleware(context);
            });
            next(app);
        };
    }
}

/// <summary>Issue 16, holes 6 and 7: per-client limits on the anonymous worker path, never a global kill switch.</summary>
public class ClientLimitsTests(BehindProxyFactory factory) : IClassFixture<BehindProxyFactory>
{
    private static object Guess(int i) => new { receipt = $"9876 5432 1098 7654 {i:0000}" };

    private async Task<int> FollowUpAsync(HttpClient client, object body) =>
        (int)(await client.PostAsJsonAsync("/api/v1/intake/follow-up", body)).StatusCode;

    [Fact]
    public async Task Hole06_ManyWrongGuessesFromOneClient_DoNotBlockAnotherClientsCorrectReceipt()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync();
        var guesser = factory.Via("203.0.113.10");
        var statuses = new List<int>();
        for (var i = 0; i < 4 * BehindProxyFactory.FloodThreshold; i++)
        {
            statuses.Add(await FollowUpAsync(guesser, Guess(i)));
        }

        Assert.Equal(Enumerable.Repeat(404, BehindProxyFactory.GuessesPerClient), statuses.Take(BehindProxyFactory.GuessesPerClient));
        Assert.All(statuses.Skip(BehindProxyFactory.GuessesPerClient), s => Assert.Equal(429, s));

        // What each refusal says: a problem that names nothing of the case or the limit's numbers.
        var unknown = await Http.JsonAsync(await factory.Via("203.0.113.12").PostAsJsonAsync("/api/v1/intake/follow-up", Guess(1)), 404);
        Assert.Equal("Unknown receipt.", unknown.GetProperty("title").GetString());
        var limited = await Http.JsonAsync(await guesser.PostAsJsonAsync("/api/v1/intake/follow-up", new { receipt = filed.Receipt }), 429);
        Assert.Equal("Too many attempts. Try again later.", limited.GetProperty("title").GetString());
        var page = await guesser.PostAsync("/v/follow-up?lang=bn", new FormUrlEncodedContent([KeyValuePair.Create("receipt", filed.Receipt)]));
        Assert.Equal(429, (int)page.StatusCode);
        Assert.Contains(await LabelAsync("bn", "too_many_attempts"), WebUtility.HtmlDecode(await page.Content.ReadAsStringAsync()), StringComparison.Ordinal);

        // More wrong guesses from other clients: together past the flood threshold.
        for (var c = 0; c < BehindProxyFactory.FloodThreshold; c++)
        {
            Assert.Equal(404, await FollowUpAsync(factory.Via($"203.0.113.{100 + c}"), Guess(c)));
        }

        Assert.Equal(200, await FollowUpAsync(factory.Via("203.0.113.11"), new { receipt = filed.Receipt }));

        // The flood is reported, with neither an address nor a receipt in the line (DNH-2, DNH-9).
        var lines = factory.Logs.Lines.ToList();
        Assert.Contains(lines, l => l.Contains("Wrong receipts across all clients", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains("203.0.113.", StringComparison.Ordinal) || l.Contains("9876", StringComparison.Ordinal));
        Assert.DoesNotContain(lines, l => l.Contains(filed.Receipt, StringComparison.Ordinal) || l.Contains(filed.Receipt.Replace(" ", "", StringComparison.Ordinal), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Hole06_TwoIpv6AddressesInOneSlash64_ShareALimit()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync();
        for (var i = 0; i < BehindProxyFactory.GuessesPerClient; i++)
        {
            Assert.Equal(404, await FollowUpAsync(factory.Via($"2001:db8:16:6::{i + 1:x}"), Guess(i)));
        }

        Assert.Equal(429, await FollowUpAsync(factory.Via("2001:db8:16:6:ffff:ffff:ffff:fffe"), new { receipt = filed.Receipt }));
        Assert.Equal(200, await FollowUpAsync(factory.Via("2001:db8:16:7::1"), new { receipt = filed.Receipt }));
    }

    [Fact]
    public async Task Hole06_ForwardedForFromAnUnknownProxy_IsIgnored()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync();
        const string Stranger = "192.0.2.99";
        for (var i = 0; i < BehindProxyFactory.GuessesPerClient; i++)
        {
            // Each request claims another client, but the peer is not a known proxy: it is one client.
            Assert.Equal(404, await FollowUpAsync(factory.Via($"198.51.100.{i + 1}", peer: Stranger), Guess(i)));
        }

        Assert.Equal(429, await FollowUpAsync(factory.Via("198.51.100.200", peer: Stranger), new { receipt = filed.Receipt }));
        Assert.Equal(200, await FollowUpAsync(factory.Via("198.51.100.200"), new { receipt = filed.Receipt }));
    }

    [Fact]
    public async Task Hole07_FilingsPerClient_AreLimited_InTheWorkersLanguage_AndNothingIsWritten()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var url = $"/api/v1/intake/{site.IntakeCode}/grievances";
        var client = factory.Via("203.0.113.70");
        for (var i = 0; i < BehindProxyFactory.FilingsPerHour; i++)
        {
            await Http.EnsureStatusAsync(await client.PostAsJsonAsync(url, WorkerVoiceHelpers.Intake()), 201);
        }

        var before = await factory.CountRowsAsync("grievances");
        var refused = await client.PostAsJsonAsync(url, WorkerVoiceHelpers.Intake(language: "ne"));
        var problem = await Http.JsonAsync(refused, 429);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Equal(await LabelAsync("ne"), problem.GetProperty("detail").GetString());
        Assert.Equal(before, await factory.CountRowsAsync("grievances"));

        // Another client is not affected; the first can file again after an hour.
        await Http.EnsureStatusAsync(await factory.Via("203.0.113.71").PostAsJsonAsync(url, WorkerVoiceHelpers.Intake()), 201);
        factory.Clock.Advance(TimeSpan.FromMinutes(61));
        await Http.EnsureStatusAsync(await client.PostAsJsonAsync(url, WorkerVoiceHelpers.Intake()), 201);
    }

    [Fact]
    public async Task Hole07_WorkerPage_ShowsTheSameNeutralMessage_AndWritesNothing()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var client = factory.Via("2001:db8:77:7::1");
        FormUrlEncodedContent Form() => new([KeyValuePair.Create("categories", "documents-held"), KeyValuePair.Create("narrative", "Mật khẩu")]);
        for (var i = 0; i < BehindProxyFactory.FilingsPerHour; i++)
        {
            await Http.EnsureStatusAsync(await client.PostAsync($"/v/{site.IntakeCode}/vi", Form()), 200);
        }

        var before = await factory.CountRowsAsync("grievances");
        var refused = await client.PostAsync($"/v/{site.IntakeCode}/vi", Form());
        Assert.Equal(429, (int)refused.StatusCode);
        var html = WebUtility.HtmlDecode(await refused.Content.ReadAsStringAsync());
        Assert.Contains(await LabelAsync("vi"), html, StringComparison.Ordinal);
        Assert.Equal(before, await factory.CountRowsAsync("grievances"));
    }

    [Fact]
    public async Task Hole07_EveryLanguageHasTheNeutralMessage_InItsOwnWords()
    {
        var english = await LabelAsync("en");
        foreach (var lang in Compliance.Domain.Reference.Languages.Supported)
        {
            var text = await LabelAsync(lang);
            Assert.False(string.IsNullOrWhiteSpace(text), lang);
            Assert.True(lang == "en" || text != english, lang);
        }
    }

    private async Task<string> LabelAsync(string lang, string error = "too_many_reports")
    {
        await using var scope = factory.CreateScope();
        return scope.ServiceProvider.GetRequiredService<Compliance.Api.Features.WorkerVoice.WorkerLabels>().For(lang).Errors[error];
    }
}
