using System.Net;
using System.Text.RegularExpressions;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Templates;
using Compliance.Domain.Reference;
using Microsoft.Extensions.Options;

namespace Compliance.UnitTests.WorkerVoice;

/// <summary>
/// Issue #18, DNH-14: "Who reads your report" on the intake page and the follow-up result page, in every language, for
/// every state of a tenant's reading offices. Rendered by the pages' own code (<see cref="WorkerPages.IntakePage"/>,
/// <see cref="WorkerPages.FollowUpResultPage"/>) from the real templates and labels, through the real
/// <see cref="TemplateStore"/>. The intake page may promise "Your employer cannot see what you write" only when every
/// office is independent and verified. Mutations that fail it: make <see cref="WhoReads.EmployerCannotSee"/> return
/// true for any non-empty list (the internal, migrated, mixed and self-declared states then promise), or drop
/// <c>{{ if employer_cannot_see }}</c> from one language's <c>intake.sbn</c>, or drop <c>{{ who_reads }}</c> from one
/// language's <c>follow-up-result.sbn</c>.
/// </summary>
public partial class WhoReadsPageTests
{
    private static readonly TemplateStore Templates = new(Options.Create(new TemplateOptions()));
    private static readonly WorkerLabels Labels = new(Templates);

    private static readonly DateOnly Day = new(2026, 3, 14);

    /// <summary>A name with markup in it: shown as written, never as HTML.</summary>
    private static readonly ReadingOffice VerifiedNgo = new("Tenaganita <b>Legal</b> & \"Aid\"", "independent-ngo", Verified: true, Migrated: false, Day, 4);

    private static readonly ReadingOffice SelfDeclaredHelpline = new("Pekerja Helpline", "independent-helpline", Verified: false, Migrated: false, Day.AddDays(3), 1);

    private static readonly ReadingOffice Internal = new("Acme Gloves grievance team", "internal", Verified: false, Migrated: false, Day.AddDays(10), 2);

    private static readonly ReadingOffice MigratedInternal = new("Acme Gloves grievance team", "internal", Verified: false, Migrated: true, Day.AddDays(-200), 3);

    public enum State
    {
        NoOffice,
        VerifiedIndependentNgo,
        SelfDeclaredHelpline,
        InternalOffice,
        MigratedInternalOffice,
        IndependentPlusInternal,
    }

