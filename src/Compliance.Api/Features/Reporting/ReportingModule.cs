using Compliance.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.OData;
using Microsoft.AspNetCore.OData.Query;
using Microsoft.AspNetCore.OData.Query.Expressions;

namespace Compliance.Api.Features.Reporting;

/// <summary>OData compliance reporting for auditors (issue 6): <c>/odata</c>, read-only, bounded, tenant-safe.</summary>
public static class ReportingModule
{
    public const string RoutePrefix = "odata";

    public static IServiceCollection AddReporting(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<ReportingOptions>().BindConfiguration(ReportingOptions.Section)
            .Validate(o => o.StatementTimeoutMs > 0, "Reporting:StatementTimeoutMs must be positive.").ValidateOnStart();
        var model = ReportingSets.Build();
        services.AddSingleton(model);
        services.AddControllers().AddOData(o => o
            .Select().Filter().OrderBy().Count().Expand().SkipToken()
            .SetMaxTop(ReportingLimits.MaxTop)
            .AddRouteComponents(RoutePrefix, model.Edm, routeServices => routeServices
                .AddSingleton<SkipTokenHandler, ReportingSkipTokenHandler>()
                .AddSingleton<IFilterBinder, ReportingFilterBinder>()));
        return services;
    }

    /// <summary>The feed's pipeline and its controllers: every <c>/odata</c> request runs in one read-only tenant scope.</summary>
    public static WebApplication UseReporting(this WebApplication app)
    {
        app.UseWhen(
            http => http.Request.Path.StartsWithSegments("/" + RoutePrefix, StringComparison.OrdinalIgnoreCase),
            branch => branch.UseMiddleware<ReportingRequestMiddleware>());

        // Controllers exist only for the feed; $metadata and the service document need a reporting key too.
        app.MapControllers().RequireAuthorization(Policies.EmployerRead);
        return app;
    }
}
