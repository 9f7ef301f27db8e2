namespace Compliance.Api.Features.Risk;

/// <summary>Audits, the risk assessment job, escalation destinations and escalations (issue 5).</summary>
public static class RiskModule
{
    public static IServiceCollection AddRisk(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }

    public static WebApplication MapRisk(this WebApplication app, RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        return app;
    }
}
