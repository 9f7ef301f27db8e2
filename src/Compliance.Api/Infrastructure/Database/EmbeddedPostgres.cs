using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;

namespace Compliance.Api.Infrastructure.Database;

/// <summary>Raised when no connection string is configured and the local PostgreSQL binaries cannot be found.</summary>
public sealed class PostgresBinariesMissingException(string message) : Exception(message);

/// <summary>
/// A private PostgreSQL cluster run from the machine's own binaries (<c>initdb</c> + <c>pg_ctl</c>), so that
/// <c>dotnet run</c> and <c>dotnet test</c> need no database set up first. When the process runs as root the
/// binaries run as the <c>postgres</c> OS user, which is why the folder must be reachable by that user.
/// </summary>
public sealed class EmbeddedPostgres : IAsyncDisposable
{
    public const string InstallHint =
        "PostgreSQL binaries (initdb, pg_ctl) were not found: install them with 'sudo apt-get install postgresql' " +
        "(or 'brew install postgresql@15'), or set ConnectionStrings__Compliance to an existing server.";

    private const string SuperUser = "postgres";
    private readonly string _root;
    private readonly string _binDir;
    private readonly bool _deleteOnStop;
    private int _stopped;

    private EmbeddedPostgres(string root, string binDir, int port, string password, bool deleteOnStop)
    {
        _root = root;
        _binDir = binDir;
        Port = port;
        SuperUserPassword = password;
        _deleteOnStop = deleteOnStop;
    }

    public int Port { get; }

    public string SuperUserPassword { get; }

    public string DataDirectory => Path.Combine(_root, "data");

    /// <summary>Connection string for the cluster's superuser (the owner/migration connection).</summary>
    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username={SuperUser};Password={SuperUserPassword};Database={database}";

    /// <summary>The default persistent folder for the app's demo cluster: per user, reachable by <c>postgres</c> under root.</summary>
    public static string DefaultAppRoot()
    {
        if (Environment.IsPrivilegedProcess)
        {
            // Not under /root: the postgres OS user cannot traverse it.
            return "/var/lib/compliance-api/root/postgres";
        }

        var dataHome = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        if (string.IsNullOrEmpty(dataHome))
        {
            dataHome = Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share");
        }

        return Path.Combine(dataHome, "compliance-api", "postgres");
    }

