using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace Compliance.Benchmarks;

/// <summary>
/// Five typical auditor queries over <c>/odata</c> (two with <c>$apply</c>), p50/p95 each, beside the same answer from
/// hand-written SQL run as the runtime role under RLS in the same run, and the ratio, on the dataset generator's data.
/// <c>dotnet run -c Release --project tests/Compliance.Benchmarks -- odata [--sites 2000] [--workers 200000] [--iterations 40] [--seconds 10 (at least, per query)] [--warmup 30 (seconds)] [--only text] [--diag 1] [--timeline 3] [--statement-chars 90]</c>
/// </summary>
public sealed class ODataBenchmark : IBenchmark
{
    public string Name => "odata";

    public string Description => "Auditor OData queries (p50/p95) against hand-written SQL on the same data";

    private sealed record Query(string Title, string Url, string Sql, Func<JsonElement, long> Answer);

    public async Task RunAsync(BenchOptions options)
    {
        var siteCount = options.Number("sites", 2000);
        var workerCount = options.Number("workers", 200_000);
        var iterations = options.Number("iterations", 40);

        await using var db = await BenchDatabase.StartAsync("bench_odata");
        // The harness's factory cannot find the content root from a console app; point it at the API project.
        await using var app = db.App().WithWebHostBuilder(b => b.UseContentRoot(ApiProjectDirectory()));
        using var http = app.CreateClient();

        var counts = await DatasetGenerator.GenerateAsync(db.Owner, siteCount, workerCount);
        GenerateBenchmark.Print(counts);
        var tenantId = counts.TenantIds[0];
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await AuditorKeyAsync(db.Owner, tenantId));
        var today = DateOnly.FromDateTime(DateTime.UtcNow).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

        Query[] queries =
        [
            new("$apply: workers who paid fees, per supplier",
                "/odata/Fees?$apply=filter(PaidBy eq 'worker')/groupby((SupplierId),aggregate(WorkerId with countdistinct as Workers))",
                "select supplier_id, count(distinct worker_id) from fees where paid_by = 'worker' group by supplier_id order by supplier_id limit 100",
                j => j.GetProperty("value").EnumerateArray().Sum(r => r.GetProperty("Workers").GetInt64())),
            new("$apply: worker-paid fees summed per supplier",
                "/odata/Fees?$apply=filter(PaidBy eq 'worker')/groupby((SupplierId,Currency),aggregate(Amount with sum as Paid,$count as Fees))",
                "select supplier_id, currency, sum(amount), count(*) from fees where paid_by = 'worker' group by supplier_id, currency order by supplier_id, currency limit 100",
                j => j.GetProperty("value").EnumerateArray().Sum(r => r.GetProperty("Fees").GetInt64())),
            new("$apply: passports held by others, per site",
                "/odata/PassportCustody?$apply=filter(Holder ne 'worker')/groupby((SiteId),aggregate($count as Held))",
                "select site_id, count(*) from passport_custody where holder <> 'worker' group by site_id order by site_id limit 100",
                j => j.GetProperty("value").EnumerateArray().Sum(r => r.GetProperty("Held").GetInt64())),
            new("Overdue corrective actions + $count",
                $"/odata/CorrectiveActions?$filter=DueOn lt {today} and Status eq 'open'&$count=true",
                $"select count(*) from corrective_actions where due_on < '{today}' and status = 'open'; select * from corrective_actions where due_on < '{today}' and status = 'open' order by id limit 101",
                j => j.GetProperty("@odata.count").GetInt64()),
            new("Worker-paid fees with their worker ($expand)",
                "/odata/Fees?$filter=PaidBy eq 'worker' and FinancedByLoan eq true&$expand=Worker&$top=100",
                "select f.*, w.nationality, w.channel, w.site_id from fees f left join workers w on w.id = f.worker_id where f.paid_by = 'worker' and f.financed_by_loan order by f.id limit 100",
                j => j.GetProperty("value").GetArrayLength()),
        ];

        await using var runtime = new NpgsqlDataSourceBuilder(db.Runtime).Build();
        // --only <text>: just the queries whose title contains it (for profiling one query).
        var only = options.Text("only");
        var selected = queries.Where(q => only is null || q.Title.Contains(only, StringComparison.OrdinalIgnoreCase)).ToArray();

