using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Xml.Linq;
using Compliance.Api.Features.Channels;
using Compliance.Domain.Reference;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Risk;
using Compliance.IntegrationTests.WorkerVoice;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.IntegrationTests.Channels;

/// <summary>
/// Issue #20: whole conversations over SMS, WhatsApp and voice, in Nepali and in Burmese, each ending in a grievance a
/// case handler reads; the same receipt across channels; redelivery; the provider deletion job.
/// </summary>
public class ChannelConversationTests(ChannelsApiFactory factory) : IClassFixture<ChannelsApiFactory>
{
    // Languages.Supported: en, ms, id, ne, bn, my, km, vi.
    private const string Nepali = "4";
    private const string Bengali = "5";
    private const string Burmese = "6";

    private static readonly Dictionary<string, string[]> Narratives = new(StringComparer.Ordinal)
    {
        ["ne"] = ["एजेन्टले मेरो राहदानी राख्यो।", "तलबबाट पैसा काटियो।"],
        ["my"] = ["အေးဂျင့်က ကျွန်တော့် ပတ်စပို့ကို သိမ်းထားတယ်။", "လစာထဲက ငွေဖြတ်တယ်။"],
    };

    private static readonly Dictionary<string, string> EndKeyword = new(StringComparer.Ordinal) { ["ne"] = "सकियो", ["my"] = "ပြီးပြီ" };

    /// <summary>A site's SMS number, a new worker, and the bodies sent from that worker with fresh SIDs (returned).</summary>
    private async Task<(string Worker, string Number, List<string> Sids)> SmsConversationAsync(TestTenant tenant, Guid siteId, params string[] bodies)
    {
        var sms = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "sms", sms, siteId);
        var worker = Worker();
        var sids = new List<string>();
        foreach (var body in bodies)
        {
            var sid = ChannelsApiFactory.NewSid("SM");
            sids.Add(sid);
            await factory.SmsAsync(worker, sms, body, sid);
        }

