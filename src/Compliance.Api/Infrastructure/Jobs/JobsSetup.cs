using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Hangfire;
using Hangfire.PostgreSql;

namespace Compliance.Api.Infrastructure.Jobs;

/// <summary>Settings of the Hangfire server (section <c>Jobs</c>).</summary>
public sealed class JobsOptions
{
    public const string Section = "Jobs";

    /// <summary>Run a Hangfire server in this process. Tests switch it off and run jobs explicitly.</summary>
    public bool RunServer { get; set; } = true;

    public int WorkerCount { get; set; } = 2;
}

/// <summary>
/// Hangfire on PostgreSQL in its own schema, over the owner connection (its tables hold job ids, never tenant
/// data). Jobs take ids and set their tenant themselves. The dashboard sits behind the owner policy.
/// </summary>
public static class JobsSetup
{
    public const string Schema = "hangfire";

    public static IServiceCollection AddJobs(this IServiceCollection services, IConfiguration configuration, DatabaseConnections connections)
    {
        var options = configuration.GetSection(JobsOptions.Section).Get<JobsOptions>() ?? new JobsOptions();
        services.AddHangfire((sp, config) => config
            .SetDataCompatibilityLevel(CompatibilityLevel.Version_180)
            .UseSimpleAssemblyNameTypeSerializer()
            .UseRecommendedSerializerSettings()
            .UseActivator(new ScopedJobActivator(sp.GetRequiredService<IServiceScopeFactory>()))
            .UseLogProvider(new HostLogProvider(sp.GetRequiredService<ILoggerFactory>()))
            .UsePostgreSqlStorage(
                o => o.UseNpgsqlConnection(connections.Owner),
                new PostgreSqlStorageOptions { SchemaName = Schema, PrepareSchemaIfNecessary = true, QueuePollInterval = TimeSpan.FromSeconds(2) }));
        if (options.RunServer)
        {
            services.AddHangfireServer(o => o.WorkerCount = options.WorkerCount);
        }

        return services;
    }

    public static void MapJobs(this WebApplication app)
    {
        app.MapHangfireDashboardWithAuthorizationPolicy(Policies.Owner, "/hangfire", new DashboardOptions
        {
            // The API authenticates with bearer keys, not cookies; the dashboard's own check is the policy above.
            Authorization = [],
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
