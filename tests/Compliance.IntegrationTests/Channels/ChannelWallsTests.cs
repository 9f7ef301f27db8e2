using System.Net.Http.Json;
using System.Text;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Channels;

/// <summary>Issue #20: what the channels refuse (bad signatures), what an unconfigured channel answers, and the number mapping API.</summary>
public class ChannelWallsTests(ChannelsApiFactory factory) : IClassFixture<ChannelsApiFactory>
{
    private static readonly System.Text.Json.JsonSerializerOptions Indented = new() { WriteIndented = true };

    private Task<long> WritesAsync() => factory.ScalarAsync<long>("select count(*) from test_write_log");

    private async Task<(TestTenant Tenant, string Number)> TenantWithNumberAsync(string channel)
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var number = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, channel, number, site.Id);
        return (tenant, number);
    }

    [Fact]
    public async Task Twilio_WithAMissingOrWrongSignature_Is403_WritesNothing_AndLogsOnlyTheRefusal()
    {
        var (_, number) = await TenantWithNumberAsync("sms");
        var worker = "+60191234000";
        var form = new Dictionary<string, string> { ["From"] = worker, ["To"] = number, ["Body"] = "hello refused-canary", ["MessageSid"] = ChannelsApiFactory.NewSid("SM") };
        var before = await WritesAsync();
        var lines = factory.Logs.Lines.Count;

        await Http.AssertProblemAsync(await factory.PostTwilioAsync("/channels/twilio/sms", form, signature: string.Empty), 403);
        await Http.AssertProblemAsync(await factory.PostTwilioAsync("/channels/twilio/sms", form, signature: ChannelsApiFactory.TwilioSignature(ChannelsApiFactory.PublicBaseUrl + "/channels/twilio/sms", form, "another-token")), 403);

        // Signed for the request's own host instead of the public URL (what a proxy would break): refused too.
        await Http.AssertProblemAsync(await factory.PostTwilioAsync("/channels/twilio/sms", form, signature: ChannelsApiFactory.TwilioSignature("http://localhost/channels/twilio/sms", form)), 403);

        // A body changed after signing.
        var signed = ChannelsApiFactory.TwilioSignature(ChannelsApiFactory.PublicBaseUrl + "/channels/twilio/sms", form);
        form["Body"] = "changed";
        await Http.AssertProblemAsync(await factory.PostTwilioAsync("/channels/twilio/sms", form, signature: signed), 403);
        var voice = new Dictionary<string, string> { ["From"] = worker, ["To"] = number, ["CallSid"] = ChannelsApiFactory.NewSid("CA") };
        await Http.AssertProblemAsync(await factory.PostTwilioAsync("/channels/twilio/voice", voice, signature: "bm90IGEgc2lnbmF0dXJl"), 403);
        await Http.AssertProblemAsync(await factory.PostTwilioAsync("/channels/twilio/voice/gather/language", voice, signature: string.Empty), 403);

        Assert.Equal(before, await WritesAsync());
        var logged = factory.Logs.Lines.Skip(lines).ToList();
        Assert.All(logged.Where(l => l.Contains("Channels", StringComparison.Ordinal)), l => Assert.Contains("refused", l, StringComparison.Ordinal));
        Assert.DoesNotContain(logged, l => l.Contains("1234000", StringComparison.Ordinal) || l.Contains("refused-canary", StringComparison.Ordinal));

        // The same message, signed, is answered: the refusals were about the signature alone.
        form["Body"] = "hello";
        Assert.NotEmpty(await factory.SmsAsync(worker, number, "hello"));
    }

    [Fact]
    public async Task WhatsApp_WithAWrongSignature_Is403_AndWritesNothing_ButTheSignedBytesAreAccepted()
    {
        var (tenant, number) = await TenantWithNumberAsync("whatsapp");
        var json = ChannelsApiFactory.WhatsAppNotification("60191234001", number, "hi", "wamid.sig-1");
        var before = await WritesAsync();
        var sentBefore = factory.GraphMessagesTo("60191234001").Count;

        await Http.AssertProblemAsync(await factory.PostWhatsAppAsync(json, signature: string.Empty), 403);
        await Http.AssertProblemAsync(await factory.PostWhatsAppAsync(json, signature: ChannelsApiFactory.MetaSignature(Encoding.UTF8.GetBytes(json), "another-secret")), 403);

        // Re-serialising the JSON (other spacing) is not the body Meta signed.
        var reserialised = System.Text.Json.JsonSerializer.Serialize(System.Text.Json.JsonDocument.Parse(json).RootElement, Indented);
        await Http.AssertProblemAsync(await factory.PostWhatsAppAsync(reserialised, signature: ChannelsApiFactory.MetaSignature(Encoding.UTF8.GetBytes(json))), 403);
        Assert.Equal(before, await WritesAsync());
        Assert.Equal(sentBefore, factory.GraphMessagesTo("60191234001").Count);

        await Http.EnsureStatusAsync(await factory.PostWhatsAppAsync(reserialised), 200);
        Assert.Equal(sentBefore + 1, factory.GraphMessagesTo("60191234001").Count);
        Assert.NotEqual(Guid.Empty, tenant.TenantId);
    }

    [Fact]
    public async Task WhatsApp_Verification_AnswersTheChallenge_OnlyForTheVerifyToken()
    {
        var ok = await factory.Client().GetAsync($"/channels/whatsapp?hub.mode=subscribe&hub.verify_token={ChannelsApiFactory.VerifyToken}&hub.challenge=1158201444");
        await Http.EnsureStatusAsync(ok, 200);
        Assert.Equal("1158201444", await ok.Content.ReadAsStringAsync());
        await Http.AssertProblemAsync(await factory.Client().GetAsync("/channels/whatsapp?hub.mode=subscribe&hub.verify_token=wrong&hub.challenge=1158201444"), 403);
    }

    [Fact]
    public async Task ChannelNumbers_MapListAndUnmap_ForOwnerAndCompliance_Only()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var compliance = await tenant.ClientAsync("compliance");
        var number = factory.NewNumber();
        var created = await Http.JsonAsync(await compliance.PostAsJsonAsync("/api/v1/channel-numbers", new { channel = "sms", number, siteId = site.Id }), 201);
        Assert.Equal(number, created.GetProperty("number").GetString());

        // Several sites share a number; the tenant-wide mapping of the same number is another row.
        var second = await tenant.CreateSiteAsync();
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/channel-numbers", new { channel = "sms", number, siteId = second.Id }), 201);
        var list = await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/channel-numbers"));
        Assert.Equal(2, list.GetArrayLength());

        foreach (var role in new[] { "supplier", "auditor" })
        {
            var supplierId = role == "supplier" ? site.SupplierId : (Guid?)null;
            var client = await tenant.ClientAsync(role, supplierId);
            Assert.Equal(403, (int)(await client.PostAsJsonAsync("/api/v1/channel-numbers", new { channel = "sms", number = factory.NewNumber() })).StatusCode);
        }

        var id = created.GetProperty("id").GetGuid();
        await Http.EnsureStatusAsync(await tenant.Owner.DeleteAsync($"/api/v1/channel-numbers/{id}"), 204);
        Assert.Equal(1, (await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/channel-numbers"))).GetArrayLength());
    }

    [Fact]
    public async Task ChannelNumbers_BadInput_Is400NamingTheField_AndAnotherTenantsNumberOrSiteIsRefused()
    {
        var tenant = await factory.CreateTenantAsync();
        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/channel-numbers", new { channel = "fax", number = "0123 456" }), "channel", "number");
        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/channel-numbers", new { channel = "sms" }), "number");

        var other = await factory.CreateTenantAsync();
        var otherSite = await other.CreateSiteAsync();
        var otherNumber = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(other, "voice", otherNumber);
        await Http.AssertValidationProblemAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/channel-numbers", new { channel = "sms", number = factory.NewNumber(), siteId = otherSite.Id }), "siteId");
        await Http.AssertProblemAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/channel-numbers", new { channel = "voice", number = otherNumber }), 409);
        var otherId = (await Http.JsonAsync(await other.Owner.GetAsync("/api/v1/channel-numbers")))[0].GetProperty("id").GetGuid();
        await Http.EnsureStatusAsync(await tenant.Owner.DeleteAsync($"/api/v1/channel-numbers/{otherId}"), 404);
        Assert.Equal(1, (await Http.JsonAsync(await other.Owner.GetAsync("/api/v1/channel-numbers"))).GetArrayLength());
    }
}

