namespace Compliance.Api.Features.Effectiveness;

/// <summary>The effectiveness review of the grievance mechanism (issue #21): figures, remedies, the survey, the annual review.</summary>
public static class EffectivenessModule
{
    public static IServiceCollection AddEffectiveness(this IServiceCollection services)
    {
        services.AddScoped<RemedyRecords>();
        services.AddScoped<EffectivenessSurvey>();
        services.AddScoped<EffectivenessReviews>();
        return services;
    }

    public static RouteGroupBuilder MapEffectiveness(this RouteGroupBuilder api)
    {
        EffectivenessApi.Map(api);
        return api;
    }
}
