using System.Threading.RateLimiting;
using Compliance.Api.Infrastructure.Http;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Compliance.Api.Features.Foundation;

/// <summary>
/// The foundation every other area stands on: tenants and their signup, API keys, suppliers, sites, and the
/// plan-limit port (<see cref="IPlanLimits"/>) that writing features ask and Billing implements.
/// </summary>
public static class FoundationModule
{
    public static IServiceCollection AddFoundation(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddScoped<ApiKeyIssuer>();

        // No limits until an implementation of the port is registered (Billing adds the plan-backed one).
        services.TryAddScoped<IPlanLimits, NoPlanLimits>();

        // Signup is not on the worker path; the client is keyed as every per-client limit keys it (IPv4 address or IPv6
        // /64, behind configured proxies only), held in memory only, for the window.
        services.Configure<RateLimiterOptions>(o => o.AddPolicy(TenantsApi.SignupRateLimit, http => RateLimitPartition.GetFixedWindowLimiter(
            ClientAddresses.Key(http),
            _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = configuration.GetValue("RateLimits:SignupPerMinute", 10),
                Window = TimeSpan.FromMinutes(1),
            })));
        return services;
    }

    public static RouteGroupBuilder MapFoundation(this RouteGroupBuilder api)
    {
        api.MapTenants();
        api.MapApiKeys();
        api.MapSuppliers();
        api.MapSites();
        return api;
    }
}
