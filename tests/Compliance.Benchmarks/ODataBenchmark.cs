using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Compliance.Api.Infrastructure.Database;
using Microsoft.AspNetCore.Hosting;
using Npgsql;

namespace Compliance.Benchmarks;

/// <summary>
/// Five typical auditor queries over <c>/odata</c> (two with <c>$apply</c>), p50/p95 each, beside the same answer from
/// hand-written SQL run as the runtime role under RLS in the same run, and the ratio. Seeds suppliers and sites
/// with COPY for now; after the merge it moves to the dataset generator's 200,000-worker data and worker/fee queries.
/// <c>dotnet run -c Release --project tests/Compliance.Benchmarks -- odata [--suppliers 2000] [--sites 50000] [--iterations 40]</c>
/// </summary>
public sealed class ODataBenchmark : IBenchmark
{
    public string Name => "odata";

    public string Description => "Auditor OData queries (p50/p95) against hand-written SQL on the same data";

    private sealed record Query(string Title, string Url, string Sql, Func<JsonElement, long> Answer);

    public async Task RunAsync(BenchOptions options)
    {
        var supplierCount = options.Number("suppliers", 2000);
        var siteCount = options.Number("sites", 50_000);
        var iterations = options.Number("iterations", 40);

        await using var db = await BenchDatabase.StartAsync("bench_odata");
        // The harness's factory cannot find the content root from a console app; point it at the API project.
        await using var app = db.App().WithWebHostBuilder(b => b.UseContentRoot(ApiProjectDirectory()));
        using var http = app.CreateClient();
        var signup = await http.PostAsJsonAsync("/api/v1/tenants", new { name = "Bench tenant", contactEmail = "bench@example.com" });
        signup.EnsureSuccessStatusCode();
        var tenant = await signup.Content.ReadFromJsonAsync<JsonElement>();
        var tenantId = tenant.GetProperty("tenantId").GetGuid();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.GetProperty("apiKey").GetString());
        var keyResponse = await http.PostAsJsonAsync("/api/v1/api-keys", new { name = "auditor", role = "auditor", expiresAt = DateTimeOffset.UtcNow.AddDays(1) });
        keyResponse.EnsureSuccessStatusCode();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", (await keyResponse.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("key").GetString());

        var seed = Stopwatch.StartNew();
        await SeedAsync(db.Owner, tenantId, supplierCount, siteCount);
        Console.WriteLine($"seeded {supplierCount:N0} suppliers, {siteCount:N0} sites with COPY in {seed.Elapsed.TotalSeconds:F1} s");

        Query[] queries =
        [
            new("Sites in one country, first page + $count",
                "/odata/Sites?$filter=CountryCode eq 'TH'&$count=true",
                "select count(*) from sites where country_code = 'TH'; select id, supplier_id, name, country_code, sector, worker_housing, created_at, updated_at from sites where country_code = 'TH' order by id limit 101",
                j => j.GetProperty("@odata.count").GetInt64()),
            new("Garment sites with their supplier ($expand)",
                "/odata/Sites?$filter=Sector eq 'garment'&$expand=Supplier&$top=100",
                "select s.id, s.name, s.sector, p.id, p.name, p.country_code from sites s left join suppliers p on p.id = s.supplier_id where s.sector = 'garment' order by s.id limit 100",
                j => j.GetProperty("value").GetArrayLength()),
            new("Suppliers by name, top 50, two columns",
                "/odata/Suppliers?$orderby=Name&$top=50&$select=Name,CountryCode",
                "select name, country_code from suppliers order by name, id limit 50",
                j => j.GetProperty("value").GetArrayLength()),
            new("$apply: sites per supplier (first page)",
                "/odata/Sites?$apply=groupby((SupplierId),aggregate($count as Sites))",
                "select supplier_id, count(*) from sites group by supplier_id order by supplier_id limit 100",
                j => j.GetProperty("value").EnumerateArray().Sum(r => r.GetProperty("Sites").GetInt64())),
            new("$apply: housed sites per country and sector",
                "/odata/Sites?$apply=filter(WorkerHousing eq true)/groupby((CountryCode,Sector),aggregate($count as Sites))",
                "select country_code, sector, count(*) from sites where worker_housing group by country_code, sector order by country_code, sector",
                j => j.GetProperty("value").EnumerateArray().Sum(r => r.GetProperty("Sites").GetInt64())),
        ];

        await using var runtime = new NpgsqlDataSourceBuilder(db.Runtime).Build();
        Console.WriteLine($"{"query",-46} {"OData p50",10} {"p95",8} {"SQL p50",9} {"p95",8} {"ratio p50",9} {"ratio p95",9}  answer");
        foreach (var q in queries)
        {
            var odata = new Latencies();
            var sql = new Latencies();
            long odataAnswer = 0;
            long sqlAnswer = 0;
            for (var i = 0; i < iterations + 5; i++)
            {
                var watch = Stopwatch.StartNew();
                var body = await http.GetFromJsonAsync<JsonElement>(q.Url);
                var elapsed = watch.Elapsed;
                odataAnswer = q.Answer(body);
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
            var same = q.Title.Contains("$expand", StringComparison.Ordinal) || q.Title.StartsWith("Suppliers", StringComparison.Ordinal)
                ? Math.Min(odataAnswer, 100) == Math.Min(sqlAnswer, 100)
                : odataAnswer == sqlAnswer;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"{q.Title,-46} {odata.Percentile(50),8:F2}ms {odata.Percentile(95),6:F2}ms {sql.Percentile(50),7:F2}ms {sql.Percentile(95),6:F2}ms {p50,8:F1}x {p95,8:F1}x  {(same ? "same" : "DIFFERS")} ({odataAnswer} vs {sqlAnswer})"));
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

    private static async Task SeedAsync(string owner, Guid tenantId, int suppliers, int sites)
    {
        string[] countries = ["MY", "TH", "VN", "ID", "BD"];
        string[] sectors = ["electronics", "rubber-gloves", "palm-oil", "garment", "construction"];
        var supplierIds = Enumerable.Range(0, suppliers).Select(_ => Guid.CreateVersion7()).ToArray();
        var now = DateTimeOffset.UtcNow;
        await using var connection = new NpgsqlConnection(owner);
        await connection.OpenAsync();
        await using (var copy = await connection.BeginBinaryImportAsync("copy suppliers (id, tenant_id, name, country_code, created_at, updated_at) from stdin (format binary)"))
        {
            for (var i = 0; i < suppliers; i++)
            {
                await copy.WriteRowAsync(default, supplierIds[i], tenantId, $"Supplier {i:D6}", countries[i % countries.Length], now, now);
            }

            await copy.CompleteAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "copy sites (id, tenant_id, supplier_id, name, country_code, sector, worker_housing, intake_code, created_at, updated_at) from stdin (format binary)"))
        {
            for (var i = 0; i < sites; i++)
            {
                await copy.WriteRowAsync(
                    default, Guid.CreateVersion7(), tenantId, supplierIds[i % suppliers], $"Site {i:D7}", countries[(i / 7) % countries.Length],
                    sectors[i % sectors.Length], i % 3 != 0, $"B{i:D9}", now, now);
            }

            await copy.CompleteAsync();
        }

        await using var analyze = new NpgsqlCommand("analyze suppliers; analyze sites", connection);
        await analyze.ExecuteNonQueryAsync();
    }
}
