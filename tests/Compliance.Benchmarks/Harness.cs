using System.Diagnostics;
using Compliance.Api.Infrastructure.Database;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Npgsql;

namespace Compliance.Benchmarks;

/// <summary>One measured scenario; printed figures always include a same-run baseline and the ratio to it.</summary>
public interface IBenchmark
{
    string Name { get; }

    string Description { get; }

    Task RunAsync(BenchOptions options);
}

/// <summary><c>--key value</c> pairs.</summary>
public sealed class BenchOptions(Dictionary<string, string> values)
{
    public static BenchOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            values[args[i].TrimStart('-')] = args[i + 1];
        }

        return new BenchOptions(values);
    }

    public int Number(string name, int fallback) => values.TryGetValue(name, out var v) ? int.Parse(v, System.Globalization.CultureInfo.InvariantCulture) : fallback;

    public string? Text(string name) => values.GetValueOrDefault(name);
}

/// <summary>
/// A database for a benchmark: <c>ConnectionStrings__Compliance</c>'s server when set, otherwise a throwaway
/// cluster from the local binaries. Migrated like the app migrates.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly EmbeddedPostgres? _cluster;

    private BenchDatabase(EmbeddedPostgres? cluster, string owner, DatabaseOptions options)
    {
        _cluster = cluster;
        Owner = owner;
        Options = options;
        Runtime = new NpgsqlConnectionStringBuilder(owner) { Username = options.RuntimeRole, Password = options.RuntimePassword }.ConnectionString;
    }

    public string Owner { get; }

    public string Runtime { get; }

    public DatabaseOptions Options { get; }

    /// <param name="durable">With a throwaway cluster: keep fsync, synchronous commit and full-page writes on (as production runs) instead of the test cluster's fast, unsafe settings.</param>
    public static async Task<BenchDatabase> StartAsync(string database = "bench", bool durable = false)
    {
        var admin = Environment.GetEnvironmentVariable("ConnectionStrings__Compliance");
        EmbeddedPostgres? cluster = null;
        if (string.IsNullOrWhiteSpace(admin))
        {
            EmbeddedPostgres.SweepAbandoned(Path.GetTempPath(), "compliance-bench-");
            cluster = await EmbeddedPostgres.StartAsync(Path.Combine(Path.GetTempPath(), $"compliance-bench-{Environment.ProcessId}-{Guid.NewGuid():N}"), throwaway: true, durable: durable);
            Console.WriteLine(durable
                ? "cluster  : throwaway, durable (fsync, synchronous_commit and full_page_writes on, as production)"
                : "cluster  : throwaway, fsync, synchronous_commit and full_page_writes off (writes cost less than in production; --durable 1 to keep them on)");
            admin = cluster.ConnectionString();
        }

        await DatabaseBootstrap.EnsureDatabaseAsync(admin, database, CancellationToken.None);
        var owner = new NpgsqlConnectionStringBuilder(admin) { Database = database }.ConnectionString;
        var options = new DatabaseOptions { RuntimePassword = "bench-runtime" };
        await Migrator.MigrateAsync(owner, options);
        return new BenchDatabase(cluster, owner, options);
    }

    /// <summary>The real app, in process, over this database (no Hangfire server, no demo data).</summary>
    public WebApplicationFactory<Program> App() => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
    {
        b.UseEnvironment("Benchmark");
        b.UseSetting("ConnectionStrings:Compliance", Owner);
        b.UseSetting("Database:RuntimePassword", Options.RuntimePassword);
        b.UseSetting("Jobs:RunServer", "false");
        b.UseSetting("Demo:Enabled", "false");
        b.UseSetting("RateLimits:SignupPerMinute", "100000");
        b.UseSetting("WorkerVoice:FilingsPerClientPerHour", "100000000");
        b.UseSetting("Logging:LogLevel:Default", "Warning");

        // Benchmarks load far more than a free tenant may hold; plan limits are not what they measure.
        b.UseSetting("Billing:Plans:free:MaxSites", "1000000");
        b.UseSetting("Billing:Plans:free:MaxActiveWorkers", "1000000");
        // Outside Development/Testing the app refuses to start without worker-voice keys; a benchmark uses throwaway ones.
        b.UseSetting("WorkerVoice:MasterKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        b.UseSetting("WorkerVoice:ReceiptKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
        // Likewise the dossier signing key (an Ed25519 seed).
        b.UseSetting("Dossiers:SigningKey", Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(32)));
    });

    /// <summary>
    /// CPU milliseconds used so far by the throwaway cluster's postmaster and its live backends (from <c>/proc</c>);
    /// NaN for an outside server or off Linux. Backends that exited are not counted, so compare runs on a pool.
    /// </summary>
    public double ServerCpu()
    {
        if (_cluster is null || !Directory.Exists("/proc"))
        {
            return double.NaN;
        }

        try
        {
            var postmaster = File.ReadLines(Path.Combine(_cluster.DataDirectory, "postmaster.pid")).First().Trim();
            double ticks = 0;
            foreach (var dir in Directory.EnumerateDirectories("/proc"))
            {
                var name = Path.GetFileName(dir);
                if (!name.All(char.IsAsciiDigit) || !File.Exists(Path.Combine(dir, "stat")))
                {
                    continue;
                }

                var stat = File.ReadAllText(Path.Combine(dir, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (name == postmaster || fields[1] == postmaster)
                {
                    ticks += double.Parse(fields[11], System.Globalization.CultureInfo.InvariantCulture) + double.Parse(fields[12], System.Globalization.CultureInfo.InvariantCulture);
                }
            }

            return ticks * 1000 / 100; // USER_HZ is 100 on Linux
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }

    /// <summary>Server sessions (connections) opened so far on the benchmark database: a pool that churns shows here.</summary>
    public async Task<long> SessionsAsync()
    {
        await using var connection = new NpgsqlConnection(Owner);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("select pg_stat_clear_snapshot(); select sessions from pg_stat_database where datname = current_database()", connection);
        await using var reader = await cmd.ExecuteReaderAsync();
        await reader.NextResultAsync();
        await reader.ReadAsync();
        return reader.GetInt64(0);
    }

    public async ValueTask DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.StopAsync();
        }
    }
}