        // Steady state, as a server that has been up for a while: the runtime compiles hot code again, optimised, in
        // the background (tiered compilation), which on 2 cores takes several seconds of traffic. Measuring before
        // that measures the JIT, not the API (a 200-request run of one query alone measured about twice its warm time).
        // Each query gets an equal share of the warm-up time, so a fast one is repeated as often as it would be in use.
        var warmup = Stopwatch.StartNew();
        var warmRequests = 0;
        var share = TimeSpan.FromSeconds(options.Number("warmup", 30) / (double)selected.Length);
        foreach (var q in selected)
        {
            var slice = Stopwatch.StartNew();
            while (slice.Elapsed < share)
            {
                _ = await http.GetByteArrayAsync(q.Url);
                _ = await RunSqlAsync(runtime, tenantId, q.Sql);
                warmRequests++;
            }
        }

        Console.WriteLine($"warm-up  : {warmRequests} requests (each with its SQL) in {warmup.Elapsed.TotalSeconds:F0} s");
        if (options.Text("diag") is not null)
        {
            await DiagnoseAsync(http, db.Owner, tenantId, queries[3].Url, iterations);
        }

        if (options.Text("timeline") is { } timeline)
        {
            await TimelineAsync(http, queries[int.Parse(timeline, CultureInfo.InvariantCulture)].Url, iterations, options.Number("statement-chars", 90));
        }

