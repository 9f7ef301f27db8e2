using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace Compliance.Benchmarks;

/// <summary>
/// Issue #18's "the same answer and timing for unknown and known emails", measured rather than asserted: failed
/// sign-ins through the real console form (antiforgery, rate limiter, Identity, lockout counting) for emails nobody
/// has against wrong passwords for real accounts, one at a time, interleaved; with a raw lookup of a person by email
/// as the floor, in the same run.
/// </summary>
public sealed partial class SignInBenchmark : IBenchmark
{
    private const string Password = "correct horse battery staple";

    public string Name => "signin";

    public string Description => "failed console sign-ins: unknown email vs wrong password (--attempts N per kind, --accounts A)";

    public async Task RunAsync(BenchOptions options)
    {
        var attempts = options.Number("attempts", 200);
        var accounts = options.Number("accounts", 60);
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_COMPLIANCE_API", AppContext.BaseDirectory);
        await using var db = await BenchDatabase.StartAsync("bench_signin");
        await using var app = db.App().WithWebHostBuilder(b => b.UseSetting("People:SignInAttemptsPerMinute", "100000000"));
        using var api = app.CreateClient();
        var emails = new List<string>();
        for (var i = 0; i < accounts; i++)
        {
            var email = $"admin{i}.{Guid.NewGuid():N}@bench.example";
            (await api.PostAsJsonAsync("/api/v1/handling-offices", new
            {
                name = $"Office {i}",
                kind = "independent-ngo",
                countryCode = "MY",
                contact = "x@bench.example",
                adminEmail = email,
                adminDisplayName = $"Admin {i}",
                adminPassword = Password,
            })).EnsureSuccessStatusCode();
            emails.Add(email);
        }

        using var browser = app.CreateClient(new WebApplicationFactoryClientOptions { BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = true });
        var token = Token().Match(await browser.GetStringAsync("/console/sign-in")).Groups[1].Value;
        async Task<(int Status, string Body)> FailAsync(string email)
        {
            using var form = new FormUrlEncodedContent([new("__RequestVerificationToken", token), new("email", email), new("password", "wrong password, nearly right")]);
            using var response = await browser.PostAsync("/console/sign-in", form);
            return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
        }

        // Warm-up, and the answers themselves: the same status and the same page for both kinds.
        var unknownAnswer = await FailAsync($"nobody.{Guid.NewGuid():N}@bench.example");
        var knownAnswer = await FailAsync(emails[0]);
        Console.WriteLine($"answers  : unknown {unknownAnswer.Status}, known {knownAnswer.Status}, bodies identical: {unknownAnswer.Body == knownAnswer.Body}");

        // Interleaved so drift (GC, the cluster's cache) falls on both kinds alike. Known accounts take at most 4
        // failures each (the fifth would lock them out and measure the lockout path instead).
        var unknown = new Latencies();
        var known = new Latencies();
        var next = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < attempts; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await FailAsync($"nobody.{Guid.NewGuid():N}@bench.example");
            unknown.Add(Stopwatch.GetElapsedTime(started));

            var email = emails[i % emails.Count];
            next[email] = next.GetValueOrDefault(email) + 1;
            if (next[email] > 4)
            {
                break;
            }

            started = Stopwatch.GetTimestamp();
            await FailAsync(email);
            known.Add(Stopwatch.GetElapsedTime(started));
        }

        // Floor: the database part alone, one indexed lookup by normalized email.
        var raw = new Latencies();
        await using (var dataSource = NpgsqlDataSource.Create(db.Owner))
        {
            for (var i = 0; i < attempts; i++)
            {
                var started = Stopwatch.GetTimestamp();
                await using var cmd = dataSource.CreateCommand("select id, password_hash, security_stamp from people where normalized_email = $1");
                cmd.Parameters.AddWithValue(emails[i % emails.Count].ToUpperInvariant());
                await using var reader = await cmd.ExecuteReaderAsync();
                await reader.ReadAsync();
                raw.Add(Stopwatch.GetElapsedTime(started));
            }
        }

        Console.WriteLine($"unknown  : {unknown.Summary()}");
        Console.WriteLine($"known    : {known.Summary()}");
        Console.WriteLine($"raw SQL  : {raw.Summary()} (SELECT of one person by email)");
        Console.WriteLine($"ratio    : unknown/known p50 {unknown.Percentile(50) / known.Percentile(50):F3}, p95 {unknown.Percentile(95) / known.Percentile(95):F3}; known/raw p50 {known.Percentile(50) / raw.Percentile(50):F1}x");
        Console.WriteLine($"throughput: {1000 / known.Percentile(50):F1} failed sign-ins/s per request in sequence (one core hashing)");
    }

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex Token();
}
