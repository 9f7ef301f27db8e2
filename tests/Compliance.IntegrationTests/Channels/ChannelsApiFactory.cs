using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Xml.Linq;
using Compliance.IntegrationTests.Infrastructure;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Compliance.IntegrationTests.Channels;

/// <summary>
/// The app with every channel configured; one WireMock server stands in for Twilio's REST API and the Graph API (the
/// only outside services). Webhooks are signed here as the providers sign them, independently of the app's own code:
/// Twilio's HMAC-SHA1 of URL + sorted parameters, Meta's HMAC-SHA256 of the raw body.
/// </summary>
public class ChannelsApiFactory : ComplianceApiFactory
{
    public const string PublicBaseUrl = "https://intake.example.org";
    public const string AccountSid = "AC0123456789abcdef0123456789abcdef";
    public const string AuthToken = "twilio-auth-token-for-tests";
    public const string AppSecret = "whatsapp-app-secret-for-tests";
    public const string VerifyToken = "whatsapp-verify-token-for-tests";
    public const string AccessToken = "whatsapp-access-token-for-tests";
    public const string PhoneNumberId = "109876543210";

    private int _numbers;

    public WireMockServer Providers { get; } = WireMockServer.Start();

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        Providers.Given(Request.Create().WithPath($"/2010-04-01/Accounts/{AccountSid}/Messages.json").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json")
                .WithBody(_ => JsonSerializer.Serialize(new { sid = NewSid("SM") })));
        Providers.Given(Request.Create().WithPath(new WireMock.Matchers.RegexMatcher($"^/2010-04-01/Accounts/{AccountSid}/(Messages|Calls)/[A-Z]{{2}}[0-9a-f]{{32}}\\.json$")).UsingDelete())
            .RespondWith(Response.Create().WithStatusCode(204));
        Providers.Given(Request.Create().WithPath($"/v21.0/{PhoneNumberId}/messages").UsingPost())
            .RespondWith(Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"messages":[{"id":"wamid.sent"}]}"""));
    }

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Channels:PublicBaseUrl", PublicBaseUrl),
        new("Channels:Twilio:AccountSid", AccountSid),
        new("Channels:Twilio:AuthToken", AuthToken),
        new("Channels:Twilio:ApiBaseUrl", Providers.Url),
        new("Channels:WhatsApp:AppSecret", AppSecret),
        new("Channels:WhatsApp:VerifyToken", VerifyToken),
        new("Channels:WhatsApp:AccessToken", AccessToken),
        new("Channels:WhatsApp:PhoneNumberId", PhoneNumberId),
        new("Channels:WhatsApp:GraphBaseUrl", Providers.Url + "/v21.0"),
    ];

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Providers.Stop();
            Providers.Dispose();
        }

        base.Dispose(disposing);
    }

    public static string NewSid(string prefix) => prefix + Convert.ToHexString(RandomNumberGenerator.GetBytes(16)).ToLowerInvariant();

    /// <summary>A number of ours not used before in this app (E.164, Malaysian mobile range).</summary>
    public string NewNumber() => $"+6011{Interlocked.Increment(ref _numbers) + (Random.Shared.Next(1000, 9999) * 10000):D8}";

    /// <summary>Maps <paramref name="number"/> for <paramref name="channel"/> through the owner's endpoint.</summary>
    public static async Task MapNumberAsync(TestTenant tenant, string channel, string number, Guid? siteId = null) =>
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/channel-numbers", new { channel, number, siteId }), 201);

    /// <summary>Twilio's signature: base64 HMAC-SHA1 under the auth token of the URL followed by each parameter name and value, sorted by name.</summary>
    public static string TwilioSignature(string url, IEnumerable<KeyValuePair<string, string>> parameters, string authToken = AuthToken)
    {
        var data = new StringBuilder(url);
        foreach (var (key, value) in parameters.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            data.Append(key).Append(value);
        }

#pragma warning disable CA5350 // Twilio's scheme is HMAC-SHA1; the test signs as Twilio does.
        return Convert.ToBase64String(HMACSHA1.HashData(Encoding.UTF8.GetBytes(authToken), Encoding.UTF8.GetBytes(data.ToString())));
#pragma warning restore CA5350
    }

    /// <summary>Posts a form to a Twilio webhook path, signed (or signed wrongly, or not at all) as Twilio would.</summary>
    public async Task<HttpResponseMessage> PostTwilioAsync(string path, Dictionary<string, string> form, string? signature = null, HttpClient? client = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        signature ??= TwilioSignature(PublicBaseUrl + path, form);
        if (signature.Length > 0)
        {
            request.Headers.Add("X-Twilio-Signature", signature);
        }

        return await (client ?? Client()).SendAsync(request);
    }

    /// <summary>One SMS from <paramref name="from"/> to our <paramref name="to"/>; returns the reply's messages (TwiML &lt;Message&gt; bodies).</summary>
    public async Task<List<string>> SmsAsync(string from, string to, string body, string? sid = null)
    {
        var response = await PostTwilioAsync("/channels/twilio/sms", new() { ["From"] = from, ["To"] = to, ["Body"] = body, ["MessageSid"] = sid ?? NewSid("SM"), ["AccountSid"] = AccountSid });
        await Http.EnsureStatusAsync(response, 200);
        return [.. XDocument.Parse(await response.Content.ReadAsStringAsync()).Descendants("Message").Select(m => m.Value)];
    }

    /// <summary>A call's webhook (the first, or a gather step with the digits pressed); returns the TwiML.</summary>
    public async Task<XDocument> VoiceAsync(string from, string to, string callSid, string? step = null, string? digits = null)
    {
        var form = new Dictionary<string, string> { ["From"] = from, ["To"] = to, ["CallSid"] = callSid, ["AccountSid"] = AccountSid };
        if (digits is not null)
        {
            form["Digits"] = digits;
        }

        var response = await PostTwilioAsync(step is null ? "/channels/twilio/voice" : $"/channels/twilio/voice/gather/{step}", form);
        await Http.EnsureStatusAsync(response, 200);
        return XDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>A Cloud API notification of one text message, as Meta posts it.</summary>
    public static string WhatsAppNotification(string from, string ourNumber, string text, string wamid) => JsonSerializer.Serialize(new
    {
        @object = "whatsapp_business_account",
        entry = new[]
        {
            new
            {
                id = "WABA_ID",
                changes = new[]
                {
                    new
                    {
                        field = "messages",
                        value = new
                        {
                            messaging_product = "whatsapp",
                            metadata = new { display_phone_number = ourNumber.TrimStart('+'), phone_number_id = PhoneNumberId },
                            contacts = new[] { new { profile = new { name = "Worker" }, wa_id = from } },
                            messages = new[] { new { from, id = wamid, timestamp = "1765000000", type = "text", text = new { body = text } } },
                        },
                    },
                },
            },
        },
    });

    public static string MetaSignature(byte[] body, string secret = AppSecret) =>
        "sha256=" + Convert.ToHexString(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), body)).ToLowerInvariant();

    /// <summary>Posts <paramref name="json"/> to the WhatsApp webhook, signed unless <paramref name="signature"/> says otherwise.</summary>
    public async Task<HttpResponseMessage> PostWhatsAppAsync(string json, string? signature = null)
    {
        var bytes = Encoding.UTF8.GetBytes(json);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/channels/whatsapp") { Content = new ByteArrayContent(bytes) };
        request.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        signature ??= MetaSignature(bytes);
        if (signature.Length > 0)
        {
            request.Headers.Add("X-Hub-Signature-256", signature);
        }

        return await Client().SendAsync(request);
    }

    /// <summary>One WhatsApp message from <paramref name="from"/>; returns the text bodies the app sent to them through the Graph API meanwhile.</summary>
    public async Task<List<string>> WhatsAppAsync(string from, string ourNumber, string text, string? wamid = null)
    {
        var before = GraphMessagesTo(from).Count;
        await Http.EnsureStatusAsync(await PostWhatsAppAsync(WhatsAppNotification(from, ourNumber, text, wamid ?? $"wamid.{Guid.NewGuid():N}")), 200);
        return [.. GraphMessagesTo(from).Skip(before)];
    }

    /// <summary>Every text the Graph API received for <paramref name="to"/>, in order, after checking the bearer token.</summary>
    public List<string> GraphMessagesTo(string to) =>
    [
        .. Providers.LogEntries
            .Where(e => e.RequestMessage.Path == $"/v21.0/{PhoneNumberId}/messages")
            .Select(e =>
            {
                Assert.Equal($"Bearer {AccessToken}", e.RequestMessage.Headers!["Authorization"].Single());
                return JsonDocument.Parse(e.RequestMessage.Body!).RootElement;
            })
            .Where(b => b.GetProperty("to").GetString() == to)
            .Select(b => b.GetProperty("text").GetProperty("body").GetString()!),
    ];

    /// <summary>The SMS the app sent through Twilio's REST API to <paramref name="to"/> (form bodies).</summary>
    public List<Dictionary<string, string>> TwilioMessagesTo(string to) =>
    [
        .. Providers.LogEntries
            .Where(e => e.RequestMessage.Method == "POST" && e.RequestMessage.Path.EndsWith("/Messages.json", StringComparison.Ordinal))
            .Select(e => e.RequestMessage.Body!.Split('&').Select(p => p.Split('=', 2)).ToDictionary(p => Uri.UnescapeDataString(p[0].Replace('+', ' ')), p => Uri.UnescapeDataString(p[1].Replace('+', ' '))))
            .Where(f => f["To"] == to),
    ];

    /// <summary>The SIDs Twilio was asked to delete.</summary>
    public List<string> DeletedSids() =>
    [
        .. Providers.LogEntries.Where(e => e.RequestMessage.Method == "DELETE")
            .Select(e => e.RequestMessage.Path.Split('/')[^1].Replace(".json", string.Empty, StringComparison.Ordinal)),
    ];
}
