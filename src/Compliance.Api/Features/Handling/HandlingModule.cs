namespace Compliance.Api.Features.Handling;

/// <summary>
/// Handling offices (issue #18): the organisations whose people read testimony, their links to tenants, the keys
/// they mint for their handlers, the operator's verification, and the testimony access roster.
/// </summary>
public static class HandlingModule
{
    public static IServiceCollection AddHandling(this IServiceCollection services)
    {
        services.AddScoped<TestimonyRoster>();
        services.AddScoped<People.IPersonEvents, RosterPersonEvents>();
        return services;
    }

    public static RouteGroupBuilder MapHandling(this RouteGroupBuilder api)
    {
        api.MapHandlingOffices();
        api.MapHandlingLinks();
        api.MapHandlerKeys();
        api.MapRoster();
        api.MapOperator();
        return api;
    }
}
