using System.Text.Json;
using System.Xml.Linq;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Risk;
using Compliance.IntegrationTests.WorkerVoice;

namespace Compliance.IntegrationTests.Channels;

/// <summary>
/// Issue #21 through the channels of issue #20: a receipt alone on an ended case offers the effectiveness survey after
/// the status (SMS and WhatsApp by number, voice by keypad); the answers are recorded once per case; any other message
/// skips it; an open case is not offered it. The effectiveness figures count an SMS-filed case as <c>sms</c>. This class
/// owns its clock: only the channel-mix test moves it (forward, past the month it files in).
/// </summary>
public class ChannelSurveyTests(ChannelsApiFactory factory) : IClassFixture<ChannelsApiFactory>
{
    private static string Worker() => $"+6019{Random.Shared.Next(10_000_000, 99_999_999)}";

    private static string Digits(string text) => new([.. text.Where(char.IsAsciiDigit)]);

    /// <summary>A case filed in <paramref name="lang"/> and moved by a case handler to <paramref name="ended"/> (null: left open).</summary>
    private static async Task<(Guid Id, string Receipt)> CaseAsync(TestTenant tenant, string lang, string? ended)
    {
        var filed = await tenant.FileGrievanceAsync(WorkerVoiceHelpers.Intake(language: lang));
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);
        if (ended is not null)
        {
            await Http.EnsureStatusAsync(await handler.MoveAsync(id, "acknowledged"), 200);
            await Http.EnsureStatusAsync(await handler.MoveAsync(id, ended), 200);
        }

