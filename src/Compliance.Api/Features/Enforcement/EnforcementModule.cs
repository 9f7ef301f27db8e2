using Compliance.Api.Infrastructure.Database;

namespace Compliance.Api.Features.Enforcement;

/// <summary>Site products and enforcement dossiers for trade authorities (issue #22).</summary>
public static class EnforcementModule
{
    public static IServiceCollection AddEnforcement(this IServiceCollection services)
    {
        services.AddSingleton(sp => DossierSigningKeys.Load(
            sp.GetRequiredService<IConfiguration>(), sp.GetRequiredService<IHostEnvironment>(), sp.GetRequiredService<DatabaseConnections>()));
        services.AddHostedService<DossierSigningKeysCheck>();
        services.AddScoped<DossierEvidence>();
        services.AddScoped<DossierMaker>();
        return services;
    }

    public static RouteGroupBuilder MapEnforcement(this RouteGroupBuilder api)
    {
        api.MapSiteProducts();
        api.MapDossiers();
        return api;
    }

    /// <summary>
    /// <c>GET /.well-known/dossier-keys</c>: the installation's dossier public keys (current and retired), anonymous, so
    /// a receiving body can verify a dossier without an account.
    /// </summary>
    public static IEndpointRouteBuilder MapDossierKeys(this IEndpointRouteBuilder app)
    {
        app.MapGet("/.well-known/dossier-keys", (DossierSigningKeys keys) => TypedResults.Ok(new { keys = keys.Published }))
            .AllowAnonymous().WithTags("Dossiers").WithSummary("The public keys that verify this installation's dossiers.");
        return app;
    }

    /// <summary>Resolves the signing key when the host starts, so a missing key stops the app rather than the first dossier.</summary>
    private sealed class DossierSigningKeysCheck(IServiceProvider services) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            _ = services.GetRequiredService<DossierSigningKeys>();
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
