namespace Compliance.Api.Features.Reporting;

/// <summary>OData compliance reporting for auditors (issue 6).</summary>
public static class ReportingModule
{
    public static IServiceCollection AddReporting(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }

    public static WebApplication MapReporting(this WebApplication app, RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        return app;
    }
}
