using Compliance.Api.Infrastructure.Crypto;
using Compliance.Api.Infrastructure.Database;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>Worker voice: anonymous intake, receipts, follow-up, case handling, clocks, statistics, worker pages (issue 4).</summary>
public static class WorkerVoiceModule
{
    /// <summary>
    /// Log categories silenced for every logging provider (DNH-2, DNH-3): the host's per-request lines carry the
    /// path (a site's intake code) with a timestamp, as do the route matcher's debug lines; Kestrel's
    /// bad-request lines can echo request data.
    /// </summary>
    public static readonly IReadOnlyList<string> SilencedLogCategories =
        ["Microsoft.AspNetCore.Hosting.Diagnostics", "Microsoft.AspNetCore.Routing.Matching", "Microsoft.AspNetCore.Server.Kestrel.BadRequests"];

    public static IServiceCollection AddWorkerVoice(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddSingleton(sp => WorkerVoiceKeys.Load(
            configuration, sp.GetRequiredService<IHostEnvironment>(), sp.GetRequiredService<DatabaseConnections>()));
        services.AddHostedService<WorkerVoiceKeysCheck>();
        services.AddSingleton<TestimonyCrypto>();
        services.AddSingleton<Receipts>();
        services.AddSingleton<ReceiptGuessLimiter>();
        services.AddSingleton<FollowUpSessions>();
        services.AddSingleton<FilingLimiter>();
        services.AddSingleton<WorkerLabels>();
        services.AddSingleton<WhoReads>();
        services.AddOptions<IntakeCeilingOptions>().BindConfiguration(IntakeCeilingOptions.Section)
            .Validate(o => o.DailyCeilingPerCode > 0, "WorkerVoice:Intake:DailyCeilingPerCode must be positive.").ValidateOnStart();
        services.AddScoped<WorkerIntake>();
        services.AddScoped<TestimonyReader>();
        services.AddScoped<Casework>();
        services.AddScoped<GrievanceClockJob>();
        services.AddScoped<GrievanceReminderJob>();
        services.AddScoped<GrievanceRetentionJob>();

        // Provider-specific rules beat general ones, so add the rule once per registered provider.
        services.AddOptions<LoggerFilterOptions>().PostConfigure<IServiceProvider>((options, sp) =>
        {
            foreach (var provider in sp.GetServices<ILoggerProvider>())
            {
                foreach (var category in SilencedLogCategories)
                {
                    options.Rules.Add(new LoggerFilterRule(provider.GetType().FullName, category, LogLevel.None, null));
                }
            }

            foreach (var category in SilencedLogCategories)
            {
                options.Rules.Add(new LoggerFilterRule(null, category, LogLevel.None, null));
            }
        });
        return services;
    }

    /// <summary>The worker path's response headers (DNH-10), on every worker page and intake response.</summary>
    public static WebApplication UseWorkerVoice(this WebApplication app)
    {
        app.Use(async (context, next) =>
        {
            if (IsWorkerPath(context.Request.Path))
            {
                context.Response.OnStarting(() =>
                {
                    var headers = context.Response.Headers;
                    headers.CacheControl = "no-store";
                    headers.Pragma = "no-cache";
                    headers["Referrer-Policy"] = "no-referrer";
                    headers.XContentTypeOptions = "nosniff";
                    headers.ContentSecurityPolicy =
                        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'";
                    headers.Remove("Set-Cookie");
                    return Task.CompletedTask;
                });
            }

            await next(context);
        });
        return app;
    }

    public static RouteGroupBuilder MapWorkerVoice(this RouteGroupBuilder api)
    {
        IntakeApi.Map(api);
        CaseHandlingApi.Map(api);
        GrievanceStatisticsApi.Map(api);
        NarrativeAccessLogApi.Map(api);
        WorkerVoiceSettingsApi.Map(api);
        return api;
    }

    /// <summary>The worker pages (<c>/v/...</c>), outside the API's route group.</summary>
    public static WebApplication MapWorkerPages(this WebApplication app)
    {
        WorkerPages.Map(app);
        return app;
    }

    /// <summary>The anonymous surface: worker pages, the intake API and the messaging channels' webhooks.</summary>
    public static bool IsWorkerPath(PathString path) =>
        path.StartsWithSegments("/v", StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments("/api/v1/intake", StringComparison.OrdinalIgnoreCase)
        || path.StartsWithSegments("/channels", StringComparison.OrdinalIgnoreCase);
}
