using Compliance.Api.Features.Foundation;
using Microsoft.Extensions.Options;
using Stripe;

namespace Compliance.Api.Features.Billing;

/// <summary>Stripe billing: plans, checkout, portal, webhooks, limits (issue 7).</summary>
public static class BillingModule
{
    public static IServiceCollection AddBilling(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.AddOptions<BillingOptions>().BindConfiguration(BillingOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<BillingOptions>, BillingOptionsValidator>();
        services.AddHttpClient(nameof(StripeClient));

        // Built from options, never StripeConfiguration's static state; ApiBase lets tests point it at WireMock.
        services.AddSingleton(sp =>
        {
            var stripe = sp.GetRequiredService<IOptions<BillingOptions>>().Value.Stripe;
            var http = new SystemNetHttpClient(sp.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(StripeClient)), stripe.MaxNetworkRetries);
            return new StripeClient(new StripeClientOptions { ApiKey = stripe.SecretKey, ApiBase = stripe.ApiBase ?? StripeClient.DefaultApiBase, HttpClient = http });
        });
        services.AddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<BillingOptions>>();
            return new StripeBilling(options, options.Value.Stripe.ApiConfigured ? sp.GetRequiredService<StripeClient>() : null);
        });
        services.AddSingleton<StripeEventProcessor>();
        services.AddScoped<BillingReader>();
        services.AddScoped<IPlanLimits, BillingPlanLimits>();
        return services;
    }

    public static RouteGroupBuilder MapBilling(this RouteGroupBuilder api)
    {
        api.MapBillingApi();
        api.MapStripeWebhook();
        return api;
    }
}
