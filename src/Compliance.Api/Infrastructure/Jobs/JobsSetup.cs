using System.Security.Cryptography;
using Compliance.Api.Infrastructure.Database;
using Hangfire;
using Hangfire.PostgreSql;
using Hangfire.PostgreSql.Factories;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Infrastructure.Jobs;

/// <summary>Settings of the Hangfire server (section <c>Jobs</c>).</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Run a Hangfire server in this process. Tests switch it off and run jobs explicitly.</summary>
    public bool RunServer { get; set; } = true;

    public int WorkerCount { get; set; } = 2;

    /// <summary>How often the server moves due scheduled jobs (retries among them) to the queue; Hangfire's default.</summary>
    public int SchedulePollingIntervalSeconds { get; set; } = 15;
}

/// <summary>
/// Hangfire on PostgreSQL in its own schema, over the owner connection (its tables hold job ids, never tenant
/// data). Jobs take ids and set their tenant themselves. The dashboard is the operator's, behind
/// <see cref="OperationsOptions.DashboardKey"/>; tenants read their own jobs' state from <c>GET /api/v1/jobs</c>.
/// </summary>
public static class JobsSetup
{
    public const string Schema = "hangfire";

    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration, DatabaseConnections connections)
    {
        var options = configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        // This host's storage, registered before AddHangfire so Hangfire's own registration (which reads the process-wide
        // JobStorage.Current right after configuring it) never applies: two hosts in one process (tests, a restart in
        // place) configuring at the same moment could otherwise each be handed the other's database.
        var storageOptions = new PostgreSqlStorageOptions { SchemaName = Schema, PrepareSchemaIfNecessary = true, QueuePollInterval = TimeSpan.FromSeconds(2) };
        services.AddSingleton<JobStorage>(_ => new PostgreSqlStorage(new NpgsqlConnectionFactory(connections.Owner, storageOptions), storageOptions));
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseActivator(new ScopedJobActivator(sp.GetRequiredService<IServiceScopeFactory>()))
            .UseLogProvider(new HostLogProvider(sp.GetRequiredService<ILoggerFactory>()))
            .UseStorage(sp.GetRequiredService<JobStorage>()));
        if (options.RunServer)
        {
            services.AddHangfireServer((sp, o) =>
            {
                o.WorkerCount = options.WorkerCount;
                o.SchedulePollingInterval = TimeSpan.FromSeconds(options.SchedulePollingIntervalSeconds);

                // This host's own activator and filters, not Hangfire's process-wide statics (which the last host
                // to configure Hangfire would own): retry policies come from each feature's options.
                o.Activator = new ScopedJobActivator(sp.GetRequiredService<IServiceScopeFactory>());
                o.FilterProvider = RetryPolicyFilterProvider.With(sp.GetServices<JobRetryPolicy>());
            });
        }

        return services;
    }

    public static IServiceCollection AddOperations(this IServiceCollection services)
    {
        services.AddOptions<OperationsOptions>().BindConfiguration(OperationsOptions.Section)
            .Validate(
                o => string.IsNullOrWhiteSpace(o.DashboardKey) || o.DashboardKey.Trim().Length >= OperationsOptions.MinimumKeyLength,
                $"Operations:DashboardKey must be at least {OperationsOptions.MinimumKeyLength} characters.")
            .ValidateOnStart();
        services.AddSingleton<OperatorCredential>();
        return services;
    }

    /// <summary>
    /// The dashboard belongs to the installation's operator, never to a tenant role: it lists every tenant's jobs,
    /// their arguments and their errors, and can trigger or delete recurring jobs for all of them. It answers only
    /// to <see cref="OperationsOptions.DashboardKey"/>; without one (outside Development) it is not mapped at all.
    /// </summary>
    public static void MapJobs(this WebApplication app)
    {
        var credential = app.Services.GetRequiredService<OperatorCredential>();
        if (!credential.IsConfigured)
        {
            app.Logger.LogWarning("Operations:DashboardKey is not set: the job dashboard is off");
            return;
        }

        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            // Bearer credential, no cookies: nothing for a cross-site request to ride on.
            Authorization = [new OperatorDashboardAuthorization(credential)],
            IgnoreAntiforgeryToken = true,
            DisplayStorageConnectionString = false,
        });
    }
}

/// <summary>Each job runs in its own DI scope, so it gets its own <see cref="Tenancy.TenantContext"/> and DbContext.</summary>
internal sealed class ScopedJobActivator(IServiceScopeFactory scopes) : JobActivator
{
    public override JobActivatorScope BeginScope(JobActivatorContext context) => new Scope(scopes.CreateScope());

    private sealed class Scope(IServiceScope scope) : JobActivatorScope
    {
        public override object Resolve(Type type) => ActivatorUtilities.GetServiceOrCreateInstance(scope.ServiceProvider, type);

        public override void DisposeScope() => scope.Dispose();
    }
}
