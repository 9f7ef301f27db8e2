using System.Text.RegularExpressions;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Effectiveness;

/// <summary>The worker's web path to the effectiveness survey: open the case by receipt, answer with the page's session token.</summary>
public static partial class SurveyPages
{
    [GeneratedRegex("name=\"session\" value=\"([^\"]+)\"")]
    private static partial Regex SessionField();

    /// <summary>The follow-up page for <paramref name="receipt"/>, in <paramref name="lang"/>.</summary>
    public static Task<HttpResponseMessage> FollowUpPageAsync(this ComplianceApiFactory factory, string receipt, string lang = "en") =>
        factory.Client().PostAsync($"/v/follow-up?lang={lang}", new FormUrlEncodedContent(new Dictionary<string, string> { ["receipt"] = receipt }));

    /// <summary>Posts the survey's answers as the page's form does; returns the status and the page.</summary>
    public static async Task<(int Status, string Html)> AnswerSurveyAsync(this ComplianceApiFactory factory, string receipt, string satisfaction, string reprisal)
    {
        var page = await factory.FollowUpPageAsync(receipt);
        await Http.EnsureStatusAsync(page, 200);
        var session = SessionField().Match(await page.Content.ReadAsStringAsync()).Groups[1].Value;
        var response = await factory.Client().PostAsync("/v/follow-up/survey?lang=en", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["session"] = session,
            ["satisfaction"] = satisfaction,
            ["reprisal"] = reprisal,
        }));
        return ((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
