using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Compliance.Api.Infrastructure.Database;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Compliance.Benchmarks;

/// <summary>
/// Intake by SMS under concurrent load: per grievance, a scripted conversation of six signed Twilio webhooks over HTTP
/// in process (first message, language, categories, the worker's words, the end keyword, consent), each signature
/// verified by the app, against a raw parameterised INSERT of the same row shape in the same run (the intake
/// benchmark's baseline). The six messages of one conversation are sequential; conversations run concurrently.
/// </summary>
public sealed class ChannelIntakeBenchmark : IBenchmark
{
    private const string PublicBaseUrl = "https://intake.example.org";
    private const string AuthToken = "bench-twilio-auth-token";
    private const string Narrative =
        "एजेन्टले आइपुग्दा मेरो राहदानी लियो र कामको लागि 4,500 रिङ्गिट ऋण छ भन्छ। हरेक महिना तलबबाट पैसा काट्छन्। " +
        "हामी एउटै कोठामा बाह्र जना छौं र हप्ताको छ दिन चौध घण्टा काम गर्छौं।";

    public string Name => "channel-intake";

    public string Description => "6-message signed SMS conversation per grievance over HTTP vs raw INSERT (--grievances N --concurrency C)";

    public async Task RunAsync(BenchOptions options)
    {
        var grievances = options.Number("grievances", 500);
        var concurrency = options.Number("concurrency", 16);
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_COMPLIANCE_API", AppContext.BaseDirectory);
        await using var db = await BenchDatabase.StartAsync("bench_channel_intake");
        await using var app = db.App().WithWebHostBuilder(b =>
        {
            b.UseSetting("Channels:PublicBaseUrl", PublicBaseUrl);
            b.UseSetting("Channels:Twilio:AccountSid", "AC0123456789abcdef0123456789abcdef");
            b.UseSetting("Channels:Twilio:AuthToken", AuthToken);
        });
        using var client = app.CreateClient();

        var signup = await (await client.PostAsJsonAsync("/api/v1/tenants", new { name = "Bench", contactEmail = "bench@example.com" })).Content.ReadFromJsonAsync<JsonElement>();
        var tenantId = signup.GetProperty("tenantId").GetGuid();
        using var owner = app.CreateClient();
        owner.DefaultRequestHeaders.Authorization = new("Bearer", signup.GetProperty("apiKey").GetString());
        var supplierId = (await (await owner.PostAsJsonAsync("/api/v1/suppliers", new { name = "Glove Co", countryCode = "MY" })).Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        var site = await (await owner.PostAsJsonAsync("/api/v1/sites", new { supplierId, name = "Plant 1", countryCode = "MY", sector = "rubber-gloves", workerHousing = true })).Content.ReadFromJsonAsync<JsonElement>();
        var siteId = site.GetProperty("id").GetGuid();
        const string ours = "+60111234567";
        (await owner.PostAsJsonAsync("/api/v1/channel-numbers", new { channel = "sms", number = ours, siteId })).EnsureSuccessStatusCode();

        var conversation = 0;
        var messages = new Latencies();
        async Task ConverseAsync()
        {
            var worker = $"+6019{Interlocked.Increment(ref conversation):D8}";
            foreach (var body in new[] { "hello", "4", "11 12 14", Narrative, "सकियो", "1" })
            {
                var started = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(Signed(worker, ours, body));
                response.EnsureSuccessStatusCode();
                var twiml = await response.Content.ReadAsStringAsync();
                messages.Add(Stopwatch.GetElapsedTime(started));
                if (body == "1" && !twiml.Contains("<Message", StringComparison.Ordinal))
                {
                    throw new InvalidOperationException("The conversation did not end with a receipt.");
                }
            }
        }

        for (var i = 0; i < 20; i++)
        {
            await ConverseAsync();
        }

        var warm = messages.Count;
        messages = new Latencies();
        var sms = await IntakeBenchmark.MeasureAsync(db, grievances, concurrency, ConverseAsync);

        // The same baseline as the web intake's benchmark: the rows one grievance writes, over the app's runtime connection settings.
        await using var dataSource = NpgsqlDataSource.Create(app.Services.GetRequiredService<DatabaseConnections>().Runtime);
        var ciphertextLength = 1 + 12 + 16 + Encoding.UTF8.GetByteCount(Narrative);
        var rawIntake = new IntakeBenchmark.RawIntake(dataSource, tenantId, siteId, supplierId, ciphertextLength);
        var raw = await IntakeBenchmark.MeasureAsync(db, grievances, concurrency, rawIntake.InsertAsync);

        Console.WriteLine($"channel intake: {grievances} grievances by SMS, 6 signed webhooks each, concurrency {concurrency} conversations ({messages.Count} timed webhooks after {warm} warm-up)");
        Console.WriteLine($"  SMS conversation : {sms.PerSecond,8:F1} grievances/s ({sms.PerSecond * 6,6:F0} webhooks/s), per grievance {sms.Summary("grievances/s")}");
        Console.WriteLine($"  one webhook      : {messages.Summary()}");
        Console.WriteLine($"  raw INSERT       : {raw.Summary("grievances/s")}");
        Console.WriteLine($"  ratio            : SMS intake throughput = {sms.PerSecond / raw.PerSecond:P1} of raw INSERT; p50 x{sms.Latencies.Percentile(50) / raw.Latencies.Percentile(50):F1}");
    }

    /// <summary>A webhook as Twilio sends it: form-encoded, signed with HMAC-SHA1 of the public URL and the sorted parameters.</summary>
    private static HttpRequestMessage Signed(string from, string to, string body)
    {
        var form = new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["AccountSid"] = "AC0123456789abcdef0123456789abcdef",
            ["Body"] = body,
            ["From"] = from,
            ["MessageSid"] = "SM" + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant(),
            ["To"] = to,
        };
        const string path = "/channels/twilio/sms";
        var data = new StringBuilder(PublicBaseUrl + path);
        foreach (var (key, value) in form)
        {
            data.Append(key).Append(value);
        }

#pragma warning disable CA5350 // Twilio's scheme is HMAC-SHA1; the benchmark signs as Twilio does.
        var signature = Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(AuthToken), Encoding.UTF8.GetBytes(data.ToString())));
#pragma warning restore CA5350
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Add("X-Twilio-Signature", signature);
        return request;
    }
}
