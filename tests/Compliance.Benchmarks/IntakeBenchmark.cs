using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Compliance.Api.Infrastructure.Database;
using Npgsql;

namespace Compliance.Benchmarks;

/// <summary>
/// Anonymous intake under concurrent load (HTTP in process: validation, intake-code resolution, tenant
/// transaction, envelope encryption, receipt HMAC, insert) against a raw parameterised INSERT of the same row
/// shape, each in its own tenant-scoped transaction, in the same run.
/// </summary>
public sealed class IntakeBenchmark : IBenchmark
{
    private const string Narrative =
        "The agent took my passport when we arrived and says I owe 4,500 ringgit for the job. They take money from my pay every month. " +
        "We are twelve in one room and work fourteen hours, six days a week. I am afraid to ask for my passport back because they said " +
        "they would report me to immigration. My friend was hurt at the machine and they made him keep working.";

    public string Name => "intake";

    public string Description => "POST /api/v1/intake/{code}/grievances under concurrency vs raw INSERT (--requests N --concurrency C)";

    public async Task RunAsync(BenchOptions options)
    {
        var requests = options.Number("requests", 2000);
        var concurrency = options.Number("concurrency", 16);
        // WebApplicationFactory otherwise guesses the content root from the solution layout, which fails when run from the repository root.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_COMPLIANCE_API", AppContext.BaseDirectory);
        await using var db = await BenchDatabase.StartAsync("bench_intake");
        await using var app = db.App();
        using var anonymous = app.CreateClient();

        var signup = await (await anonymous.PostAsJsonAsync("/api/v1/tenants", new { name = "Bench", contactEmail = "bench@example.com" })).Content.ReadFromJsonAsync<JsonElement>();
        var tenantId = signup.GetProperty("tenantId").GetGuid();
        using var owner = app.CreateClient();
        owner.DefaultRequestHeaders.Authorization = new("Bearer", signup.GetProperty("apiKey").GetString());
        var supplier = await (await owner.PostAsJsonAsync("/api/v1/suppliers", new { name = "Glove Co", countryCode = "MY" })).Content.ReadFromJsonAsync<JsonElement>();
        var supplierId = supplier.GetProperty("id").GetGuid();
        var site = await (await owner.PostAsJsonAsync("/api/v1/sites", new { supplierId, name = "Plant 1", countryCode = "MY", sector = "rubber-gloves", workerHousing = true })).Content.ReadFromJsonAsync<JsonElement>();
        var siteId = site.GetProperty("id").GetGuid();
        var url = $"/api/v1/intake/{site.GetProperty("intakeCode").GetString()}/grievances";
        var body = new { language = "ne", categories = new[] { "documents-held", "owe-money", "too-many-hours" }, narrative = Narrative, consent = new Dictionary<string, bool> { ["ngo"] = true } };

        for (var i = 0; i < 50; i++)
        {
            (await anonymous.PostAsJsonAsync(url, body)).EnsureSuccessStatusCode();
        }

        var intake = await MeasureAsync(requests, concurrency, async () =>
        {
            using var response = await anonymous.PostAsJsonAsync(url, body);
            response.EnsureSuccessStatusCode();
        });

        await using var dataSource = NpgsqlDataSource.Create(db.Runtime);
        var ciphertextLength = 1 + 12 + 16 + System.Text.Encoding.UTF8.GetByteCount(Narrative);
        var raw = await MeasureAsync(requests, concurrency, () => RawInsertAsync(dataSource, tenantId, siteId, supplierId, ciphertextLength));

        Console.WriteLine($"intake: {requests} grievances, concurrency {concurrency}, narrative {Narrative.Length} chars");
        Console.WriteLine($"  HTTP intake : {intake.PerSecond,8:F0} grievances/s, {intake.Latencies.Summary()}");
        Console.WriteLine($"  raw INSERT  : {raw.PerSecond,8:F0} rows/s,       {raw.Latencies.Summary()}");
        Console.WriteLine($"  ratio       : intake throughput = {intake.PerSecond / raw.PerSecond:P0} of raw INSERT; p50 x{intake.Latencies.Percentile(50) / raw.Latencies.Percentile(50):F1}, p99 x{intake.Latencies.Percentile(99) / raw.Latencies.Percentile(99):F1}");
    }

    internal static async Task<(double PerSecond, Latencies Latencies)> MeasureAsync(int requests, int concurrency, Func<Task> action)
    {
        var latencies = new Latencies();
        var next = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, concurrency).Select(async _ =>
        {
            while (Interlocked.Increment(ref next) <= requests)
            {
                var started = Stopwatch.GetTimestamp();
                await action();
                latencies.Add(Stopwatch.GetElapsedTime(started));
            }
        }));
        return (requests / watch.Elapsed.TotalSeconds, latencies);
    }

    /// <summary>
    /// The baseline: one grievance row of the intake's shape, by a raw parameterised INSERT in its own tenant-scoped
    /// transaction (shared with the channel intake benchmark).
    /// </summary>
    internal static async Task RawInsertAsync(NpgsqlDataSource dataSource, Guid tenantId, Guid siteId, Guid supplierId, int ciphertextLength)
    {
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await TenantSql.SetAsync(connection, tx, tenantId, null, CancellationToken.None);
        await using var cmd = new NpgsqlCommand(
            """
            insert into grievances (id, tenant_id, site_id, supplier_id, case_reference, receipt_hash, language, categories, indicators,
              severity, critical, status, received_at, acknowledge_by, feedback_by, consent_ngo, wrapped_key, narrative_ciphertext)
            values (@id, @t, @s, @sup, @ref, @hash, 'ne', @cats, @inds, null, false, 'received', @now, @ack, @fb, true, @key, @nar)
            """, connection, tx);
        var now = DateTimeOffset.UtcNow;
        cmd.Parameters.AddWithValue("id", Guid.CreateVersion7());
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("s", siteId);
        cmd.Parameters.AddWithValue("sup", supplierId);
        cmd.Parameters.AddWithValue("ref", "WV-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)));
        cmd.Parameters.AddWithValue("hash", RandomNumberGenerator.GetBytes(32));
        cmd.Parameters.AddWithValue("cats", new[] { "documents-held", "owe-money", "too-many-hours" });
        cmd.Parameters.AddWithValue("inds", new[] { "FL07", "FL09", "FL11" });
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("ack", now.AddDays(7));
        cmd.Parameters.AddWithValue("fb", now.AddDays(7).AddMonths(3));
        cmd.Parameters.AddWithValue("key", RandomNumberGenerator.GetBytes(61));
        cmd.Parameters.AddWithValue("nar", RandomNumberGenerator.GetBytes(ciphertextLength));
        await cmd.ExecuteNonQueryAsync();
        await tx.CommitAsync();
    }
}
