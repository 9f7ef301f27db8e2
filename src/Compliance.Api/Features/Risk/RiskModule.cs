using Compliance.Api.Features.Risk.Assessment;
using Compliance.Api.Features.Risk.Audits;
using Compliance.Api.Features.Risk.Escalations;
using Compliance.Api.Infrastructure.Jobs;
using Hangfire;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;

namespace Compliance.Api.Features.Risk;

/// <summary>Audits, the risk assessment job, escalation destinations and escalations (issue 5).</summary>
public static class RiskModule
{
    public static IServiceCollection AddRisk(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<EscalationOptions>().BindConfiguration(EscalationOptions.Section).ValidateDataAnnotations()
            .Validate(
                o => o.RetryDelaysSeconds is null || (o.RetryDelaysSeconds.Count <= EscalationOptions.HangfireRetryBudget && o.RetryDelaysSeconds.All(d => d is >= 1 and <= 86_400)),
                $"Escalation:RetryDelaysSeconds takes at most {EscalationOptions.HangfireRetryBudget} delays of 1 to 86400 seconds.")
            .ValidateOnStart();
        services.AddSingleton<DestinationAddressGuard>();
        services.AddSingleton<SigningSecretProtector>();
        services.AddSingleton<DossierRenderer>();
        services.AddScoped<GrievanceEscalations>();
        services.AddScoped<RiskAssessmentJob>();
        services.AddScoped<EscalationDeliveryJob>();
        services.AddSingleton(sp => new JobRetryPolicy(
            typeof(EscalationDeliveryJob),
            EscalationOptions.HangfireRetryBudget,
            sp.GetRequiredService<IOptions<EscalationOptions>>().Value.RetryDelays(),
            AttemptsExceededAction.Fail));

        // One attempt per Hangfire run, bounded by a timeout: retries belong to Hangfire so each one is recorded.
        // Every connection goes through the address guard (no redirects, no private addresses after DNS changes).
        services.AddHttpClient(EscalationDeliveryJob.HttpClientName)
            .ConfigurePrimaryHttpMessageHandler(sp => new SocketsHttpHandler
            {
                AllowAutoRedirect = false,

                // A proxy would make the connection, not the guard: the guard must see the final address.
                UseProxy = false,
                UseCookies = false,
                ConnectCallback = sp.GetRequiredService<DestinationAddressGuard>().ConnectAsync,
            })
            .AddResilienceHandler("escalation-timeout", (builder, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<EscalationOptions>>().Value;
                builder.AddTimeout(TimeSpan.FromSeconds(options.TimeoutSeconds));
            });
        return services;
    }

    public static RouteGroupBuilder MapRisk(this RouteGroupBuilder api)
    {
        AuditsApi.MapAudits(api);
        CorrectiveActionsApi.MapCorrectiveActions(api);
        RiskApi.MapRiskAssessments(api);
        DestinationsApi.MapDestinations(api);
        EscalationsApi.MapEscalations(api);
        return api;
    }
}
