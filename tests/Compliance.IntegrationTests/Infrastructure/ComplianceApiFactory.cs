using System.Net.Http.Headers;
using System.Net.Http.Json;
using Compliance.Api.Infrastructure.Database;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Npgsql;

namespace Compliance.IntegrationTests.Infrastructure;

/// <summary>
/// The real app over real HTTP (in-process) and a real PostgreSQL database of its own, one per test class.
/// Intent methods create what a test needs through the public API, never behind its back.
/// </summary>
public class ComplianceApiFactory : WebApplicationFactory<Program>, IAsyncLifetime
{
    /// <summary>The installation operator's credential in tests (<c>Operations:DashboardKey</c>).</summary>
    public const string OperatorKey = "operator-dashboard-key-for-tests-base-0123456789";

    /// <summary>A client carrying the operator's credential, as the installation's operator calls it.</summary>
    public HttpClient Operator()
    {
        var client = Client();
        client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", OperatorKey);
        return client;
    }

    private int _tenantCounter;

    public string OwnerConnectionString { get; protected set; } = string.Empty;

    public string RuntimeConnectionString => TestDatabase.RuntimeConnectionString(OwnerConnectionString);

    public TestClock Clock { get; } = new();

    public CapturedLogs Logs { get; } = new();

    public virtual async Task InitializeAsync() => OwnerConnectionString = await TestDatabase.CreateAsync();

    async Task IAsyncLifetime.DisposeAsync()
    {
        await base.DisposeAsync();
        await TestDatabase.DropAsync(OwnerConnectionString);
    }

    /// <summary>Extra settings a derived factory wants (outside-service URLs pointing at WireMock, say).</summary>
    protected virtual IEnumerable<KeyValuePair<string, string?>> Settings() => [];

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("ConnectionStrings:Compliance", OwnerConnectionString);
        builder.UseSetting("Database:RuntimePassword", TestDatabase.RuntimePassword);
        builder.UseSetting("Jobs:RunServer", "false");
        builder.UseSetting("Demo:Enabled", "false");
        builder.UseSetting("RateLimits:SignupPerMinute", "1000");

        // Every test request comes from the same (absent) address; the filing limit has its own tests.
        builder.UseSetting("WorkerVoice:FilingsPerClientPerHour", "100000");
        builder.UseSetting("People:SignInAttemptsPerMinute", "100000");

        // The job dashboard exists only with an operator key; no tenant key opens it.
        builder.UseSetting("Operations:DashboardKey", OperatorKey);

        // Plan limits are opt-in for tests: billing's own factory sets the real free limits back in Settings().
        builder.UseSetting("Billing:Plans:free:MaxSites", "1000000");
        builder.UseSetting("Billing:Plans:free:MaxActiveWorkers", "1000000");
        foreach (var (key, value) in Settings())
        {
            builder.UseSetting(key, value);
        }

