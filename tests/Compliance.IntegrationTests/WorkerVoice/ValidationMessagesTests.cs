using System.Net.Http.Json;
using System.Text.Json;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Domain.Reference;
using Compliance.IntegrationTests.Infrastructure;
using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.WorkerVoice;

/// <summary>
/// The worker path's 400s say what is wrong and what is allowed, word for word: an integrator building a phone app or a
/// helpline tool reads these messages, so they are part of the contract (and nothing is written, as for every 400).
/// </summary>
public class ValidationMessagesTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private static async Task<Dictionary<string, string[]>> ErrorsAsync(HttpResponseMessage response)
    {
        await Http.EnsureStatusAsync(response, 400);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();
        return body.GetProperty("errors").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.EnumerateArray().Select(e => e.GetString()!).ToArray());
    }

    [Fact]
    public async Task Intake_EveryBadField_IsNamed_WithWhatIsAllowed()
    {
        var site = await (await factory.CreateTenantAsync()).CreateSiteAsync();
        var url = $"/api/v1/intake/{site.IntakeCode}/grievances";

        var missing = await ErrorsAsync(await factory.Client().PostAsJsonAsync(url, new { }));
        Assert.Equal(["Required."], missing["language"]);
        Assert.Equal(["Tick at least one category."], missing["categories"]);
        Assert.Equal(["Required."], missing["narrative"]);

        var wrong = await ErrorsAsync(await factory.Client().PostAsJsonAsync(url, new
        {
            language = "xx",
            categories = new[] { "documents-held", "bogus" },
            narrative = new string('a', WorkerIntake.MaxTextLength + 1),
            consent = new Dictionary<string, bool> { ["press"] = true },
        }));
        Assert.Equal([$"Must be one of: {string.Join(", ", Languages.Supported)}."], wrong["language"]);
        Assert.Equal([$"Unknown category 'bogus'. Must be one of: {string.Join(", ", GrievanceCategories.All)}."], wrong["categories"]);
        Assert.Equal([$"At most {WorkerIntake.MaxTextLength} characters."], wrong["narrative"]);
        Assert.Equal([$"Unknown destination kind 'press'. Must be one of: {string.Join(", ", DestinationKinds.All)}."], wrong["consent"]);
    }

    [Fact]
    public async Task FollowUp_MessageAndConsent_NameTheirFields()
    {
        var filed = await (await factory.CreateTenantAsync()).FileGrievanceAsync(Intake());

        var message = await ErrorsAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up/messages", new { receipt = filed.Receipt, message = "  " }));
        Assert.Equal(["Required."], message["message"]);

        var consent = await ErrorsAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up/consent", new { receipt = filed.Receipt }));
        Assert.Equal(["Required."], consent["consent"]);

        var unknown = await ErrorsAsync(await factory.Client().PostAsJsonAsync(
            "/api/v1/intake/follow-up/consent", new { receipt = filed.Receipt, consent = new Dictionary<string, bool> { ["press"] = true } }));
        Assert.Equal([$"Unknown destination kind 'press'. Must be one of: {string.Join(", ", DestinationKinds.All)}."], unknown["consent"]);
    }
}
