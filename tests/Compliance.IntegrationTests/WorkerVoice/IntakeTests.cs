using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Compliance.IntegrationTests.Infrastructure;
using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.WorkerVoice;

public class IntakeTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task File_ReturnsA20DigitReceiptInGroupsOf4_AndACaseReference()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync();

        Assert.Matches(@"^\d{4}( \d{4}){4}$", filed.Receipt);
        Assert.StartsWith("WV-", filed.CaseReference, StringComparison.Ordinal);
        var hash = await factory.ScalarAsync<byte[]>("select receipt_hash from grievances where case_reference = @r", ("r", filed.CaseReference));
        Assert.Equal(32, hash.Length);
    }

    [Fact]
    public async Task FollowUp_ByBodyOrHeader_ShowsStatusInTheWorkersLanguage_WithDatesOnly()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(Intake(language: "ms"));

        var byBody = await factory.FollowUpAsync(filed.Receipt.Replace(" ", "-", StringComparison.Ordinal));
        Assert.Equal(filed.CaseReference, byBody.GetProperty("caseReference").GetString());
        Assert.Equal("received", byBody.GetProperty("status").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", byBody.GetProperty("receivedOn").GetString()!);
        Assert.DoesNotContain("Received", byBody.GetProperty("statusLabel").GetString()!, StringComparison.Ordinal);

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/intake/follow-up");
        request.Headers.Add("X-Receipt", filed.Receipt);
        var byHeader = await Http.JsonAsync(await factory.Client().SendAsync(request));
        Assert.Equal(filed.CaseReference, byHeader.GetProperty("caseReference").GetString());
    }

    [Fact]
    public async Task Dnh9_ReceiptInAUrl_IsNeverAccepted()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync();
        var digits = filed.Receipt.Replace(" ", string.Empty, StringComparison.Ordinal);

        var response = await factory.Client().PostAsync($"/api/v1/intake/follow-up?receipt={digits}", null);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Client().GetAsync($"/api/v1/intake/follow-up/{digits}")).StatusCode);
    }

    [Fact]
    public async Task Dnh5_ConsentChangedThroughTheReceipt_IsStored_AndWithdrawalNeverClosesTheCase()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(Intake(consent: new Dictionary<string, bool> { ["ngo"] = true }));
        Assert.True(await factory.ScalarAsync<bool>("select consent_ngo from grievances where case_reference = @r", ("r", filed.CaseReference)));

        var changed = await Http.JsonAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up/consent", new
        {
            receipt = filed.Receipt,
            consent = new Dictionary<string, bool> { ["ngo"] = false, ["labour-authority"] = true },
        }));
        Assert.False(changed.GetProperty("consent").GetProperty("ngo").GetBoolean());
        Assert.True(changed.GetProperty("consent").GetProperty("labour-authority").GetBoolean());
        Assert.False(await factory.ScalarAsync<bool>("select consent_ngo from grievances where case_reference = @r", ("r", filed.CaseReference)));
        Assert.True(await factory.ScalarAsync<bool>("select consent_labour_authority from grievances where case_reference = @r", ("r", filed.CaseReference)));
        Assert.Equal("received", changed.GetProperty("status").GetString());
    }

    [Fact]
    public async Task WorkerMessage_IsAddedAndShownBackToTheWorker()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync();

        var view = await Http.JsonAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up/messages", new { receipt = filed.Receipt, message = "They took 300 ringgit again." }));
        Assert.Equal("They took 300 ringgit again.", view.GetProperty("messages")[0].GetProperty("text").GetString());
        Assert.Empty(view.GetProperty("replies").EnumerateArray());
    }

    [Fact]
    public async Task UnknownIntakeCode_Is404_AndWritesNothing()
    {
        var before = await factory.CountRowsAsync("grievances");
        await Http.AssertProblemAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/ABCDEFGH12/grievances", Intake()), 404);
        Assert.Equal(HttpStatusCode.NotFound, (await factory.Client().PostAsJsonAsync("/api/v1/intake/not-a-code/grievances", Intake())).StatusCode);
        Assert.Equal(before, await factory.CountRowsAsync("grievances"));
    }

    public static TheoryData<string, string> BadBodies => new()
    {
        { """{"language":"fr","categories":["other"],"narrative":"x"}""", "language" },
        { """{"language":"en","categories":["made-up"],"narrative":"x"}""", "categories" },
        { """{"language":"en","categories":[],"narrative":"x"}""", "categories" },
        { """{"language":"en","categories":["other"],"narrative":""}""", "narrative" },
        { """{"language":"en","categories":["other"],"narrative":"   "}""", "narrative" },
        { $$"""{"language":"en","categories":["other"],"narrative":"{{new string('x', 8001)}}"}""", "narrative" },
        { """{"language":"en","categories":["other"],"narrative":"x","consent":{"immigration":true}}""", "consent" },
        // DNH-1: identity fields are not accepted at all.
        { """{"language":"en","categories":["other"],"narrative":"x","name":"Ram"}""", "name" },
        { """{"language":"en","categories":["other"],"narrative":"x","phone":"0123"}""", "phone" },
    };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Dnh1_BadInput_Is400NamingTheField_AndWritesNothing(string json, string field)
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var before = await factory.CountRowsAsync("grievances");

        var response = await factory.Client().PostAsync($"/api/v1/intake/{site.IntakeCode}/grievances", new StringContent(json, Encoding.UTF8, "application/json"));

        await Http.EnsureStatusAsync(response, 400);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Contains(field, body.ToString(), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await factory.CountRowsAsync("grievances"));
    }

    [Fact]
    public async Task Narrative_Of8000CharactersInAnyScript_IsAccepted()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(Intake(language: "my", narrative: new string('က', 8000)));
        Assert.NotEmpty(filed.Receipt);
    }

    [Fact]
    public async Task FollowUp_WithUnknownOrMalformedReceipt_Is404_AndBadMessageIs400WritingNothing()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync();
        await Http.AssertProblemAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up", new { receipt = "0000 0000 0000 0000 0000" }), 404);
        await Http.AssertProblemAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up", new { receipt = "12" }), 404);

        var before = await factory.CountRowsAsync("grievance_messages");
        await Http.AssertValidationProblemAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up/messages", new { receipt = filed.Receipt, message = "" }), "message");
        await Http.AssertValidationProblemAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up/messages", new { receipt = filed.Receipt, message = new string('a', 8001) }), "message");
        Assert.Equal(before, await factory.CountRowsAsync("grievance_messages"));
    }
}
