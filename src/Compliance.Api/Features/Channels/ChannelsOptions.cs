using Microsoft.Extensions.Options;

namespace Compliance.Api.Features.Channels;

/// <summary>
/// Settings of the messaging channels (section <c>Channels</c>). Every one may be unset: a channel whose settings are
/// missing answers 503 naming the first unset one, and the rest of the app works as before (so nothing here fails the
/// start for being absent; only a malformed URL does).
/// </summary>
public sealed class ChannelsOptions
{
    public const string Section = "Channels";

    /// <summary>
    /// The public https origin the providers call (<c>https://intake.example.org</c>). Twilio signs the URL it called, so
    /// behind a TLS-terminating proxy the signature is checked against this, never against the request's own host.
    /// </summary>
    public string? PublicBaseUrl { get; set; }

    /// <summary>
    /// Base64 key (32 bytes or more) for the keyed hashes of senders and provider message ids. Unset: a random key per
    /// process start, so conversations and redelivery memory do not survive a restart (they are in memory anyway).
    /// </summary>
    public string? ConversationKey { get; set; }

    public TwilioChannelOptions Twilio { get; set; } = new();

    public WhatsAppChannelOptions WhatsApp { get; set; } = new();

    /// <summary>The first unset setting SMS and voice need, or null when both can run.</summary>
    public string? MissingForTwilio() =>
        Unset(PublicBaseUrl, "Channels:PublicBaseUrl")
        ?? Unset(Twilio.AccountSid, "Channels:Twilio:AccountSid")
        ?? Unset(Twilio.AuthToken, "Channels:Twilio:AuthToken")
        ?? Unset(Twilio.ApiBaseUrl, "Channels:Twilio:ApiBaseUrl");

    /// <summary>The first unset setting WhatsApp needs, or null when it can run.</summary>
    public string? MissingForWhatsApp() =>
        Unset(WhatsApp.AppSecret, "Channels:WhatsApp:AppSecret")
        ?? Unset(WhatsApp.VerifyToken, "Channels:WhatsApp:VerifyToken")
        ?? Unset(WhatsApp.AccessToken, "Channels:WhatsApp:AccessToken")
        ?? Unset(WhatsApp.PhoneNumberId, "Channels:WhatsApp:PhoneNumberId")
        ?? Unset(WhatsApp.GraphBaseUrl, "Channels:WhatsApp:GraphBaseUrl");

    private static string? Unset(string? value, string name) => string.IsNullOrWhiteSpace(value) ? name : null;
}

public sealed class TwilioChannelOptions
{
    public string? AccountSid { get; set; }

    public string? AuthToken { get; set; }

    /// <summary>Twilio's REST API origin; tests point it at WireMock.</summary>
    public string? ApiBaseUrl { get; set; } = "https://api.twilio.com";
}

public sealed class WhatsAppChannelOptions
{
    /// <summary>The Meta app's secret: <c>X-Hub-Signature-256</c> is an HMAC-SHA256 of the raw body under it.</summary>
    public string? AppSecret { get; set; }

    /// <summary>The token typed into the app's Webhooks "Verify token" field.</summary>
    public string? VerifyToken { get; set; }

    /// <summary>The system user's access token that sends replies.</summary>
    public string? AccessToken { get; set; }

    /// <summary>The WhatsApp business phone number id replies are sent from.</summary>
    public string? PhoneNumberId { get; set; }

    /// <summary>Graph API origin with version; tests point it at WireMock.</summary>
    public string? GraphBaseUrl { get; set; } = "https://graph.facebook.com/v21.0";
}

internal sealed class ChannelsOptionsValidator : IValidateOptions<ChannelsOptions>
{
    public ValidateOptionsResult Validate(string? name, ChannelsOptions options)
    {
        var errors = new List<string>();
        foreach (var (setting, value) in new[]
        {
            ("Channels:PublicBaseUrl", options.PublicBaseUrl),
            ("Channels:Twilio:ApiBaseUrl", options.Twilio.ApiBaseUrl),
            ("Channels:WhatsApp:GraphBaseUrl", options.WhatsApp.GraphBaseUrl),
        })
        {
            if (!string.IsNullOrWhiteSpace(value) && !Uri.TryCreate(value, UriKind.Absolute, out _))
            {
                errors.Add($"{setting} must be an absolute URL.");
            }
        }

        if (!string.IsNullOrWhiteSpace(options.ConversationKey))
        {
            var bytes = new byte[options.ConversationKey.Length];
            if (!Convert.TryFromBase64String(options.ConversationKey, bytes, out var length) || length < 32)
            {
                errors.Add("Channels:ConversationKey must be base64 of at least 32 bytes.");
            }
        }

        // Names only, never values: a secret must not reach a log.
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