/// <summary>An installation with no channel settings: each channel says which setting is missing; the web intake works on.</summary>
public class UnconfiguredChannelsTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task AnUnconfiguredChannel_Is503NamingTheUnsetSetting_AndTheWebPageKeepsWorking()
    {
        var client = factory.Client();
        var sms = await client.PostAsync("/channels/twilio/sms", new FormUrlEncodedContent([new("From", "+60191234002"), new("Body", "hi")]));
        await Http.AssertProblemAsync(sms, 503);
        Assert.Contains("Channels:PublicBaseUrl", await sms.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var voice = await client.PostAsync("/channels/twilio/voice", new FormUrlEncodedContent([new("From", "+60191234002")]));
        await Http.AssertProblemAsync(voice, 503);

        var whatsapp = await client.PostAsync("/channels/whatsapp", new StringContent("{}", Encoding.UTF8, "application/json"));
        await Http.AssertProblemAsync(whatsapp, 503);
        Assert.Contains("Channels:WhatsApp:AppSecret", await whatsapp.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        await Http.AssertProblemAsync(await client.GetAsync("/channels/whatsapp?hub.mode=subscribe&hub.verify_token=x&hub.challenge=1"), 503);

        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        await Http.EnsureStatusAsync(await client.GetAsync($"/v/{site.IntakeCode}/en"), 200);
        await Http.EnsureStatusAsync(await client.PostAsJsonAsync($"/api/v1/intake/{site.IntakeCode}/grievances", WorkerVoice.WorkerVoiceHelpers.Intake()), 201);
    }
}
