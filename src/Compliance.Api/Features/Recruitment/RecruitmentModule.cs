namespace Compliance.Api.Features.Recruitment;

/// <summary>Ethical recruitment records: agencies, workers, fees, remediation, declarations, contracts, passport custody, import (issue 3).</summary>
public static class RecruitmentModule
{
    public static IServiceCollection AddRecruitment(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return services;
    }

    public static WebApplication MapRecruitment(this WebApplication app, RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        return app;
    }
}
