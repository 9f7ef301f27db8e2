using System.Net;
using System.Text.RegularExpressions;
using Compliance.Domain.Reference;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.WorkerVoice;

/// <summary>
/// DNH-14, on the rendered intake page of every language: four sections, each stating in that language what the
/// English page states. "Your safety and privacy" says what the product cannot protect (what the worker writes can
/// identify them; the phone's browser history; no promised result) as item for item as English does; "Who reads your
/// report" says who reads (issue #18; its states are proven in <c>WhoReadsPageTests</c>); "What happens next" gives the
/// clock (7 days, 24 hours for urgent problems); "Help outside this website" gives the emergency number and the
/// government helpline as links. Mutations that fail it: delete the "browser history" item from
/// <c>templates/worker/km/intake.sbn</c>, or change "24" to "48" in <c>templates/worker/vi/intake.sbn</c>, or drop the
/// helpline link from <c>templates/worker/bn/intake.sbn</c>.
/// </summary>
public partial class HonestPromisesTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private sealed record Section(string Heading, IReadOnlyList<string> Items, string Html);

    public static TheoryData<string> OtherLanguages() => [.. Languages.Supported.Where(l => l != "en")];

    [Theory]
    [MemberData(nameof(OtherLanguages))]
    public async Task Dnh14_IntakePage_StatesLimitsNextStepsWithClock_AndOutsideHelp_InEachLanguage(string lang)
    {
        var site = await (await factory.CreateTenantAsync()).CreateSiteAsync();
        var english = await SectionsAsync(site.IntakeCode, "en");
        var page = await SectionsAsync(site.IntakeCode, lang);

        Assert.Equal(4, english.Count);
        Assert.Equal(english.Count, page.Count);
        for (var i = 0; i < english.Count; i++)
        {
            Assert.False(string.IsNullOrWhiteSpace(page[i].Heading), $"{lang}: section {i} has no heading");
            Assert.NotEqual(english[i].Heading, page[i].Heading);
            Assert.Equal(english[i].Items.Count, page[i].Items.Count);
            Assert.All(page[i].Items, item => Assert.DoesNotContain(item, english[i].Items));
        }

        // What the product cannot protect: the same statements as English, none of them English, none empty.
        Assert.Contains(english[0].Items, item => item.Contains("could show who you are", StringComparison.Ordinal));
        Assert.Contains(english[0].Items, item => item.Contains("browser history", StringComparison.Ordinal));
        Assert.Contains(english[0].Items, item => item.Contains("cannot promise a result", StringComparison.Ordinal));

        // What happens next, with its clock.
        var next = string.Join(' ', page[2].Items);
        Assert.Matches(Number(7), next);
        Assert.Matches(Number(24), next);

        // How to reach outside help: the emergency number and the government helpline, as links.
        Assert.Contains("href=\"tel:999\"", page[3].Html, StringComparison.Ordinal);
        Assert.Contains("href=\"tel:+60380008000\"", page[3].Html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dnh14_EnglishIntakePage_SaysWhatItCannotProtect_WhatHappensNext_AndWhereToGetHelp()
    {
        var site = await (await factory.CreateTenantAsync()).CreateSiteAsync();
        var page = await SectionsAsync(site.IntakeCode, "en");

        Assert.Equal(["Your safety and privacy", "Who reads your report", "What happens next", "Help outside this website"], page.Select(s => s.Heading));
        Assert.Contains(page[0].Items, i => i.Contains("could show who you are", StringComparison.Ordinal));
        Assert.Contains(page[2].Items, i => i.Contains("within 7 days", StringComparison.Ordinal) && i.Contains("within 24 hours", StringComparison.Ordinal));
        Assert.Contains("href=\"tel:999\"", page[3].Html, StringComparison.Ordinal);
    }

    private async Task<List<Section>> SectionsAsync(string intakeCode, string lang)
    {
        var response = await factory.Client().GetAsync($"/v/{intakeCode}/{lang}");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        return [.. SectionPattern().Matches(html).Select(m => new Section(
            Text(m.Groups["h"].Value),
            [.. ItemPattern().Matches(m.Groups["body"].Value).Select(i => Text(i.Groups["li"].Value))],
            m.Value))];
    }

    private static string Text(string html) => Regex.Replace(WebUtility.HtmlDecode(TagPattern().Replace(html, " ")), @"\s+", " ").Trim();

    private static Regex Number(int n) => new($@"(?<![0-9]){n}(?![0-9])");

    [GeneratedRegex("<section class=\"(note|help)\">\\s*<h2>(?<h>.*?)</h2>(?<body>.*?)</section>", RegexOptions.Singleline)]
    private static partial Regex SectionPattern();

    [GeneratedRegex("<li>(?<li>.*?)</li>", RegexOptions.Singleline)]
    private static partial Regex ItemPattern();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagPattern();
}