        return (id, filed.Receipt);
    }

    /// <summary>"satisfaction reprisal count" of the case's survey answers, read as the effectiveness tests read them.</summary>
    private Task<string> AnswersAsync(Guid id) => factory.ScalarAsync<string>(
        "select coalesce(min(satisfaction)::text, '-') || ' ' || coalesce(min(reprisal), '-') || ' ' || count(*)::text from effectiveness_surveys where grievance_id = @id",
        ("id", id));

    /// <summary>A call in Malay (2) about a report already made (2), the receipt typed on the keypad; returns the TwiML after the receipt.</summary>
    private async Task<XDocument> CallInMalayWithReceiptAsync(string worker, string voice, string call, string receipt)
    {
        await factory.VoiceAsync(worker, voice, call);
        await factory.VoiceAsync(worker, voice, call, "language", "2");
        await factory.VoiceAsync(worker, voice, call, "mode", "2");
        return await factory.VoiceAsync(worker, voice, call, "receipt", Digits(receipt));
    }

    [Fact]
    public async Task Sms_InNepali_OnAClosedCase_OffersTheSurvey_RecordsOneAnswerSet_AndRefusesASecondPolitely()
    {
        var tenant = await factory.CreateTenantAsync();
        var (id, receipt) = await CaseAsync(tenant, "ne", "closed");
        var ours = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "sms", ours);
        var (first, second) = (Worker(), Worker());

        var offer = string.Join('\n', await factory.SmsAsync(first, ours, receipt));
        Assert.Contains("अवस्था:", offer, StringComparison.Ordinal);
        Assert.Contains("छोड्न अरू कुनै सन्देश", offer, StringComparison.Ordinal); // how to skip, said in the offer
        Assert.Contains("तपाईंको उजुरी जसरी सम्हालियो, त्यसमा तपाईं सन्तुष्ट हुनुहुन्छ?", offer, StringComparison.Ordinal);
        Assert.Contains("5 धेरै सन्तुष्ट छु", offer, StringComparison.Ordinal);

        // A second phone with the same receipt is offered it too, before either answers.
        Assert.Contains("सन्तुष्ट हुनुहुन्छ?", string.Join('\n', await factory.SmsAsync(second, ours, receipt.Replace(" ", string.Empty, StringComparison.Ordinal))), StringComparison.Ordinal);

        // The phone's own digits work: ४ is 4.
        var question2 = string.Join('\n', await factory.SmsAsync(first, ours, "४"));
        Assert.Contains("उजुरी गरेकै कारण तपाईंलाई केही नराम्रो भयो?", question2, StringComparison.Ordinal);
        Assert.Contains("3 म भन्न चाहन्नँ", question2, StringComparison.Ordinal);
        Assert.Equal("- - 0", await AnswersAsync(id));
        Assert.Equal("धन्यवाद। तपाईंको उत्तर सुरक्षित गरियो।", string.Join('\n', await factory.SmsAsync(first, ours, "2")));
        Assert.Equal("4 no 1", await AnswersAsync(id));

        // One answer set per case: the second phone's answers are refused politely and change nothing.
        await factory.SmsAsync(second, ours, "1");
        Assert.Equal("तपाईंले यी प्रश्नको उत्तर दिइसक्नुभएको छ। धन्यवाद।", string.Join('\n', await factory.SmsAsync(second, ours, "1")));
        Assert.Equal("4 no 1", await AnswersAsync(id));

        // Answered: the receipt now answers the status only.
        var again = string.Join('\n', await factory.SmsAsync(first, ours, receipt));
        Assert.Contains("अवस्था:", again, StringComparison.Ordinal);
        Assert.DoesNotContain("सन्तुष्ट", again, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WhatsApp_InBurmese_OnAResolvedCase_RecordsTheAnswers_AndAnyOtherMessageSkipsWithoutRecording()
    {
        var tenant = await factory.CreateTenantAsync();
        var (id, receipt) = await CaseAsync(tenant, "my", "resolved");
        var (skipped, skippedReceipt) = await CaseAsync(tenant, "my", "closed");
        var ours = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "whatsapp", ours);
        var worker = Worker().TrimStart('+');

        var offer = Assert.Single(await factory.WhatsAppAsync(worker, ours, receipt));
        Assert.Contains("24", offer, StringComparison.Ordinal); // the 24-hour window still said
        Assert.Contains("ကျော်ချင်ရင် တခြားစာ ပို့ပါ", offer, StringComparison.Ordinal);
        Assert.Contains("သင့်တိုင်ကြားချက်ကို ကိုင်တွယ်ပုံအပေါ် သင် ကျေနပ်ပါသလား။", offer, StringComparison.Ordinal);
        var question2 = Assert.Single(await factory.WhatsAppAsync(worker, ours, "၅"));
        Assert.Contains("တိုင်ကြားခဲ့သောကြောင့် သင့်အပေါ် မကောင်းသောအရာ တစ်ခုခု ဖြစ်ခဲ့ပါသလား။", question2, StringComparison.Ordinal);
        Assert.Equal("ကျေးဇူးတင်ပါသည်။ သင့်အဖြေများကို သိမ်းဆည်းပြီးပါပြီ။", Assert.Single(await factory.WhatsAppAsync(worker, ours, "3")));
        Assert.Equal("5 prefer-not-to-say 1", await AnswersAsync(id));

        // Skipping: any other message ends the survey unrecorded; a number after that is no answer either.
        Assert.Contains("ကျေနပ်ပါသလား", Assert.Single(await factory.WhatsAppAsync(worker, ours, skippedReceipt)), StringComparison.Ordinal);
        var hint = Assert.Single(await factory.WhatsAppAsync(worker, ours, "မဖြေချင်ပါ"));
        Assert.StartsWith("အကြောင်းပြန်စာ ကြည့်ရန်", hint, StringComparison.Ordinal);
        Assert.StartsWith("အကြောင်းပြန်စာ ကြည့်ရန်", Assert.Single(await factory.WhatsAppAsync(worker, ours, "1")), StringComparison.Ordinal);
        Assert.Equal("- - 0", await AnswersAsync(skipped));
    }

    [Fact]
    public async Task OpenCase_IsNotOfferedTheSurvey_BySmsOrVoice()
    {
        var tenant = await factory.CreateTenantAsync();
        var (id, receipt) = await CaseAsync(tenant, "ne", ended: null);
        var sms = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "sms", sms);
        var worker = Worker();
        var status = string.Join('\n', await factory.SmsAsync(worker, sms, receipt));
        Assert.Contains("अवस्था:", status, StringComparison.Ordinal);
        Assert.DoesNotContain("सन्तुष्ट", status, StringComparison.Ordinal);
        Assert.StartsWith("जवाफ हेर्न", string.Join('\n', await factory.SmsAsync(worker, sms, "5")), StringComparison.Ordinal);

        var (voiceId, voiceReceipt) = await CaseAsync(tenant, "ms", ended: null);
        var voice = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "voice", voice);
        var spoken = await CallInMalayWithReceiptAsync(worker, voice, ChannelsApiFactory.NewSid("CA"), voiceReceipt);
        Assert.Contains(spoken.Descendants("Say"), s => s.Value.StartsWith("Status laporan:", StringComparison.Ordinal));
        Assert.Empty(spoken.Descendants("Gather"));
        Assert.Single(spoken.Descendants("Hangup"));
        Assert.Equal("- - 0", await AnswersAsync(id));
        Assert.Equal("- - 0", await AnswersAsync(voiceId));
    }

    [Fact]
    public async Task Voice_InMalay_OnAClosedCase_AsksBothQuestionsByKeypad_AndRecordsThem()
    {
        var tenant = await factory.CreateTenantAsync();
        var (id, receipt) = await CaseAsync(tenant, "ms", "closed");
        var voice = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "voice", voice);
        var worker = Worker();
        var call = ChannelsApiFactory.NewSid("CA");
        var status = await CallInMalayWithReceiptAsync(worker, voice, call, receipt);
        Assert.Contains(status.Descendants("Say"), s => s.Value.StartsWith("Status laporan:", StringComparison.Ordinal));
        var gather = Assert.Single(status.Descendants("Gather"));
        Assert.Equal("/channels/twilio/voice/gather/survey-satisfaction", gather.Attribute("action")!.Value);
        Assert.Equal("dtmf", gather.Attribute("input")!.Value);
        var asked = gather.Descendants("Say").Select(s => s.Value).ToList();
        Assert.Contains("Adakah anda berpuas hati dengan cara laporan anda dikendalikan?", asked);
        Assert.Equal(7, asked.Count); // the offer, the question, five answers
        Assert.All(gather.Descendants("Say"), s => Assert.Equal("ms-MY", s.Attribute("language")!.Value));
        Assert.Single(status.Descendants("Hangup")); // no key pressed: the call ends, nothing recorded
        Assert.Empty(status.Descendants("Record"));

        var question2 = await factory.VoiceAsync(worker, voice, call, "survey-satisfaction", "3");
        var second = Assert.Single(question2.Descendants("Gather"));
        Assert.Equal("/channels/twilio/voice/gather/survey-reprisal", second.Attribute("action")!.Value);
        Assert.Contains(second.Descendants("Say"), s => s.Value == "Adakah sesuatu yang buruk berlaku kepada anda kerana anda membuat laporan?");
        Assert.Equal("- - 0", await AnswersAsync(id));

        var done = await factory.VoiceAsync(worker, voice, call, "survey-reprisal", "1");
        var said = done.Descendants("Say").Select(s => s.Value).ToList();
        Assert.Equal("Terima kasih. Jawapan anda telah disimpan.", said[0]);
        Assert.StartsWith("Jika sesuatu yang buruk berlaku kepada anda", said[1], StringComparison.Ordinal);
        Assert.Single(done.Descendants("Hangup"));
        Assert.Equal("3 yes 1", await AnswersAsync(id));

        // The call is over: a replayed step finds no conversation and hangs up, recording nothing more.
        Assert.Single((await factory.VoiceAsync(worker, voice, call, "survey-reprisal", "2")).Descendants("Hangup"));

        // A second call on the answered case: the status, no survey.
        Assert.Empty((await CallInMalayWithReceiptAsync(worker, voice, ChannelsApiFactory.NewSid("CA"), receipt)).Descendants("Gather"));
        Assert.Equal("3 yes 1", await AnswersAsync(id));
    }

    [Fact]
    public async Task ChannelMix_CountsSmsFiledCasesAsSms()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var ours = factory.NewNumber();
        await ChannelsApiFactory.MapNumberAsync(tenant, "sms", ours, site.Id);
        var now = factory.Clock.GetUtcNow();
        for (var i = 0; i < 5; i++)
        {
            var worker = Worker();
            foreach (var body in new[] { "hi", "1", "3", "They changed my job.", "DONE" })
            {
                await factory.SmsAsync(worker, ours, body);
            }

            Assert.Matches(@"\d{4} \d{4} \d{4} \d{4} \d{4}", string.Join('\n', await factory.SmsAsync(worker, ours, "0")));
        }

        // The month is complete once the clock is past it.
        var month = new DateTimeOffset(now.Year, now.Month, 1, 0, 0, 0, TimeSpan.Zero);
        factory.Clock.Advance(month.AddMonths(1).AddDays(1) - now);
        var figures = await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/effectiveness?period={month:yyyy-MM}"));
        var metrics = figures.GetProperty("tenant").GetProperty("metrics").EnumerateArray().ToList();
        JsonElement Channel(string key) => metrics.Single(m => m.GetProperty("metric").GetString() == "channel" && m.GetProperty("key").GetString() == key);
        Assert.Equal(5, Channel("sms").GetProperty("count").GetInt32());
        Assert.Equal(5, Channel("sms").GetProperty("of").GetInt32());
    }
}
