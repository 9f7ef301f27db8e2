using System.Diagnostics;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Database;
using Compliance.Domain.Reference;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Compliance.Benchmarks;

/// <summary>
/// Anonymous intake under concurrent load (HTTP in process: validation, intake-code resolution, tenant
/// transaction, envelope encryption, receipt HMAC, insert) against a raw parameterised INSERT of the same rows (the
/// grievance and the intake's six consent-history events), each in its own tenant-scoped transaction, in the same
/// run. Prints throughput, latency percentiles and CPU per operation (this process, and the cluster's processes when
/// the cluster is a throwaway one) for both sides, and their ratios.
/// </summary>
public sealed class IntakeBenchmark : IBenchmark
{
    private const string Narrative =
        "The agent took my passport when we arrived and says I owe 4,500 ringgit for the job. They take money from my pay every month. " +
        "We are twelve in one room and work fourteen hours, six days a week. I am afraid to ask for my passport back because they said " +
        "they would report me to immigration. My friend was hurt at the machine and they made him keep working.";

    private static readonly string[] Categories = ["documents-held", "owe-money", "too-many-hours"];

    public string Name => "intake";

    public string Description => "POST /api/v1/intake/{code}/grievances under concurrency vs raw INSERT of the same rows (--requests 2000 --concurrency 16 [--durable 1] [--floors 1] [--statements 1] [--timeline 1] [--statement-chars 120])";

