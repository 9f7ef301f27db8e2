using Compliance.Api.Features.Foundation;
using Compliance.Api.Infrastructure.Http;

namespace Compliance.Api.Features.Recruitment;

/// <summary>Ethical recruitment records: agencies, workers, fees, remediation, declarations, contracts, passport custody, import (issue 3).</summary>
public static class RecruitmentModule
{
    public static IServiceCollection AddRecruitment(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<RecruitmentOptions>().BindConfiguration(RecruitmentOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    public static RouteGroupBuilder MapRecruitment(this RouteGroupBuilder api)
    {
        api.MapAgencies();
        var workers = api.MapGroup("/workers").WithTags("Recruitment").AddEndpointFilter<PlanWriteGuardFilter>().AddEndpointFilter<UnitOfWorkFilter>();
        workers.MapWorkers();
        workers.MapFees();
        workers.MapRemediation();
        workers.MapDeclarations();
        workers.MapContracts();
        workers.MapPassports();
        api.MapWorkerImport();
        return api;
    }
}
