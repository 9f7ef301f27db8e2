using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Features.Channels;

/// <summary>
/// WhatsApp Cloud API webhook (<c>/channels/whatsapp</c>). GET answers Meta's verification (<c>hub.challenge</c> when
/// <c>hub.verify_token</c> matches); POST checks <c>X-Hub-Signature-256</c> (<c>sha256=</c> + HMAC-SHA256 of the raw
/// body under the app secret, compared in constant time) over the bytes as they arrived, before any parsing, and runs the
/// same conversation as SMS. Replies go out through the Graph API. WhatsApp keeps metadata we cannot delete; the first
/// message in the worker's language says so (DNH-14).
/// </summary>
public static class WhatsAppChannel
{
    public const string Path = "/channels/whatsapp";

    public static void Map(RouteGroupBuilder channels)
    {
        channels.MapGet("/whatsapp", Verify);
        channels.MapPost("/whatsapp", ReceiveAsync);
    }

    private static IResult Verify(HttpRequest request, IOptions<ChannelsOptions> options)
    {
        if (options.Value.MissingForWhatsApp() is { } missing)
        {
            return ChannelsModule.Unconfigured(missing);
        }

        var query = request.Query;
        var token = query["hub.verify_token"].ToString();
        return query["hub.mode"] == "subscribe" && Equal(token, options.Value.WhatsApp.VerifyToken!)
            ? Results.Text(query["hub.challenge"].ToString(), "text/plain")
            : ChannelsModule.Refused();
    }

    private static async Task<IResult> ReceiveAsync(
        HttpRequest request, IOptions<ChannelsOptions> options, TextConversations conversations, WhatsAppMessages graph, ILoggerFactory logs, CancellationToken ct)
    {
        if (options.Value.MissingForWhatsApp() is { } missing)
        {
            return ChannelsModule.Unconfigured(missing);
        }

        byte[] body;
        using (var buffer = new MemoryStream())
        {
            await request.Body.CopyToAsync(buffer, ct);
            body = buffer.ToArray();
        }

        if (!SignatureMatches(body, request.Headers["X-Hub-Signature-256"].ToString(), options.Value.WhatsApp.AppSecret!))
        {
            logs.CreateLogger(typeof(WhatsAppChannel)).LogWarning("WhatsApp webhook refused: missing or wrong signature");
            return ChannelsModule.Refused();
        }

        foreach (var message in Messages(body))
        {
            var reply = await conversations.HandleAsync(message, ct);
            if (reply.Length > 0)
            {
                await graph.SendAsync(message.Sender, reply, ct);
            }
        }

        return Results.Ok();
    }

    /// <summary>True when <paramref name="header"/> is <c>sha256=</c> and the hex HMAC-SHA256 of <paramref name="body"/>.</summary>
    public static bool SignatureMatches(byte[] body, string header, string appSecret)
    {
        const string prefix = "sha256=";
        if (!header.StartsWith(prefix, StringComparison.Ordinal) || header.Length != prefix.Length + 64)
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(header.AsSpan(prefix.Length));
        }
        catch (FormatException)
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(HMACSHA256.HashData(Encoding.UTF8.GetBytes(appSecret), body), given);
    }

    /// <summary>The text messages in a Cloud API notification (statuses and other kinds carry nothing to answer).</summary>
    private static List<InboundText> Messages(byte[] body)
    {
        var found = new List<InboundText>();
        using var doc = JsonDocument.Parse(body);
        foreach (var entry in Array(doc.RootElement, "entry"))
        {
            foreach (var change in Array(entry, "changes"))
            {
                if (!change.TryGetProperty("value", out var value) || !value.TryGetProperty("metadata", out var metadata))
                {
                    continue;
                }

                var ours = "+" + new string([.. (metadata.TryGetProperty("display_phone_number", out var n) ? n.GetString() ?? string.Empty : string.Empty).Where(char.IsAsciiDigit)]);
                foreach (var message in Array(value, "messages"))
                {
                    var text = message.TryGetProperty("text", out var t) && t.TryGetProperty("body", out var b) ? b.GetString() ?? string.Empty : string.Empty;
                    // Anything but text (image, audio, video, document, sticker, location, contacts) is told it is not
                    // kept; a reaction to one of our messages is no message at all. A caption still counts as text.
                    var type = message.TryGetProperty("type", out var ty) ? ty.GetString() : "text";
                    if (type == "reaction")
                    {
                        continue;
                    }

                    if (text.Length == 0 && message.TryGetProperty(type ?? string.Empty, out var part) && part.ValueKind == JsonValueKind.Object && part.TryGetProperty("caption", out var caption))
                    {
                        text = caption.GetString() ?? string.Empty;
                    }

                    found.Add(new InboundText(MessagingChannels.WhatsApp, message.GetProperty("from").GetString()!, ours, text, message.GetProperty("id").GetString(), ProviderSid: null, Media: type != "text"));
                }
            }
        }

        return found;
    }

    private static List<JsonElement> Array(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out var a) && a.ValueKind == JsonValueKind.Array ? [.. a.EnumerateArray()] : [];

    private static bool Equal(string a, string b) => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(a), Encoding.UTF8.GetBytes(b));
}

/// <summary>Sends a text through the Graph API: <c>POST {GraphBaseUrl}/{PhoneNumberId}/messages</c>, bearer access token.</summary>
public sealed class WhatsAppMessages(IHttpClientFactory http, IOptions<ChannelsOptions> options)
{
    public const string HttpClientName = "whatsapp-graph";

    /// <summary>WhatsApp's limit for one text body.</summary>
    public const int MaxBody = 4096;

    public async Task SendAsync(string to, string text, CancellationToken ct)
    {
        var whatsapp = options.Value.WhatsApp;
        using var client = http.CreateClient(HttpClientName);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{whatsapp.GraphBaseUrl!.TrimEnd('/')}/{Uri.EscapeDataString(whatsapp.PhoneNumberId!)}/messages")
        {
            Content = JsonContent.Create(new
            {
                messaging_product = "whatsapp",
                recipient_type = "individual",
                to,
                type = "text",
                text = new { preview_url = false, body = text.Length > MaxBody ? text[..MaxBody] : text },
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", whatsapp.AccessToken);
        using var response = await client.SendAsync(request, ct);
        response.EnsureSuccessStatusCode();
    }
}
