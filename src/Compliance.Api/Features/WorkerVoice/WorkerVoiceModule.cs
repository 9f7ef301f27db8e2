namespace Compliance.Api.Features.WorkerVoice;

/// <summary>Worker voice: anonymous intake, receipts, follow-up, case handling, clocks, statistics, worker pages (issue 4).</summary>
public static class WorkerVoiceModule
{
    public static IServiceCollection AddWorkerVoice(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }

    public static WebApplication MapWorkerVoice(this WebApplication app, RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        return app;
    }
}