    public async Task RunAsync(BenchOptions options)
    {
        var requests = options.Number("requests", 2000);
        var concurrency = options.Number("concurrency", 16);
        // WebApplicationFactory otherwise guesses the content root from the solution layout, which fails when run from the repository root.
        Environment.SetEnvironmentVariable("ASPNETCORE_TEST_CONTENTROOT_COMPLIANCE_API", AppContext.BaseDirectory);
        await using var db = await BenchDatabase.StartAsync("bench_intake", durable: options.Number("durable", 0) == 1);
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
        var body = new { language = "ne", categories = Categories, narrative = Narrative, consent = new Dictionary<string, bool> { ["ngo"] = true } };

        async Task FileAsync()
        {
            using var response = await anonymous.PostAsJsonAsync(url, body);
            response.EnsureSuccessStatusCode();
        }

        // The app's own runtime connection settings (role, timeouts, statement preparation), so both sides talk to
        // PostgreSQL alike; and, for comparison with figures taken before the app prepared its statements, the same
        // INSERTs with nothing prepared.
        var runtime = app.Services.GetRequiredService<DatabaseConnections>().Runtime;
        await using var dataSource = NpgsqlDataSource.Create(runtime);
        await using var unpreparedSource = NpgsqlDataSource.Create(new NpgsqlConnectionStringBuilder(runtime) { MaxAutoPrepare = 0 }.ConnectionString);
        var ciphertextLength = 1 + 12 + 16 + System.Text.Encoding.UTF8.GetByteCount(Narrative);
        var raw = new RawIntake(dataSource, tenantId, siteId, supplierId, ciphertextLength);
        var unprepared = new RawIntake(unpreparedSource, tenantId, siteId, supplierId, ciphertextLength);

        // Warm both sides alike (JIT, pools, plans), outside the timing.
        for (var i = 0; i < 50; i++)
        {
            await FileAsync();
            await raw.InsertAsync();
            await unprepared.InsertAsync();
        }

        var intake = await MeasureAsync(db, requests, concurrency, FileAsync);
        var insert = await MeasureAsync(db, requests, concurrency, raw.InsertAsync);
        var insertUnprepared = await MeasureAsync(db, requests, concurrency, unprepared.InsertAsync);

        Console.WriteLine($"intake: {requests} grievances, concurrency {concurrency}, narrative {Narrative.Length} chars; each side writes 1 grievance + {DestinationKinds.All.Count} consent events per operation");
        Console.WriteLine($"  HTTP intake               : {intake.Summary("grievances/s")}");
        Console.WriteLine($"  raw INSERT                : {insert.Summary("grievances/s")}");
        Console.WriteLine($"  raw INSERT, none prepared : {insertUnprepared.Summary("grievances/s")}");
        foreach (var (label, baseline) in new[] { ("raw INSERT", insert), ("raw INSERT, none prepared", insertUnprepared) })
        {
            Console.WriteLine(string.Create(
                System.Globalization.CultureInfo.InvariantCulture,
                $"  ratio HTTP / {label}: throughput {intake.PerSecond / baseline.PerSecond:P0}; p50 x{intake.Latencies.Percentile(50) / baseline.Latencies.Percentile(50):F1}, p95 x{intake.Latencies.Percentile(95) / baseline.Latencies.Percentile(95):F1}, p99 x{intake.Latencies.Percentile(99) / baseline.Latencies.Percentile(99):F1}"));
        }

        if (options.Number("floors", 0) == 1)
        {
            // Where the time goes: the same client and concurrency against less and less of the intake.
            var unknown = $"/api/v1/intake/{new string('Z', 10)}/grievances";
            var floors = new (string Label, Func<Task> Action)[]
            {
                ("GET /health/live (HTTP only)", async () => (await anonymous.GetAsync("/health/live")).EnsureSuccessStatusCode()),
                ("POST intake, unknown code (body, validation, 1 lookup)", async () =>
                {
                    using var response = await anonymous.PostAsJsonAsync(unknown, body);
                    if (response.StatusCode != System.Net.HttpStatusCode.NotFound)
                    {
                        throw new InvalidOperationException($"expected 404, got {response.StatusCode}");
                    }
                }),
            };
            var newGrievance = new NewGrievance(body.language, body.categories, body.narrative, body.consent);
            floors =
            [
                .. floors,
                ("WorkerIntake.FileAsync, no HTTP (2 round trips, crypto, insert)", async () =>
                {
                    await using var scope = app.Services.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<WorkerIntake>().FileAsync(tenantId, siteId, newGrievance, CancellationToken.None);
                }),
            ];
            foreach (var (label, action) in floors)
            {
                var floor = await MeasureAsync(db, requests, concurrency, action);
                Console.WriteLine($"  floor, {label}: {floor.Summary("requests/s")}");
            }

            // The per-grievance cryptography alone, one thread: receipt, its HMAC, a data key wrapped, the narrative sealed.
            var crypto = app.Services.GetRequiredService<TestimonyCrypto>();
            var receipts = app.Services.GetRequiredService<Receipts>();
            const int rounds = 20_000;
            var cryptoCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var cryptoWatch = Stopwatch.StartNew();
            for (var i = 0; i < rounds; i++)
            {
                var id = Guid.NewGuid();
                _ = receipts.Hash(Receipts.New());
                var (key, _) = crypto.NewDataKey(id);
                _ = TestimonyCrypto.Seal(key, Narrative, id);
            }

            Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"  floor, cryptography per grievance: {cryptoWatch.Elapsed.TotalMilliseconds * 1000 / rounds:F1} µs ({(Process.GetCurrentProcess().TotalProcessorTime - cryptoCpu).TotalMilliseconds * 1000 / rounds:F1} µs CPU)"));
        }

        if (options.Number("statements", 0) == 1)
        {
            // PostgreSQL's own cost of each statement the intake sends, one connection, each alone after the scope.
            var code = site.GetProperty("intakeCode").GetString()!;
            var statements = new (string Label, string Sql, object[] Args)[]
            {
                ("scope only", "select 1", []),
                ("resolve_intake_code", "select tenant_id, site_id from app.resolve_intake_code($1)", [code]),
                ("offices_reading", "select name, kind, verified, migrated, since, readers from app.offices_reading($1)", [tenantId]),
                ("owner_testimony_destinations", "select app.owner_testimony_destinations($1)", [tenantId]),
                ("supplier + ceiling count", "select s.supplier_id, (select count(*) from (select 1 from grievances g where g.tenant_id = $1 and g.site_id = $2 and g.received_at >= $3 limit 50) t) from sites s where s.tenant_id = $1 and s.id = $2", [tenantId, siteId, DateTimeOffset.UtcNow.Date.ToUniversalTime()]),
            };
            await using var connection = await dataSource.OpenConnectionAsync();
            foreach (var (label, sql, args) in statements)
            {
                const int n = 1000;
                var server0 = db.ServerCpu();
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < n; i++)
                {
                    await using var batch = new NpgsqlBatch(connection) { BatchCommands = { TenantSql.BatchCommand(tenantId, null) } };
                    var command = new NpgsqlBatchCommand(sql);
                    foreach (var arg in args)
                    {
                        command.Parameters.Add(new NpgsqlParameter { Value = arg });
                    }

                    batch.BatchCommands.Add(command);
                    await batch.ExecuteNonQueryAsync();
                }

                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"  statement {label,-30}: {watch.Elapsed.TotalMilliseconds / n:F3} ms a round trip, PostgreSQL CPU {(db.ServerCpu() - server0) / n:F3} ms"));
            }

            // The same scope alone, with the connection taken from the pool each time: the pool's reset rides on it.
            {
                const int n = 1000;
                var server0 = db.ServerCpu();
                var watch = Stopwatch.StartNew();
                for (var i = 0; i < n; i++)
                {
                    await using var pooled = await dataSource.OpenConnectionAsync();
                    await using var batch = new NpgsqlBatch(pooled) { BatchCommands = { TenantSql.BatchCommand(tenantId, null) } };
                    await batch.ExecuteNonQueryAsync();
                }

                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"  statement {"scope, connection from the pool",-30}: {watch.Elapsed.TotalMilliseconds / n:F3} ms a round trip, PostgreSQL CPU {(db.ServerCpu() - server0) / n:F3} ms"));
            }
        }

        if (options.Number("timeline", 0) > 0)
        {
            var chars = options.Number("statement-chars", 120);
            foreach (var (label, action) in new (string, Func<Task>)[] { ("HTTP intake", FileAsync), ("raw INSERT", raw.InsertAsync) })
            {
                using var timeline = new StatementTimeline();
                var started = DateTime.UtcNow;
                var watch = Stopwatch.StartNew();
                await action();
                Console.WriteLine(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"timeline, one {label} alone: {watch.Elapsed.TotalMilliseconds:F2} ms"));
                timeline.Print(started, chars);
            }
        }
    }

    internal static async Task<Measured> MeasureAsync(BenchDatabase db, int requests, int concurrency, Func<Task> action)
    {
        var latencies = new Latencies();
        var next = 0;
        var sessions0 = await db.SessionsAsync();
        var cpu0 = Process.GetCurrentProcess().TotalProcessorTime;
        var server0 = db.ServerCpu();
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
        var elapsed = watch.Elapsed;
        return new Measured(
            requests / elapsed.TotalSeconds,
            latencies,
            (Process.GetCurrentProcess().TotalProcessorTime - cpu0).TotalMilliseconds / requests,
            (db.ServerCpu() - server0) / requests,
            await db.SessionsAsync() - sessions0);
    }

    internal sealed record Measured(double PerSecond, Latencies Latencies, double ProcessCpuMs, double ServerCpuMs, long Sessions)
    {
        public string Summary(string unit) => string.Create(
            System.Globalization.CultureInfo.InvariantCulture,
            $"{PerSecond,6:F0} {unit}, {Latencies.Summary()}; CPU per op: this process {ProcessCpuMs:F2} ms, PostgreSQL {(double.IsNaN(ServerCpuMs) ? "n/a" : ServerCpuMs.ToString("F2", System.Globalization.CultureInfo.InvariantCulture) + " ms")}; {Sessions} new server sessions");
    }

    /// <summary>
    /// The rows an intake writes, inserted directly: the grievance with every column the app sets, and one consent
    /// event per destination kind, in one batch inside a tenant-scoped transaction (BEGIN and scope, batch, COMMIT).
    /// Random bytes stand in for the receipt hash, wrapped key and ciphertext, at their real lengths.
    /// </summary>
    internal sealed class RawIntake(NpgsqlDataSource dataSource, Guid tenantId, Guid siteId, Guid supplierId, int ciphertextLength)
    {
        public async Task InsertAsync()
        {
            await using var connection = await dataSource.OpenConnectionAsync();
            await using var tx = await connection.BeginTransactionAsync();
            await TenantSql.SetAsync(connection, tx, tenantId, null, CancellationToken.None);
            var id = Guid.NewGuid();
            var now = DateTimeOffset.UtcNow;
            await using var batch = new NpgsqlBatch(connection, tx);
            var grievance = new NpgsqlBatchCommand(
                """
                insert into grievances (id, tenant_id, site_id, supplier_id, case_reference, receipt_hash, language, categories, indicators,
                  severity, critical, status, channel, received_at, acknowledge_by, feedback_by, promised_independent, held_for_review,
                  consent_ngo, consent_labour_authority, consent_anti_trafficking_council, consent_police, consent_child_protection, consent_buyer,
                  wrapped_key, narrative_ciphertext)
                values ($1, $2, $3, $4, $5, $6, 'ne', $7, $8, null, false, 'received', 'web', $9, $10, $11, false, false,
                  true, false, false, false, false, false, $12, $13)
                """);
            foreach (var value in new object[]
            {
                id, tenantId, siteId, supplierId, "WV-" + Convert.ToHexString(RandomNumberGenerator.GetBytes(4)), RandomNumberGenerator.GetBytes(32),
                Categories, new[] { "FL07", "FL09", "FL11" }, now, now.AddDays(7), now.AddDays(7).AddMonths(3),
                RandomNumberGenerator.GetBytes(61), RandomNumberGenerator.GetBytes(ciphertextLength),
            })
            {
                grievance.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            batch.BatchCommands.Add(grievance);
            var consent = new NpgsqlBatchCommand(
                "insert into grievance_consent_events (id, tenant_id, grievance_id, kind, given, on_day) select gen_random_uuid(), $1, $2, k, k = 'ngo', $3 from unnest($4::text[]) k");
            foreach (var value in new object[] { tenantId, id, DateOnly.FromDateTime(now.UtcDateTime), DestinationKinds.All.ToArray() })
            {
                consent.Parameters.Add(new NpgsqlParameter { Value = value });
            }

            batch.BatchCommands.Add(consent);
            await batch.ExecuteNonQueryAsync();
            await tx.CommitAsync();
        }
    }
}