/// <summary>Latency samples and the figures we print from them.</summary>
public sealed class Latencies
{
    private readonly List<double> _ms = [];
    private readonly Lock _gate = new();

    public int Count => _ms.Count;

    public void Add(TimeSpan elapsed)
    {
        lock (_gate)
        {
            _ms.Add(elapsed.TotalMilliseconds);
        }
    }

    public async Task<T> TimeAsync<T>(Func<Task<T>> action)
    {
        var watch = Stopwatch.StartNew();
        var result = await action();
        Add(watch.Elapsed);
        return result;
    }

    public double Percentile(double p)
    {
        lock (_gate)
        {
            if (_ms.Count == 0)
            {
                return double.NaN;
            }

            var sorted = _ms.Order().ToList();
            var index = (int)Math.Ceiling(p / 100 * sorted.Count) - 1;
            return sorted[Math.Clamp(index, 0, sorted.Count - 1)];
        }
    }

    public string Summary() => $"p50 {Percentile(50):F2} ms, p95 {Percentile(95):F2} ms, p99 {Percentile(99):F2} ms (n={Count})";
}

/// <summary>
/// Every database command Npgsql runs while this lives (its activities), printable as offsets from a start with
/// durations: where the time of a request or a job goes (diagnostics for <c>--timeline</c>).
/// </summary>
public sealed class StatementTimeline : IDisposable
{
    private readonly List<Activity> _activities = [];
    private readonly ActivityListener _listener;

    public StatementTimeline()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name.StartsWith("Npgsql", StringComparison.Ordinal),
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = a =>
            {
                lock (_activities)
                {
                    _activities.Add(a);
                }
            },
        };
        ActivitySource.AddActivityListener(_listener);
    }

    public void Clear()
    {
        lock (_activities)
        {
            _activities.Clear();
        }
    }

    public void Print(DateTime start, int statementChars)
    {
        lock (_activities)
        {
            foreach (var a in _activities.OrderBy(a => a.StartTimeUtc))
            {
                var text = (a.GetTagItem("db.query.text") ?? a.GetTagItem("db.statement") ?? a.DisplayName)?.ToString() ?? "";
                text = text.ReplaceLineEndings(" ");
                Console.WriteLine(string.Create(
                    System.Globalization.CultureInfo.InvariantCulture,
                    $"  +{(a.StartTimeUtc - start).TotalMilliseconds,8:F2} ms {a.Duration.TotalMilliseconds,8:F2} ms  {text[..Math.Min(text.Length, statementChars)]}"));
            }
        }
    }

    public void Dispose() => _listener.Dispose();
}