    private static IReadOnlyList<ReadingOffice> Offices(State state) => state switch
    {
        State.NoOffice => [],
        State.VerifiedIndependentNgo => [VerifiedNgo],
        State.SelfDeclaredHelpline => [SelfDeclaredHelpline],
        State.InternalOffice => [Internal],
        State.MigratedInternalOffice => [MigratedInternal],
        State.IndependentPlusInternal => [VerifiedNgo, Internal],
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    /// <summary>The notes each state shows, below the offices; every other note must be absent.</summary>
    private static string[] ExpectedNotes(WhoReadsTexts t, State state) => state switch
    {
        State.NoOffice => [t.None, t.NoneLocked, t.NoneFileNow],
        State.VerifiedIndependentNgo => [t.Independent],
        State.SelfDeclaredHelpline => [t.Unverified],
        State.InternalOffice => [t.Internal],
        State.MigratedInternalOffice => [t.Internal, t.Migrated],
        State.IndependentPlusInternal => [t.Internal],
        _ => throw new ArgumentOutOfRangeException(nameof(state)),
    };

    public static TheoryData<string, State> LanguagesAndStates()
    {
        var data = new TheoryData<string, State>();
        foreach (var lang in Languages.Supported)
        {
            foreach (var state in Enum.GetValues<State>())
            {
                data.Add(lang, state);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LanguagesAndStates))]
    public void IntakePage_SaysWhoReads_AndPromisesTheEmployerCannotSee_OnlyWhenEveryOfficeIsIndependentAndVerified(string lang, State state)
    {
        var texts = Labels.For(lang).WhoReads;
        var html = WorkerPages.IntakePage(Templates, Labels, "ABCDEFGHJK", lang, Offices(state), [], [], string.Empty, []);

        AssertSection(html, lang, state);
        var promised = Text(html).Contains(Normalize(texts.EmployerCannotSee), StringComparison.Ordinal);
        Assert.True(promised == (state == State.VerifiedIndependentNgo), $"{lang} {state}: employer promise shown = {promised}");
        if (state != State.VerifiedIndependentNgo)
        {
            Assert.DoesNotContain(Normalize(Labels.For("en").WhoReads.EmployerCannotSee), Text(html), StringComparison.Ordinal);
        }
    }

    [Theory]
    [MemberData(nameof(LanguagesAndStates))]
    public void FollowUpResultPage_SaysWhoReads_InTheCaseLanguage_AndNeverPromisesWhenNotAllIndependent(string lang, State state)
    {
        var labels = Labels.For(lang);
        var view = new WorkerCaseView(
            "WV-TEST-0001", lang, GrievanceStatuses.Received, labels.Statuses[GrievanceStatuses.Received], labels.NextSteps[GrievanceStatuses.Received],
            Day, DestinationKinds.All.ToDictionary(k => k, _ => false), [], []);
        var html = WorkerPages.FollowUpResultPage(Templates, labels, view, "session-token", Offices(state), error: null);

        AssertSection(html, lang, state);
        if (state != State.VerifiedIndependentNgo)
        {
            Assert.DoesNotContain(Normalize(labels.WhoReads.EmployerCannotSee), Text(html), StringComparison.Ordinal);
        }
    }

    [Fact]
    public void EmployerCannotSee_HoldsOnlyForVerifiedIndependentOffices_NeverForMigratedOnes()
    {
        Assert.False(WhoReads.EmployerCannotSee([]));
        Assert.True(WhoReads.EmployerCannotSee([VerifiedNgo, VerifiedNgo with { Kind = "trade-union" }, VerifiedNgo with { Kind = "independent-helpline" }]));
        Assert.False(WhoReads.EmployerCannotSee([VerifiedNgo, SelfDeclaredHelpline]));
        Assert.False(WhoReads.EmployerCannotSee([VerifiedNgo with { Migrated = true }]));

        // An escalation destination the owner configured rules the promise out, however good the offices.
        Assert.False(WhoReads.EmployerCannotSee([VerifiedNgo], ownerDestinations: 1));
        Assert.False(WhoReads.EmployerCannotSee([Internal with { Verified = true }]));
        Assert.False(WhoReads.EmployerCannotSee([VerifiedNgo with { Kind = "some-future-kind" }]));
    }

    /// <summary>
    /// The page has exactly one "Who reads your report" section in <paramref name="lang"/>; it lists each office (name as
    /// written and escaped, kind in words, verified or self-declared, since a day, how many can read) and shows the
    /// state's notes and no other note. No script, no outside asset.
    /// </summary>
    private static void AssertSection(string html, string lang, State state)
    {
        var texts = Labels.For(lang).WhoReads;
        var where = $"{lang} {state}";
        Assert.Contains($"<html lang=\"{lang}\"", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex("(src|href)=\"(https?:)?//", RegexOptions.IgnoreCase), html);

        var sections = SectionPattern().Matches(html).Where(m => Text(m.Groups["h"].Value) == Normalize(texts.Heading)).ToList();
        Assert.True(sections.Count == 1, $"{where}: {sections.Count} sections headed \"{texts.Heading}\"");
        var section = sections[0].Groups["body"].Value;
        var text = Text(section);

        var offices = Offices(state);
        Assert.Equal(offices.Count, Regex.Count(section, "<dt>"));
        foreach (var office in offices)
        {
            Assert.Contains(Normalize(office.Name), text, StringComparison.Ordinal);
            Assert.Contains(Normalize(texts.Kinds[office.Kind]), text, StringComparison.Ordinal);
            Assert.Contains(Normalize(office.Verified ? texts.Verified : texts.SelfDeclared), text, StringComparison.Ordinal);
            Assert.Contains(Normalize(texts.Since.Replace(WhoReadsTexts.DatePlaceholder, office.Since.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal)), text, StringComparison.Ordinal);
            Assert.Contains(
                Normalize(office.Readers == 1 ? texts.ReadersOne : texts.Readers.Replace(WhoReadsTexts.CountPlaceholder, $"{office.Readers}", StringComparison.Ordinal)),
                text,
                StringComparison.Ordinal);
        }

        Assert.DoesNotContain("<b>Legal</b>", section, StringComparison.Ordinal);
        Assert.DoesNotMatch(new Regex(@"\d{2}:\d{2}"), text);

        var expected = ExpectedNotes(texts, state);
        string[] allNotes = [texts.None, texts.NoneLocked, texts.NoneFileNow, texts.Internal, texts.Migrated, texts.Independent, texts.Unverified];
        foreach (var note in allNotes)
        {
            var shown = text.Contains(Normalize(note), StringComparison.Ordinal);
            Assert.True(shown == expected.Contains(note), $"{where}: note \"{note}\" shown = {shown}");
        }
    }

    private static string Text(string html) => Normalize(WebUtility.HtmlDecode(TagPattern().Replace(html, " ")));

    private static string Normalize(string text) => Spaces().Replace(text, " ").Trim();

    [GeneratedRegex("<section class=\"note\">\\s*<h2>(?<h>.*?)</h2>(?<body>.*?)</section>", RegexOptions.Singleline)]
    private static partial Regex SectionPattern();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex TagPattern();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();
}
