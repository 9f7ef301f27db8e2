namespace Compliance.Api.Features.Channels;

/// <summary>
/// Grievance intake over SMS, WhatsApp and voice (issue #20), on the same receipt as the web page, storing no phone
/// number: <c>/channels/*</c> for the providers' webhooks, <c>/api/v1/channel-numbers</c> to map numbers to tenants.
/// </summary>
public static class ChannelsModule
{
    public static IServiceCollection AddChannels(this IServiceCollection services)
    {
        services.AddOptions<ChannelsOptions>().BindConfiguration(ChannelsOptions.Section).ValidateOnStart();
        services.AddSingleton<Microsoft.Extensions.Options.IValidateOptions<ChannelsOptions>, ChannelsOptionsValidator>();
        services.AddMemoryCache();
        services.AddSingleton<ConversationStore>();
        services.AddSingleton<ChannelTexts>();
        services.AddSingleton<NumberResolver>();
        services.AddScoped<TextConversations>();
        services.AddScoped<ProviderDeletions>();
        services.AddScoped<ChannelFilings>();
        services.AddScoped<ProviderDeletionJob>();
        services.AddScoped<ProviderDeletionSweepJob>();
        services.AddScoped<TwilioMessages>();
        services.AddScoped<WhatsAppMessages>();
        services.AddHttpClient(ProviderDeletionJob.HttpClientName);
        services.AddHttpClient(WhatsAppMessages.HttpClientName);
        return services;
    }

    public static WebApplication MapChannels(this WebApplication app)
    {
        var channels = app.MapGroup("/channels").AllowAnonymous().DisableAntiforgery().ExcludeFromDescription();
        TwilioChannels.Map(channels);
        WhatsAppChannel.Map(channels);
        return app;
    }

    /// <summary>A channel whose settings are missing: 503, naming the first unset setting (a name, never a value).</summary>
    internal static IResult Unconfigured(string setting) => Results.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable, title: "Channel not configured", detail: $"{setting} is not set.");

    internal static IResult Refused() => Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "The request signature is missing or wrong.");
}
