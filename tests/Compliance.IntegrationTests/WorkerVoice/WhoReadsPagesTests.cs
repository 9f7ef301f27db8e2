using System.Net;
using System.Text.RegularExpressions;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Domain.Reference;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.WorkerVoice;

/// <summary>
/// Issue #18, DNH-14 over real HTTP and PostgreSQL (<c>app.offices_reading</c>): a fresh tenant has no handling office,
/// so its worker pages say in every language that no one has been assigned to read reports yet, that the report stays
/// locked until someone is, and that the worker can still file and check back; and the intake page does not promise
/// that the employer cannot see what the worker writes. The states with linked offices are proven on the rendered
/// pages in <c>Compliance.UnitTests.WorkerVoice.WhoReadsPageTests</c>; their HTTP tests come with the handling-office
/// API. Mutation that fails it: make <see cref="WhoReads.EmployerCannotSee"/> return true for an empty list, or drop
/// <c>{{ who_reads }}</c> from one language's <c>intake.sbn</c> or <c>follow-up-result.sbn</c>.
/// </summary>
public partial class WhoReadsPagesTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    public static TheoryData<string> AllLanguages() => [.. Languages.Supported];

    [Theory]
    [MemberData(nameof(AllLanguages))]
    public async Task Dnh14_FreshTenantWithNoOffice_IntakePageSaysNoOneHasBeenAssigned_AndDoesNotPromiseTheEmployerCannotSee(string lang)
    {
        var site = await (await factory.CreateTenantAsync()).CreateSiteAsync();

        var response = await factory.Client().GetAsync($"/v/{site.IntakeCode}/{lang}");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = Text(await response.Content.ReadAsStringAsync());
        AssertNoOneAssigned(lang, text);
        Assert.DoesNotContain(Normalize(Texts(lang).EmployerCannotSee), text, StringComparison.Ordinal);
        Assert.DoesNotContain(Normalize(Texts("en").EmployerCannotSee), text, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(AllLanguages))]
    public async Task Dnh14_FreshTenantWithNoOffice_FollowUpResultPageSaysNoOneHasBeenAssigned_InTheCaseLanguage(string lang)
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(Intake(language: lang));

        var response = await factory.Client().PostAsync(
            $"/v/follow-up?lang={lang}", new FormUrlEncodedContent([KeyValuePair.Create("receipt", filed.Receipt)]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var text = Text(await response.Content.ReadAsStringAsync());
        AssertNoOneAssigned(lang, text);
        Assert.DoesNotContain(Normalize(Texts(lang).EmployerCannotSee), text, StringComparison.Ordinal);
    }

    private void AssertNoOneAssigned(string lang, string text)
    {
        var t = Texts(lang);
        foreach (var expected in new[] { t.Heading, t.None, t.NoneLocked, t.NoneFileNow })
        {
            Assert.True(text.Contains(Normalize(expected), StringComparison.Ordinal), $"{lang}: page does not say \"{expected}\"");
        }

        foreach (var absent in new[] { t.Internal, t.Migrated, t.Independent, t.Unverified })
        {
            Assert.False(text.Contains(Normalize(absent), StringComparison.Ordinal), $"{lang}: page says \"{absent}\"");
        }
    }

    private WhoReadsTexts Texts(string lang) => factory.Services.GetRequiredService<WorkerLabels>().For(lang).WhoReads;

    private static string Text(string html) => Normalize(WebUtility.HtmlDecode(TagPattern().Replace(html, " ")));

    private static string Normalize(string text) => Spaces().Replace(text, " ").Trim();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