        builder.ConfigureLogging(logging =>
        {
            logging.AddProvider(Logs);
            logging.AddFilter<CapturedLogs>(null, LogLevel.Trace);
        });
        builder.ConfigureTestServices(services =>
        {
            services.RemoveAll<TimeProvider>();
            services.AddSingleton<TimeProvider>(Clock);
        });
    }

    /// <summary>An HTTP client carrying <paramref name="apiKey"/> as its bearer key (none for the worker path).</summary>
    public HttpClient Client(string? apiKey = null)
    {
        // No redirects followed and no cookies kept, as the options used before; every 400 is checked to have written nothing.
        var client = CreateDefaultClient(ClientOptions.BaseAddress, new NothingWrittenOn400(OwnerConnectionString));
        if (apiKey is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        }

        return client;
    }

    /// <summary>
    /// A client for a person's browser session, on https: the session, two-factor and antiforgery cookies are Secure
    /// <c>__Host-</c> cookies, and antiforgery refuses to issue a Secure cookie on a plain-http request. In memory this is
    /// <c>https://localhost</c> on the test server; a factory serving real sockets overrides it with its https listener.
    /// </summary>
    public virtual HttpClient CreateSessionClient(params DelegatingHandler[] handlers) => CreateDefaultClient(new Uri("https://localhost"), handlers);

    /// <summary>Signs up a tenant through the public endpoint.</summary>
    public async Task<TestTenant> CreateTenantAsync(string? name = null)
    {
        name ??= $"Tenant {Interlocked.Increment(ref _tenantCounter)}";
        var response = await Client().PostAsJsonAsync("/api/v1/tenants", new { name, contactEmail = "compliance@example.com" });
        await Http.EnsureStatusAsync(response, 201);
        var body = (await response.Content.ReadFromJsonAsync<SignupBody>())!;
        return new TestTenant(this, body.TenantId, body.ApiKey);
    }

    /// <summary>Runs <paramref name="sql"/> as the owner (bypassing nothing the test does not mean to) and returns the scalar.</summary>
    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(OwnerConnectionString);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand(sql, connection);
        foreach (var (n, v) in parameters)
        {
            cmd.Parameters.AddWithValue(n, v);
        }

        return (T)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Runs <paramref name="sql"/> as the runtime role with only the tenant set, as the employer side's requests run
    /// (no office in scope): what row-level security and grants leave it.
    /// </summary>
    public async Task<long> CountAsRuntimeWithTenantAsync(Guid tenant, string sql)
    {
        await using var connection = new NpgsqlConnection(RuntimeConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        await using (var set = new NpgsqlCommand("select set_config('app.tenant_id', @t, true)", connection, tx))
        {
            set.Parameters.AddWithValue("t", tenant.ToString());
            await set.ExecuteNonQueryAsync();
        }

        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    /// <summary>Rows in <paramref name="table"/> across all tenants, counted as the owner.</summary>
    public Task<long> CountRowsAsync(string table) => ScalarAsync<long>($"select count(*) from {table}");

    /// <summary>A service from the app's container, for running jobs explicitly in tests (the app's own code, not a mock).</summary>
    public AsyncServiceScope CreateScope() => Services.CreateAsyncScope();

    private sealed record SignupBody(Guid TenantId, string ApiKey);
}

/// <summary>A tenant created through the API, with its owner key and helpers for its own resources.</summary>
public sealed record TestTenant(ComplianceApiFactory Factory, Guid TenantId, string OwnerKey)
{
    public HttpClient Owner => Factory.Client(OwnerKey);

    /// <summary>Creates a key with <paramref name="role"/> through the owner's endpoint and returns the secret.</summary>
    public async Task<string> KeyAsync(string role, Guid? supplierId = null, DateTimeOffset? expiresAt = null)
    {
        if (role == "case-handler")
        {
            // Testimony readers belong to a handling office: the tenant's test office mints the key (issue #18).
            return await new PersonSessions(Factory).HandlerKeyAsync(this);
        }

        if (role == "auditor")
        {
            expiresAt ??= Factory.Clock.GetUtcNow().AddDays(30);
        }

        var response = await Owner.PostAsJsonAsync("/api/v1/api-keys", new { name = $"{role} key", role, supplierId, expiresAt });
        await Http.EnsureStatusAsync(response, 201);
        return (await response.Content.ReadFromJsonAsync<KeyBody>())!.Key;
    }

    public async Task<HttpClient> ClientAsync(string role, Guid? supplierId = null) => Factory.Client(await KeyAsync(role, supplierId));

    public async Task<Guid> CreateSupplierAsync(string? name = null)
    {
        var response = await Owner.PostAsJsonAsync("/api/v1/suppliers", new { name = name ?? $"Supplier {Guid.NewGuid():N}", countryCode = "MY" });
        return await Http.IdAsync(response);
    }

    /// <summary>Creates a site (and a supplier for it when none is given); returns its id and intake code.</summary>
    public async Task<(Guid Id, string IntakeCode, Guid SupplierId)> CreateSiteAsync(Guid? supplierId = null, string sector = "rubber-gloves")
    {
        supplierId ??= await CreateSupplierAsync();
        var response = await Owner.PostAsJsonAsync("/api/v1/sites", new { supplierId, name = $"Site {Guid.NewGuid():N}", countryCode = "MY", sector, workerHousing = true });
        await Http.EnsureStatusAsync(response, 201);
        var body = (await response.Content.ReadFromJsonAsync<SiteBody>())!;
        return (body.Id, body.IntakeCode, supplierId.Value);
    }

    private sealed record KeyBody(string Key);

    private sealed record SiteBody(Guid Id, string IntakeCode);
}