        var minimum = TimeSpan.FromSeconds(options.Number("seconds", 10));
        Console.WriteLine($"{"query",-46} {"OData p50",10} {"p95",8} {"SQL p50",9} {"p95",8} {"ratio p50",9} {"ratio p95",9}  answer");
        foreach (var q in selected)
        {
            var odata = new Latencies();
            var sql = new Latencies();
            long odataAnswer = 0;
            long sqlAnswer = 0;
            // At least --iterations pairs and at least --seconds of them: a fast query gets enough samples for a stable p95.
            var measuring = Stopwatch.StartNew();
            for (var i = 0; i < iterations + 5 || measuring.Elapsed < minimum; i++)
            {
                // Latency is until the whole response body has arrived; parsing it is the client's work, not the API's.
                var watch = Stopwatch.StartNew();
                var bytes = await http.GetByteArrayAsync(q.Url);
                var elapsed = watch.Elapsed;
                odataAnswer = q.Answer(JsonDocument.Parse(bytes).RootElement);
                watch.Restart();
                sqlAnswer = await RunSqlAsync(runtime, tenantId, q.Sql);
                if (i >= 5)
                {
                    odata.Add(elapsed);
                    sql.Add(watch.Elapsed);
                }
            }

            var p50 = odata.Percentile(50) / sql.Percentile(50);
            var p95 = odata.Percentile(95) / sql.Percentile(95);
            var same = odataAnswer == sqlAnswer;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{q.Title,-46} {odata.Percentile(50),8:F2}ms {odata.Percentile(95),6:F2}ms {sql.Percentile(50),7:F2}ms {sql.Percentile(95),6:F2}ms {p50,8:F1}x {p95,8:F1}x  {(same ? "same" : "DIFFERS")} ({odataAnswer} vs {sqlAnswer}) n={odata.Count}"));
        }
    }

    /// <summary>
    /// <c>--diag 1</c>: latency, JIT-compiled methods and process CPU per request for simpler requests around the
    /// overdue query, so a regression can be located (a per-request compile shows as jitted/request above 0 once warm;
    /// every probe runs twice and the second pass is the warm one).
    /// </summary>
    private static async Task DiagnoseAsync(HttpClient http, string owner, Guid tenantId, string url, int iterations)
    {
        var auditor = http.DefaultRequestHeaders.Authorization;
        var compliance = new AuthenticationHeaderValue("Bearer", await AuditorKeyAsync(owner, tenantId, "compliance"));
        (string, string, AuthenticationHeaderValue?)[] probes =
        [
            ("health/live (no auth)", "/health/live", null),
            ("REST sites?pageSize=1 (auditor)", "/api/v1/sites?pageSize=1", auditor),
            ("odata $top=1 (auditor)", "/odata/CorrectiveActions?$top=1", auditor),
            ("odata $top=1 (compliance, no log)", "/odata/CorrectiveActions?$top=1", compliance),
            ("overdue (compliance, no log)", url, compliance),
            ("overdue (auditor)", url, auditor),
            ("CA $top=100", "/odata/CorrectiveActions?$top=100", compliance),
            ("CA $count=true&$top=1", "/odata/CorrectiveActions?$count=true&$top=1", compliance),
            ("CA $filter status", "/odata/CorrectiveActions?$filter=Status eq 'open'&$top=1", compliance),
            ("CA $filter DueOn", "/odata/CorrectiveActions?$filter=DueOn lt 2026-01-01&$top=1", compliance),
            ("CA no options (page 100, nextLink)", "/odata/CorrectiveActions", compliance),
            ("Sites no options", "/odata/Sites", compliance),
        ];
        foreach (var (title, path, key) in probes.Concat(probes))
        {
            var lat = new Latencies();
            var jitBefore = System.Runtime.JitInfo.GetCompiledMethodCount();
            var cpuBefore = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            for (var i = 0; i < iterations + 5; i++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, path);
                request.Headers.Authorization = key;
                var watch = Stopwatch.StartNew();
                using var response = await http.SendAsync(request);
                _ = await response.Content.ReadAsByteArrayAsync();
                if (i >= 5)
                {
                    lat.Add(watch.Elapsed);
                }
            }

            Console.WriteLine($"diag {title,-40} {lat.Summary()} jitted/request {(System.Runtime.JitInfo.GetCompiledMethodCount() - jitBefore) / (double)(iterations + 5):F1} cpu/request {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpuBefore).TotalMilliseconds / (iterations + 5):F2} ms");
        }
    }

    /// <summary>
    /// <c>--timeline &lt;query index&gt;</c> (3 is the overdue query): after warming the query up, where the time of a few requests goes: every database
    /// command (Npgsql's activities) as an offset from the request's start, with its duration (diagnostics).
    /// </summary>
    private static async Task TimelineAsync(HttpClient http, string url, int iterations, int statementChars)
    {
        for (var i = 0; i < iterations * 5; i++)
        {
            _ = await http.GetByteArrayAsync(url);
        }

        using var timeline = new StatementTimeline();
        for (var i = 0; i < 5; i++)
        {
            timeline.Clear();
            var start = DateTime.UtcNow;
            var watch = Stopwatch.StartNew();
            _ = await http.GetByteArrayAsync(url);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"timeline request {watch.Elapsed.TotalMilliseconds:F2} ms"));
            timeline.Print(start, statementChars);
        }
    }

    private static string ApiProjectDirectory()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Compliance.sln")))
        {
            dir = dir.Parent;
        }

        return Path.Combine(dir?.FullName ?? Directory.GetCurrentDirectory(), "src", "Compliance.Api");
    }

    /// <summary>Runs the statements as the runtime role in a tenant-scoped transaction (RLS on, as the app runs); answers with the first statement's count column summed, or its row count.</summary>
    private static async Task<long> RunSqlAsync(NpgsqlDataSource runtime, Guid tenantId, string sql)
    {
        await using var connection = await runtime.OpenConnectionAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await TenantSql.SetAsync(connection, tx, tenantId, null, CancellationToken.None);
        long answer = -1;
        foreach (var statement in sql.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            await using var cmd = new NpgsqlCommand(statement, connection, tx);
            await using var reader = await cmd.ExecuteReaderAsync();
            long rows = 0;
            long sum = 0;
            var counts = reader.GetFieldType(reader.FieldCount - 1) == typeof(long);
            while (await reader.ReadAsync())
            {
                rows++;
                sum += counts ? reader.GetInt64(reader.FieldCount - 1) : 0;
            }

            if (answer < 0)
            {
                answer = counts ? sum : rows;
            }
        }

        await tx.CommitAsync();
        return answer;
    }

    /// <summary>An auditor key for the generated tenant (which has no owner key), written as the owner.</summary>
    private static async Task<string> AuditorKeyAsync(string owner, Guid tenantId, string role = "auditor")
    {
        var key = ApiKeySecrets.Generate();
        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            "insert into api_keys (id, tenant_id, name, role, prefix, key_hash, created_at, expires_at) values (@id, @t, 'bench ' || @r, @r, @p, @h, now(), now() + interval '1 day')",
            connection);
        cmd.Parameters.AddWithValue("id", Guid.CreateVersion7());
        cmd.Parameters.AddWithValue("t", tenantId);
        cmd.Parameters.AddWithValue("p", key.Prefix);
        cmd.Parameters.AddWithValue("h", key.Hash);
        cmd.Parameters.AddWithValue("r", role);
        await cmd.ExecuteNonQueryAsync();
        return key.Key;
    }
}