    /// <summary>
    /// Starts (initialising first if needed) a cluster in <paramref name="root"/>. A persistent cluster that is
    /// already running (for example left by a killed process) is reused on its port.
    /// </summary>
    /// <param name="durable">Keep fsync, synchronous commit and full-page writes on a throwaway cluster too (benchmarks that measure writes as production pays for them).</param>
    public static async Task<EmbeddedPostgres> StartAsync(string root, bool throwaway, bool durable = false, CancellationToken ct = default)
    {
        var binDir = FindBinaries() ?? throw new PostgresBinariesMissingException(InstallHint);
        Directory.CreateDirectory(root);
        var dataDir = Path.Combine(root, "data");
        var runDir = Path.Combine(root, "run");
        var passwordFile = Path.Combine(root, "superuser.pw");
        Directory.CreateDirectory(runDir);

        var password = await DatabaseBootstrap.ReadOrCreateSecretAsync(passwordFile, ct);
        if (Environment.IsPrivilegedProcess)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", root], asPostgres: false, ct);
            Restrict(root, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        if (!File.Exists(Path.Combine(dataDir, "PG_VERSION")))
        {
            var args = new List<string>
            {
                "-D", dataDir, "-U", SuperUser, "-E", "UTF8", "--locale=C",
                "--auth-host=scram-sha-256", "--auth-local=trust", $"--pwfile={passwordFile}",
            };
            if (throwaway)
            {
                args.Add("--no-sync");
            }

            await RunAsync(Path.Combine(binDir, "initdb"), args, Environment.IsPrivilegedProcess, ct);
        }

        var running = ReadRunningPort(dataDir);
        if (running is int existingPort)
        {
            return new EmbeddedPostgres(root, binDir, existingPort, password, throwaway);
        }

        var port = FreePort();
        var options = $"-p {port} -k {runDir} -c listen_addresses=127.0.0.1 -c max_connections=200";
        if (throwaway && !durable)
        {
            // A throwaway test cluster trades durability for speed.
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off";
        }

        await RunAsync(
            Path.Combine(binDir, "pg_ctl"),
            ["-D", dataDir, "-l", Path.Combine(root, "postgres.log"), "-w", "-t", "60", "-o", options, "start"],
            Environment.IsPrivilegedProcess,
            ct);
        return new EmbeddedPostgres(root, binDir, port, password, throwaway);
    }

    /// <summary>
    /// Deletes throwaway cluster folders named <c>{prefix}{pid}-…</c> in <paramref name="parent"/> whose creating
    /// process has exited and whose postmaster no longer runs. A test host can be killed (or cut short at exit)
    /// before <see cref="StopAsync"/> deletes its folder; without this sweep every such run leaves ~150 MB behind.
    /// </summary>
    /// <returns>How many folders were deleted.</returns>
    public static int SweepAbandoned(string parent, string prefix)
    {
        var deleted = 0;
        foreach (var folder in Directory.EnumerateDirectories(parent, prefix + "*"))
        {
            var rest = Path.GetFileName(folder)[prefix.Length..];
            var dash = rest.IndexOf('-', StringComparison.Ordinal);
            if (dash <= 0 || !int.TryParse(rest[..dash], out var pid) || IsAlive(pid)
                || ReadRunningPort(Path.Combine(folder, "data")) is not null)
            {
                continue;
            }

            try
            {
                Directory.Delete(folder, recursive: true);
                deleted++;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                // Another sweeper got there first, or the folder is not ours to delete: leave it.
            }
        }

        return deleted;
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }

    /// <summary>Stops the cluster (fast shutdown) and, for a throwaway cluster, deletes its folder.</summary>
    public async Task StopAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return;
        }

        try
        {
            await RunAsync(Path.Combine(_binDir, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "stop"], Environment.IsPrivilegedProcess, CancellationToken.None);
        }
        finally
        {
            if (_deleteOnStop && Directory.Exists(_root))
            {
                Directory.Delete(_root, recursive: true);
            }
        }
    }

    /// <summary>Synchronous stop for process-exit hooks, where async continuations may not run.</summary>
    public void Stop() => StopAsync().GetAwaiter().GetResult();

    public async ValueTask DisposeAsync() => await StopAsync();

    /// <summary>Narrows a file's or folder's mode; a no-op where Unix modes do not exist.</summary>
    internal static void Restrict(string path, UnixFileMode mode)
    {
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, mode);
        }
    }

    internal static string? FindBinaries()
    {
        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        foreach (var dir in path.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")))
            {
                return dir;
            }
        }

        const string debianRoot = "/usr/lib/postgresql";
        if (Directory.Exists(debianRoot))
        {
            return Directory.GetDirectories(debianRoot)
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault();
        }

        return null;
    }

    private static int? ReadRunningPort(string dataDir)
    {
        var pidFile = Path.Combine(dataDir, "postmaster.pid");
        if (!File.Exists(pidFile))
        {
            return null;
        }

        try
        {
            var lines = File.ReadAllLines(pidFile);
            if (lines.Length > 3 && int.TryParse(lines[0], out var pid) && int.TryParse(lines[3], out var port))
            {
                using var process = Process.GetProcessById(pid);
                return process.HasExited ? null : port;
            }
        }
        catch (ArgumentException)
        {
            // The postmaster in the pid file is gone; pg_ctl start cleans the stale file up.
        }

        return null;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static async Task RunAsync(string file, IReadOnlyList<string> args, bool asPostgres, CancellationToken ct)
    {
        var psi = new ProcessStartInfo
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        if (asPostgres)
        {
            psi.FileName = "runuser";
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                psi.ArgumentList.Add(a);
            }
        }
        else
        {
            psi.FileName = file;
        }

        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var process = Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {file}.");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{Path.GetFileName(file)} exited with {process.ExitCode}: {(await stderr).Trim()} {(await stdout).Trim()}");
        }
    }
}