        return (worker, sms, sids);
    }

    private static string Worker() => $"+6019{Random.Shared.Next(10_000_000, 99_999_999)}";

    /// <summary>The case handler's view of the tenant's only grievance: its detail JSON.</summary>
    private static async Task<JsonElement> HandlerReadsOnlyCaseAsync(TestTenant tenant)
    {
        var handler = await tenant.ClientAsync("case-handler");
        var list = await Http.JsonAsync(await handler.GetAsync("/api/v1/grievances"));
        var id = Assert.Single(list.GetProperty("items").EnumerateArray()).GetProperty("id").GetGuid();
        return await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances/{id}"));
    }

    private Task<string> ChannelOfAsync(TestTenant tenant) =>
        factory.ScalarAsync<string>("select channel from grievances where tenant_id = @t", ("t", tenant.TenantId));

    private static string Digits(string text) => new([.. text.Where(char.IsAsciiDigit)]);

    [Theory]
    [InlineData("ne", Nepali)]
    [InlineData("my", Burmese)]
    public async Task Sms_WholeConversation_OnATenantWideNumber_FilesAGrievanceTheHandlerReads(string lang, string choice)
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var ours = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "sms", ours);
        var worker = Worker();

        var menu = string.Join('\n', await factory.SmsAsync(worker, ours, "hello"));
        Assert.Contains("नेपाली", menu, StringComparison.Ordinal);
        Assert.Contains("မြန်မာ", menu, StringComparison.Ordinal);
        var askCode = string.Join('\n', await factory.SmsAsync(worker, ours, choice));
        Assert.Contains(lang == "ne" ? "कार्यस्थल कोड" : "လုပ်ငန်းခွင်ကုဒ်", askCode, StringComparison.Ordinal);
        var categories = string.Join('\n', await factory.SmsAsync(worker, ours, site.IntakeCode.ToLowerInvariant()));
        Assert.Contains(lang == "ne" ? "राहदानी" : "ပတ်စပို့", categories, StringComparison.Ordinal);

        // Native digits from the phone's own keyboard: ११ / ၁၁ is 11, documents-held; 2 is pay-deducted.
        var words = await factory.SmsAsync(worker, ours, lang == "ne" ? "२ ११" : "၂ ၁၁");
        Assert.Contains(EndKeyword[lang], string.Join('\n', words), StringComparison.Ordinal);
        foreach (var part in Narratives[lang])
        {
            Assert.Empty(await factory.SmsAsync(worker, ours, part));
        }

        var consent = string.Join('\n', await factory.SmsAsync(worker, ours, EndKeyword[lang]));
        Assert.Contains(lang == "ne" ? "सहयोगी संस्था (NGO)" : "အကူအညီပေးအဖွဲ့ (NGO)", consent, StringComparison.Ordinal);
        var receiptReply = await factory.SmsAsync(worker, ours, "1 3");
        var text = string.Join('\n', receiptReply);
        Assert.Matches(@"\d{4} \d{4} \d{4} \d{4} \d{4}", text);
        Assert.Contains(lang == "ne" ? "यो फोन पढ्ने जो कोहीले" : "ဒီဖုန်းကို ဖတ်တဲ့သူ", text, StringComparison.Ordinal);

        var read = await HandlerReadsOnlyCaseAsync(tenant);
        Assert.Equal(string.Join('\n', Narratives[lang]), read.GetProperty("narrative").GetString());
        var summary = read.GetProperty("case");
        Assert.Equal(lang, summary.GetProperty("language").GetString());
        Assert.Equal(site.Id, summary.GetProperty("siteId").GetGuid());
        Assert.Equal(["documents-held", "pay-deducted"], summary.GetProperty("categories").EnumerateArray().Select(c => c.GetString()).Order());
        var given = summary.GetProperty("consent");
        Assert.True(given.GetProperty("ngo").GetBoolean());
        Assert.True(given.GetProperty("anti-trafficking-council").GetBoolean());
        Assert.False(given.GetProperty("police").GetBoolean());
        Assert.Equal("sms", await ChannelOfAsync(tenant));

        // The receipt works on the web intake's follow-up, whatever channel made it.
        var followUp = await factory.FollowUpAsync(Digits(text)[..20]);
        Assert.Equal(lang, followUp.GetProperty("language").GetString());
    }

    [Theory]
    [InlineData("ne", Nepali)]
    [InlineData("my", Burmese)]
    public async Task WhatsApp_WholeConversation_OnASiteNumber_RepliesThroughGraph_AndSaysWhatCannotBeDeleted(string lang, string choice)
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var ours = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "whatsapp", ours, site.Id);
        var worker = Worker().TrimStart('+');

        Assert.Contains("Tiếng Việt", Assert.Single(await factory.WhatsAppAsync(worker, ours, "hi")), StringComparison.Ordinal);
        var afterLanguage = Assert.Single(await factory.WhatsAppAsync(worker, ours, choice));
        Assert.StartsWith(lang == "ne" ? "यो फोनले हामीलाई लेखेको रेकर्ड ह्वाट्सएपले राख्छ" : "ဒီဖုန်းက ကျွန်ုပ်တို့ဆီ စာရေးခဲ့တဲ့ မှတ်တမ်းကို ဝက်ဆပ်က", afterLanguage, StringComparison.Ordinal);
        Assert.Contains("11 ", afterLanguage, StringComparison.Ordinal); // no site code asked: the number names the site
        await factory.WhatsAppAsync(worker, ours, "11");
        foreach (var part in Narratives[lang])
        {
            Assert.Empty(await factory.WhatsAppAsync(worker, ours, part));
        }

        await factory.WhatsAppAsync(worker, ours, EndKeyword[lang]);
        var receipt = Assert.Single(await factory.WhatsAppAsync(worker, ours, "0"));
        Assert.Matches(@"\d{4} \d{4} \d{4} \d{4} \d{4}", receipt);
        Assert.Contains("24", receipt, StringComparison.Ordinal);

        var read = await HandlerReadsOnlyCaseAsync(tenant);
        Assert.Equal(string.Join('\n', Narratives[lang]), read.GetProperty("narrative").GetString());
        Assert.Equal(lang, read.GetProperty("case").GetProperty("language").GetString());
        Assert.All(read.GetProperty("case").GetProperty("consent").EnumerateObject(), k => Assert.False(k.Value.GetBoolean()));
        Assert.Equal("whatsapp", await ChannelOfAsync(tenant));
    }

    /// <summary>
    /// Nepali and Burmese have no voice at Twilio: the first menu offers them SMS, and pressing their number sends an SMS
    /// from the number called that carries the conversation on, in their language, to a grievance.
    /// </summary>
    [Theory]
    [InlineData("ne", Nepali)]
    [InlineData("my", Burmese)]
    public async Task Voice_InALanguageWithNoVoice_MovesToSms_AndFilesAGrievance(string lang, string choice)
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var ours = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "voice", ours, site.Id);
        var worker = Worker();
        var call = ChannelsApiFactory.NewSid("CA");

        var menu = await factory.VoiceAsync(worker, ours, call);
        var gather = Assert.Single(menu.Descendants("Gather"));
        Assert.Equal("dtmf", gather.Attribute("input")!.Value);
        Assert.Contains(gather.Descendants("Say"), s => s.Value.Contains(lang == "ne" ? "Nepali" : "Burmese", StringComparison.Ordinal) && s.Value.Contains($"press {choice}", StringComparison.Ordinal));
        Assert.Empty(menu.Descendants("Record"));

        var handedOver = await factory.VoiceAsync(worker, ours, call, "language", choice);
        Assert.Single(handedOver.Descendants("Hangup"));
        var sent = factory.TwilioMessagesTo(worker);
        Assert.All(sent, m => Assert.Equal(ours, m["From"]));
        var sms = sent[0];
        Assert.Contains(sent, m => m["Body"].Contains(lang == "ne" ? "राहदानी" : "ပတ်စပို့", StringComparison.Ordinal));
        Assert.StartsWith(lang == "ne" ? "तपाईंले हामीलाई फोन गर्नुभयो" : "သင် ကျွန်ုပ်တို့ကို ဖုန်းဆက်ခဲ့ပါတယ်", sms["Body"], StringComparison.Ordinal);

        await factory.SmsAsync(worker, ours, "11");
        await factory.SmsAsync(worker, ours, Narratives[lang][0]);
        await factory.SmsAsync(worker, ours, "#");
        Assert.Matches(@"\d{4} \d{4} \d{4} \d{4} \d{4}", string.Join('\n', await factory.SmsAsync(worker, ours, "1")));

        var read = await HandlerReadsOnlyCaseAsync(tenant);
        Assert.Equal(Narratives[lang][0], read.GetProperty("narrative").GetString());
        Assert.Equal(lang, read.GetProperty("case").GetProperty("language").GetString());
        Assert.Equal("sms", await ChannelOfAsync(tenant));
    }

    /// <summary>The keypad IVR end to end in a language with a voice: site code by keypad letters, categories, consent, the receipt read twice.</summary>
    [Fact]
    public async Task Voice_InBengali_TakesSiteCategoriesAndConsentByKeypad_AndReadsTheReceiptTwice()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var ours = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "voice", ours);
        var worker = Worker();
        var call = ChannelsApiFactory.NewSid("CA");

        await factory.VoiceAsync(worker, ours, call);
        var mode = await factory.VoiceAsync(worker, ours, call, "language", Bengali);
        Assert.Equal("bn-IN", mode.Descendants("Say").Single().Attribute("language")!.Value);
        var askSite = await factory.VoiceAsync(worker, ours, call, "mode", "1");
        var say = askSite.Descendants("Say").First();
        Assert.Equal("bn-IN", say.Attribute("language")!.Value);
        Assert.Contains("কিপ্যাডে", say.Value, StringComparison.Ordinal);
        var wrong = await factory.VoiceAsync(worker, ours, call, "site", "0000000000");
        Assert.Equal("/channels/twilio/voice/gather/site", wrong.Descendants("Gather").Single().Attribute("action")!.Value);

        // The keys of a phone keypad (ITU E.161), A to Z.
        var keypad = string.Concat(site.IntakeCode.Select(ch => char.IsAsciiLetter(ch) ? "22233344455566677778889999"[ch - 'A'] : ch));
        var categories = await factory.VoiceAsync(worker, ours, call, "site", keypad);
        Assert.Contains(categories.Descendants("Say"), s => s.Value.Contains("11 চাপুন", StringComparison.Ordinal));
        var consent = await factory.VoiceAsync(worker, ours, call, "categories", "1*11");
        Assert.Equal(1 + DestinationKinds.All.Count, consent.Descendants("Say").Count()); // the question and one option per destination kind
        var done = await factory.VoiceAsync(worker, ours, call, "consent", "14");

        var spoken = done.Descendants("Say").Select(s => s.Value).ToList();
        var digits = spoken.Where(s => s.Length > 0 && s.All(ch => char.IsAsciiDigit(ch) || ch is ' ' or ',')).ToList();
        Assert.Equal(2, digits.Count);
        Assert.Equal(digits[0], digits[1]);
        Assert.Matches(@"^\d \d \d \d, \d \d \d \d, \d \d \d \d, \d \d \d \d, \d \d \d \d$", digits[0]);
        Assert.Single(done.Descendants("Hangup"));

        var read = await HandlerReadsOnlyCaseAsync(tenant);
        Assert.Equal(["documents-held", "wages-unpaid"], read.GetProperty("case").GetProperty("categories").EnumerateArray().Select(c => c.GetString()).Order());
        Assert.True(read.GetProperty("case").GetProperty("consent").GetProperty("police").GetBoolean());
        Assert.Equal("voice", await ChannelOfAsync(tenant));

        // No voice recorded, and the receipt spoken works on the web page.
        Assert.Equal(string.Empty, read.GetProperty("narrative").GetString());
        await factory.FollowUpAsync(digits[0].Replace(" ", string.Empty, StringComparison.Ordinal).Replace(",", string.Empty, StringComparison.Ordinal));
    }

    /// <summary>
    /// A receipt made on the web page reads, takes a message and changes consent by SMS, reads by voice and WhatsApp; a
    /// receipt made by SMS works on the web page.
    /// </summary>
    [Fact]
    public async Task Receipt_MadeOnTheWeb_WorksBySmsVoiceAndWhatsApp_AndTheReverse()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(language: "ne", consent: new Dictionary<string, bool> { ["ngo"] = true }));
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);
        await Http.EnsureStatusAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/replies", new { template = "acknowledged" }), 201);
        Assert.Equal("api", await ChannelOfAsync(tenant));

        var sms = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "sms", sms);
        var worker = Worker();
        var status = string.Join('\n', await factory.SmsAsync(worker, sms, filed.Receipt));
        Assert.Contains("अवस्था:", status, StringComparison.Ordinal);
        Assert.Contains("पछिल्लो जवाफ", status, StringComparison.Ordinal);

        var added = string.Join('\n', await factory.SmsAsync(worker, sms, filed.Receipt.Replace(" ", string.Empty, StringComparison.Ordinal) + " मालिकले अझै राहदानी फिर्ता दिएन।"));
        Assert.Contains("तपाईंको सन्देश रिपोर्टमा थपियो", added, StringComparison.Ordinal);
        var menu = string.Join('\n', await factory.SmsAsync(worker, sms, "सहमति"));
        Assert.Contains("सहयोगी संस्था (NGO): हुन्छ", menu, StringComparison.Ordinal);
        Assert.Contains("प्रहरी: हुँदैन", menu, StringComparison.Ordinal);
        var saved = string.Join('\n', await factory.SmsAsync(worker, sms, "2"));
        Assert.Contains("सहयोगी संस्था (NGO): हुँदैन", saved, StringComparison.Ordinal);

        var detail = await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances/{id}"));
        Assert.Contains(detail.GetProperty("messages").EnumerateArray(), m => m.GetProperty("text").GetString() == "मालिकले अझै राहदानी फिर्ता दिएन।");
        Assert.False(detail.GetProperty("case").GetProperty("consent").GetProperty("ngo").GetBoolean());
        Assert.True(detail.GetProperty("case").GetProperty("consent").GetProperty("labour-authority").GetBoolean());

        // By voice: the receipt typed on the keypad, the status spoken in the language of the call.
        var voice = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "voice", voice);
        var call = ChannelsApiFactory.NewSid("CA");
        await factory.VoiceAsync(worker, voice, call);
        await factory.VoiceAsync(worker, voice, call, "language", "2");
        var askReceipt = await factory.VoiceAsync(worker, voice, call, "mode", "2");
        Assert.Equal("/channels/twilio/voice/gather/receipt", askReceipt.Descendants("Gather").Single().Attribute("action")!.Value);
        var wrongReceipt = await factory.VoiceAsync(worker, voice, call, "receipt", "11112222333344445555");
        Assert.Single(wrongReceipt.Descendants("Gather"));
        var spoken = await factory.VoiceAsync(worker, voice, call, "receipt", Digits(filed.Receipt));
        var said = spoken.Descendants("Say").Select(x => x.Value).ToList();
        Assert.Contains(said, x => x.StartsWith("Status laporan:", StringComparison.Ordinal));
        Assert.All(spoken.Descendants("Say"), x => Assert.Equal("ms-MY", x.Attribute("language")!.Value));
        Assert.Single(spoken.Descendants("Hangup"));

        var whatsapp = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "whatsapp", whatsapp);
        var onWhatsApp = Assert.Single(await factory.WhatsAppAsync(worker.TrimStart('+'), whatsapp, filed.Receipt));
        Assert.Contains("अवस्था:", onWhatsApp, StringComparison.Ordinal);
        Assert.Contains("24", onWhatsApp, StringComparison.Ordinal);

        // The reverse: a receipt made by SMS opens the case on the web page.
        var site = await tenant.CreateSiteAsync();
        var smsSite = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "sms", smsSite, site.Id);
        var other = Worker();
        await factory.SmsAsync(other, smsSite, "x");
        await factory.SmsAsync(other, smsSite, "1");
        await factory.SmsAsync(other, smsSite, "5");
        await factory.SmsAsync(other, smsSite, "I was hit by the supervisor.");
        await factory.SmsAsync(other, smsSite, "done");
        var receipt = Digits(string.Join('\n', await factory.SmsAsync(other, smsSite, "0")))[..20];
        using var page = await factory.Client().PostAsync("/v/follow-up?lang=en", new FormUrlEncodedContent([new("receipt", receipt)]));
        Assert.Equal(200, (int)page.StatusCode);
    }

    [Fact]
    public async Task RedeliveredWebhooks_GetTheSameReply_AndFileOneGrievance()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var sms = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "sms", sms, site.Id);
        var worker = Worker();
        foreach (var body in new[] { "hi", "1", "3", "They changed my job.", "DONE" })
        {
            await factory.SmsAsync(worker, sms, body);
        }

        var sid = ChannelsApiFactory.NewSid("SM");
        var first = await factory.SmsAsync(worker, sms, "1", sid);
        var again = await factory.SmsAsync(worker, sms, "1", sid);
        Assert.Equal(first, again);
        Assert.Matches(@"\d{4} \d{4} \d{4} \d{4} \d{4}", string.Join('\n', first));
        Assert.Equal(1L, await factory.ScalarAsync<long>("select count(*) from grievances where tenant_id = @t", ("t", tenant.TenantId)));

        var whatsapp = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "whatsapp", whatsapp, site.Id);
        var waWorker = Worker().TrimStart('+');
        foreach (var body in new[] { "hi", "1", "3", "They changed my job.", "DONE" })
        {
            await factory.WhatsAppAsync(waWorker, whatsapp, body);
        }

        var sent = await factory.WhatsAppAsync(waWorker, whatsapp, "0", "wamid.redelivered-1");
        var resent = await factory.WhatsAppAsync(waWorker, whatsapp, "0", "wamid.redelivered-1");
        Assert.Equal(sent, resent);
        Assert.Equal(2L, await factory.ScalarAsync<long>("select count(*) from grievances where tenant_id = @t", ("t", tenant.TenantId)));
    }

    [Fact]
    public async Task AfterAConversation_TheDeletionJob_AsksTwilioToDeleteEveryMessage_AndForgetsTheSids()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var (worker, sms, sids) = await SmsConversationAsync(tenant, site.Id, "hi", "1", "3", "They changed my job.", "DONE", "0");

        Assert.Equal(6L, await factory.ScalarAsync<long>("select count(*) from channel_message_deletions where tenant_id = @t", ("t", tenant.TenantId)));

        // Our reply (it carried the receipt) reports its status; once delivered, its SID is queued too. The "hi" that
        // asks for it is recorded as it arrives, like every inbound message.
        var hiSid = ChannelsApiFactory.NewSid("SM");
        sids.Add(hiSid);
        var reply = await factory.PostTwilioAsync("/channels/twilio/sms", new() { ["From"] = worker, ["To"] = sms, ["Body"] = "hi", ["MessageSid"] = hiSid });
        Assert.Equal(
            $"{ChannelsApiFactory.PublicBaseUrl}/channels/twilio/sms/status",
            XDocument.Parse(await reply.Content.ReadAsStringAsync()).Descendants("Message").First().Attribute("action")!.Value);
        var replySid = ChannelsApiFactory.NewSid("SM");
        sids.Add(replySid);
        await Http.EnsureStatusAsync(await factory.PostTwilioAsync("/channels/twilio/sms/status", new() { ["From"] = sms, ["To"] = worker, ["MessageSid"] = ChannelsApiFactory.NewSid("SM"), ["MessageStatus"] = "sent" }), 200);
        await Http.EnsureStatusAsync(await factory.PostTwilioAsync("/channels/twilio/sms/status", new() { ["From"] = sms, ["To"] = worker, ["MessageSid"] = replySid, ["MessageStatus"] = "delivered" }), 200);
        await Http.AssertProblemAsync(await factory.PostTwilioAsync("/channels/twilio/sms/status", new() { ["From"] = sms, ["MessageSid"] = ChannelsApiFactory.NewSid("SM"), ["MessageStatus"] = "delivered" }, signature: string.Empty), 403);
        Assert.Equal(8L, await factory.ScalarAsync<long>("select count(*) from channel_message_deletions where tenant_id = @t", ("t", tenant.TenantId)));
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);
        Assert.Subset(factory.DeletedSids().ToHashSet(), sids.ToHashSet());
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from channel_message_deletions where tenant_id = @t", ("t", tenant.TenantId)));
        Assert.All(
            factory.Providers.LogEntries.Where(e => e.RequestMessage.Method == "DELETE"),
            e => Assert.StartsWith("Basic ", e.RequestMessage.Headers!["Authorization"].Single(), StringComparison.Ordinal));
    }

    /// <summary>
    /// A worker who stops half-way (words typed, never sent with the end keyword), or hangs up a call at the menu, files
    /// nothing, but every message and the call are recorded as they arrive and the hourly sweep deletes them at Twilio. Before, the SIDs lived only in the
    /// conversation and were lost with it after 30 minutes. Named mutations: drop the <c>RecordAsync</c> call in
    /// <c>TextConversations.HandleInOrderAsync</c> or in <c>TwilioChannels.CallAsync</c> (a row is missing); skip the tenant loop in
    /// <c>ProviderDeletionSweepJob.RunAsync</c> (Twilio is never asked).
    /// </summary>
    [Fact]
    public async Task AnAbandonedConversation_FilesNothing_ButTheHourlySweepDeletesItsMessagesAtTwilio()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var (_, _, sids) = await SmsConversationAsync(tenant, site.Id, "hi", "1", "3", "My supervisor took my passport.");

        // A caller who hangs up at the language menu.
        var voice = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "voice", voice, site.Id);
        var callSid = ChannelsApiFactory.NewSid("CA");
        sids.Add(callSid);
        await factory.VoiceAsync(Worker(), voice, callSid);

        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from grievances where tenant_id = @t", ("t", tenant.TenantId)));
        Assert.Equal(5L, await factory.ScalarAsync<long>("select count(*) from channel_message_deletions where tenant_id = @t", ("t", tenant.TenantId)));
        Assert.Empty(factory.DeletedSids().Intersect(sids));

        await using (var scope = factory.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<ProviderDeletionSweepJob>().RunAsync(CancellationToken.None);
        }

        Assert.Subset(factory.DeletedSids().ToHashSet(), sids.ToHashSet());
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from channel_message_deletions where tenant_id = @t", ("t", tenant.TenantId)));
    }

    /// <summary>
    /// DNH-14: a voice note or photo sent while the worker tells their account used to meet silence (the words step
    /// answers nothing), as if it had been taken in. Now the worker is told, in their language, that nothing of it is
    /// kept, and the report holds only the typed words. A WhatsApp reaction is no message and gets no answer. Named
    /// mutation: return <c>answer.Reply</c> alone at the end of <c>TextConversations.HandleInOrderAsync</c> (the MMS
    /// gets no reply).
    /// </summary>
    [Fact]
    public async Task MediaMessages_AreToldInTheWorkersLanguageThatNothingOfThemIsKept_AndTheReportHoldsOnlyWords()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var (worker, sms, _) = await SmsConversationAsync(tenant, site.Id, "hi", Bengali, "3");
        var mms = await factory.PostTwilioAsync("/channels/twilio/sms", new()
        {
            ["From"] = worker,
            ["To"] = sms,
            ["Body"] = string.Empty,
            ["NumMedia"] = "1",
            ["MediaUrl0"] = "https://api.twilio.com/media/ME0",
            ["MediaContentType0"] = "audio/ogg",
            ["MessageSid"] = ChannelsApiFactory.NewSid("MM"),
            ["AccountSid"] = ChannelsApiFactory.AccountSid,
        });
        await Http.EnsureStatusAsync(mms, 200);
        Assert.Equal(
            "ভয়েস নোট, ছবি, ভিডিও ও ফাইল এখানে নেওয়া যায় না, এবং আপনার অভিযোগের সাথে সেগুলোর কিছুই রাখা হয় না। অনুগ্রহ করে আপনার কথা লিখে পাঠান।",
            Assert.Single(XDocument.Parse(await mms.Content.ReadAsStringAsync()).Descendants("Message")).Value);
        Assert.Empty(await factory.SmsAsync(worker, sms, "দালাল আমার পাসপোর্ট রেখেছে।"));
        await factory.SmsAsync(worker, sms, "শেষ");
        Assert.Matches(@"\d{4} \d{4} \d{4} \d{4} \d{4}", string.Join('\n', await factory.SmsAsync(worker, sms, "0")));
        Assert.Equal("দালাল আমার পাসপোর্ট রেখেছে।", (await HandlerReadsOnlyCaseAsync(tenant)).GetProperty("narrative").GetString());

        // WhatsApp: an audio note is told the same, here in Nepali;
        // a reaction gets nothing.
        var ours = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "whatsapp", ours, site.Id);
        var sender = Worker().TrimStart('+');
        await factory.WhatsAppAsync(sender, ours, "hi");
        await factory.WhatsAppAsync(sender, ours, Nepali);
        var before = factory.GraphMessagesTo(sender).Count;
        await Http.EnsureStatusAsync(await factory.PostWhatsAppAsync(WhatsAppOf(sender, ours, "audio", new JsonObject { ["id"] = "1234", ["mime_type"] = "audio/ogg; codecs=opus", ["voice"] = true })), 200);
        Assert.StartsWith("भ्वाइस नोट, फोटो, भिडियो र फाइलहरू यहाँ लिन सकिँदैन", Assert.Single(factory.GraphMessagesTo(sender).Skip(before)), StringComparison.Ordinal);
        await Http.EnsureStatusAsync(await factory.PostWhatsAppAsync(WhatsAppOf(sender, ours, "reaction", new JsonObject { ["message_id"] = "wamid.x", ["emoji"] = "\U0001F44D" })), 200);
        Assert.Equal(before + 1, factory.GraphMessagesTo(sender).Count);
    }

    /// <summary>A Cloud API notification of one message of <paramref name="type"/> (its payload under the type's own name).</summary>
    private static string WhatsAppOf(string from, string ours, string type, JsonObject payload)
    {
        var json = JsonNode.Parse(ChannelsApiFactory.WhatsAppNotification(from, ours, string.Empty, $"wamid.{Guid.NewGuid():N}"))!;
        var message = json["entry"]![0]!["changes"]![0]!["value"]!["messages"]![0]!.AsObject();
        message.Remove("text");
        message["type"] = type;
        message[type] = payload;
        return json.ToJsonString();
    }
}
