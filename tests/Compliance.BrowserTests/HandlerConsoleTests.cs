using System.Globalization;
using System.Text.RegularExpressions;
using Compliance.Api.Features.Pages;
using Compliance.Api.Infrastructure.Templates;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace Compliance.BrowserTests;

/// <summary>
/// Issue #19's case handler in Chromium: signs in with two factors, finds the overdue Nepali case first, reads it (a
/// logged read), writes an internal and a private note, replies in Nepali from a template after a preview, and refers
/// the case to an NGO with a follow-up date. The worker then reads the reply on the follow-up page and neither note;
/// the tenant's owner, signed in, is refused on every case page. A browser without JavaScript does every main action.
/// </summary>
[Collection(HandlerConsoleBrowser.Name)]
public class HandlerConsoleTests(HandlerConsoleFixture fixture)
{
    private KestrelApiFactory Factory => fixture.Factory;

    [Fact]
    public async Task Handler_SignsInWithTwoFactors_WorksTheOverdueNepaliCaseFirst_AndTheWorkerSeesTheReplyButNoNote()
    {
        var desk = await fixture.NewDeskAsync("Gloves Employer");
        var site = await desk.Tenant.CreateSiteAsync();
        var token = Guid.NewGuid().ToString("N")[..8];
        var narrative = $"सुपरभाइजरले मलाई धम्की दियो र राहदानी राख्यो। {token}";
        var internalNote = $"Internal: called the dormitory warden {token}-i";
        var privateNote = $"Private: I doubt the agent's story {token}-p";
        var ordinary = await desk.FileAsync(site.IntakeCode, "en", $"Our overtime is not paid {token}", ["wages-unpaid"]);
        var critical = await desk.FileAsync(site.IntakeCode, "ne", narrative, ["hurt-or-threatened"], ["ngo"]);

        // Two days on, the critical case's 24-hour clock is overdue; the ordinary one's 7 days still run.
        Factory.Clock.Advance(TimeSpan.FromDays(2));
        var context = await fixture.PersonContextAsync();
        var worker = await fixture.WorkerContextAsync();
        var page = await context.NewPageAsync();
        try
        {
            await desk.SignInAsync(page);
            Assert.Equal("with a second factor", await page.Locator("#amr").InnerTextAsync());

            await page.GotoAsync(CasePages.Inbox);
            var rows = page.Locator("#inbox tbody tr");
            Assert.Equal(2, await rows.CountAsync());
            Assert.Contains(critical.CaseReference, await rows.Nth(0).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("Overdue", await rows.Nth(0).Locator("td").Nth(1).InnerTextAsync());
            Assert.Contains(ordinary.CaseReference, await rows.Nth(1).InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("On track", await rows.Nth(1).Locator("td").Nth(1).InnerTextAsync());

            // Opening the case shows the worker's words in their language, and logs the read under the handler.
            await rows.Nth(0).GetByRole(AriaRole.Link, new() { Name = critical.CaseReference }).ClickAsync();
            await Navigation.ArrivedAsync(page, $"/console/cases/{critical.Id}");
            Assert.Equal(narrative, (await page.Locator("#narrative").InnerTextAsync()).Trim());
            Assert.Equal("ne", await page.Locator("#narrative").GetAttributeAsync("lang"));
            Assert.Equal(1L, await Factory.ScalarAsync<long>(
                "select count(*) from narrative_access_log where grievance_id = @id and person_id = @person",
                ("id", critical.Id),
                ("person", desk.HandlerId)));

            // An internal note, then a private one, each on its tab.
            await page.GetByRole(AriaRole.Link, new() { Name = "Internal notes" }).ClickAsync();
            await AddNoteAsync(page, internalNote, "internal");
            await page.GetByRole(AriaRole.Link, new() { Name = "Private notes" }).ClickAsync();
            await AddNoteAsync(page, privateNote, "private");
            Assert.DoesNotContain(internalNote, await page.Locator("main").InnerTextAsync(), StringComparison.Ordinal);

            // The reply: the Nepali template, previewed exactly as the worker will read it, then sent.
            await page.GetByRole(AriaRole.Link, new() { Name = "Worker thread" }).ClickAsync();
            var expected = NepaliAcknowledgement(critical.CaseReference);
            await page.Locator("select#template").SelectOptionAsync("acknowledged");
            var previewed = await page.RunAndWaitForResponseAsync(
                () => page.Locator("button[name=action][value=preview]").ClickAsync(), r => r.Request.IsNavigationRequest && r.Request.Method == "POST");
            Assert.Equal(200, previewed.Status);
            Assert.Equal(OneLine(expected), OneLine(await page.Locator("#preview .text").InnerTextAsync()));
            Assert.Equal("ne", await page.Locator("#preview article").GetAttributeAsync("lang"));
            Assert.Equal(0L, await Factory.ScalarAsync<long>("select count(*) from grievance_messages where grievance_id = @id", ("id", critical.Id)));
            await SubmitAsync(page, page.Locator("button[name=action][value=send]"), "thread");
            Assert.Equal(OneLine(expected), OneLine(await page.Locator("#messages li p[lang=ne]").Last.InnerTextAsync()));

            // The referral to an NGO the worker consented to, with a follow-up date a week on.
            var followUp = Today().AddDays(7).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await page.Locator("#organisation").FillAsync("Tenaganita");
            Assert.Equal(["ngo"], await page.Locator("select#kind option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)"));
            await page.Locator("select#kind").SelectOptionAsync("ngo");
            await page.Locator("input#follow-up").FillAsync(followUp);
            await SubmitAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Refer", Exact = true }), "thread");
            var referral = page.Locator("#referral-list tbody tr");
            Assert.Equal(1, await referral.CountAsync());
            var cells = await referral.Locator("td").AllInnerTextsAsync();
            Assert.Equal(["Tenaganita", "ngo", "sent", followUp], [cells[0], cells[1], cells[3], cells[4].Trim()]);

            // The worker, on a phone of their own, reads the Nepali reply by the receipt, and neither note.
            var phone = await worker.NewPageAsync();
            await phone.GotoAsync("/v/follow-up?lang=ne");
            await phone.Locator("#receipt").FillAsync(critical.Receipt);
            await phone.Locator("form button[type=submit]").ClickAsync();
            await phone.Locator("article.msg").First.WaitForAsync();
            Assert.Equal(OneLine(expected), OneLine(await phone.Locator("article.msg:not(.mine) .text").First.InnerTextAsync()));
            var seen = await phone.ContentAsync();
            Assert.DoesNotContain(internalNote, seen, StringComparison.Ordinal);
            Assert.DoesNotContain(privateNote, seen, StringComparison.Ordinal);
            Assert.DoesNotContain(token + "-", seen, StringComparison.Ordinal);
            Assert.DoesNotContain("Tenaganita", seen, StringComparison.Ordinal);
        }
        catch
        {
            await Failure.ScreenshotsAsync(nameof(HandlerConsoleTests), context, worker);
            throw;
        }
        finally
        {
            Factory.Clock.Advance(TimeSpan.FromDays(-2));
            await context.CloseAsync();
            await worker.CloseAsync();
        }
    }

    [Fact]
    public async Task Owner_SignedIn_IsRefusedOnTheInboxAndEveryCaseTab_AndSeesNoneOfTheNarrative()
    {
        var desk = await fixture.NewDeskAsync("Owner Employer");
        var site = await desk.Tenant.CreateSiteAsync();
        var narrative = $"The agent keeps our passports in his car {Guid.NewGuid():N}";
        var filed = await desk.FileAsync(site.IntakeCode, "en", narrative, ["documents-held"]);
        var context = await fixture.PersonContextAsync();
        try
        {
            var page = await context.NewPageAsync();
            await desk.SignInOwnerAsync(page);
            string forbidden;
            await using (var scope = Factory.CreateScope())
            {
                forbidden = scope.ServiceProvider.GetRequiredService<ConsoleStrings>()["forbidden_title"];
            }

            foreach (var url in new[] { CasePages.Inbox, desk.CaseUrl(filed.Id), desk.CaseUrl(filed.Id, "thread"), desk.CaseUrl(filed.Id, "internal"), desk.CaseUrl(filed.Id, "private") })
            {
                var response = await page.GotoAsync(url);
                Assert.Equal(403, response!.Status);
                Assert.Equal(forbidden, await page.Locator("h1").InnerTextAsync());
                Assert.DoesNotContain(narrative, await page.ContentAsync(), StringComparison.Ordinal);
                Assert.DoesNotContain(filed.CaseReference, await page.ContentAsync(), StringComparison.Ordinal);
            }

            Assert.Equal(0L, await Factory.ScalarAsync<long>("select count(*) from narrative_access_log where grievance_id = @id", ("id", filed.Id)));
        }
        catch
        {
            await Failure.ScreenshotsAsync(nameof(Owner_SignedIn_IsRefusedOnTheInboxAndEveryCaseTab_AndSeesNoneOfTheNarrative), context);
            throw;
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    [Fact]
    public async Task WithoutJavaScript_EveryCasePageActionAndTheInboxFilter_PostAndRedirectToTheirResult()
    {
        var desk = await fixture.NewDeskAsync("No Script Employer");
        var site = await desk.Tenant.CreateSiteAsync();
        var english = await desk.FileAsync(site.IntakeCode, "en", "The agent took my passport.", ["documents-held"], ["ngo"]);
        var vietnamese = await desk.FileAsync(site.IntakeCode, "vi", "Họ giữ hộ chiếu của tôi.", ["documents-held"]);
        var context = await fixture.PersonContextAsync(javaScript: false);
        try
        {
            var page = await context.NewPageAsync();
            await desk.SignInAsync(page);

            // The inbox filter is a GET form: the choice lands in the address and narrows the rows.
            await page.GotoAsync(CasePages.Inbox);
            await page.Locator("#f-language").SelectOptionAsync("vi");
            await page.Locator("form.filters button[type=submit]").ClickAsync();
            await Assertions.Expect(page).ToHaveURLAsync(new Regex("[?&]language=vi(&|$)"));
            var rows = await page.Locator("#inbox tbody tr").AllInnerTextsAsync();
            Assert.Contains(vietnamese.CaseReference, Assert.Single(rows), StringComparison.Ordinal);
            Assert.Equal("1", await page.Locator("#case-count").InnerTextAsync());

            await page.GotoAsync(desk.CaseUrl(english.Id));

            // Reply: a template, sent; the 303 lands on the thread, which shows it.
            await page.Locator("select#template").SelectOptionAsync("acknowledged");
            await SubmitAsync(page, page.Locator("button[name=action][value=send]"), "thread");
            Assert.Contains(english.CaseReference, await page.Locator("#messages").InnerTextAsync(), StringComparison.Ordinal);

            // Triage: two indicators, a severity and a sub-status.
            await page.Locator("#ind-FL08").CheckAsync();
            await page.Locator("#severity").SelectOptionAsync("high");
            await page.Locator("#sub-status").FillAsync("visit booked");
            await SubmitAsync(page, page.Locator("#triage button[type=submit]"), "thread");
            Assert.Contains("FL08", await page.Locator("#indicators").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Contains("(visit booked)", await page.Locator("#status").InnerTextAsync(), StringComparison.Ordinal);
            Assert.Equal("high", await page.Locator("#severity").InputValueAsync());

            // Status: moved on.
            var before = await page.Locator("#status").InnerTextAsync();
            var next = await page.Locator("#status-to option").First.GetAttributeAsync("value");
            await page.Locator("#status-to").SelectOptionAsync(next!);
            await SubmitAsync(page, page.Locator("#status-panel button[type=submit]"), "thread");
            Assert.NotEqual(before, await page.Locator("#status").InnerTextAsync());
            Assert.StartsWith(next!, await page.Locator("#status").InnerTextAsync(), StringComparison.Ordinal);

            // Referral: to a named NGO, listed as sent with its follow-up date.
            var followUp = Today().AddDays(5).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
            await page.Locator("#organisation").FillAsync("Migrant Care");
            await page.Locator("select#kind").SelectOptionAsync("ngo");
            await page.Locator("input#follow-up").FillAsync(followUp);
            await SubmitAsync(page, page.GetByRole(AriaRole.Button, new() { Name = "Refer", Exact = true }), "thread");
            var cells = await page.Locator("#referral-list tbody tr td").AllInnerTextsAsync();
            Assert.Equal(["Migrant Care", "ngo", "sent", followUp], [cells[0], cells[1], cells[3], cells[4].Trim()]);

            // A note, on the internal tab.
            await page.GotoAsync(desk.CaseUrl(english.Id, "internal"));
            await AddNoteAsync(page, "Called the hostel manager.", "internal");
        }
        catch
        {
            await Failure.ScreenshotsAsync(nameof(WithoutJavaScript_EveryCasePageActionAndTheInboxFilter_PostAndRedirectToTheirResult), context);
            throw;
        }
        finally
        {
            await context.CloseAsync();
        }
    }

    private static async Task AddNoteAsync(IPage page, string text, string tab)
    {
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"[?&]tab={tab}(&|#|$)"));
        await page.Locator("textarea#note-text").FillAsync(text);
        await SubmitAsync(page, page.Locator("#notes form button[type=submit]"), tab);
        Assert.Contains(text, await page.Locator("#note-list").InnerTextAsync(), StringComparison.Ordinal);
    }

    /// <summary>
    /// Submits a case form and waits for where it lands: a POST answered 303, then the case's <paramref name="tab"/>
    /// fetched with GET (post/redirect/get), shown at its section's anchor.
    /// </summary>
    internal static async Task SubmitAsync(IPage page, ILocator button, string tab)
    {
        // The click returns once the navigation it started has committed, so what follows reads the new page.
        var landed = await page.RunAndWaitForResponseAsync(() => button.ClickAsync(), r => r.Request.IsNavigationRequest && r.Request.Method == "GET");
        Assert.Equal(200, landed.Status);
        Assert.Equal("GET", landed.Request.Method);
        Assert.Equal("POST", landed.Request.RedirectedFrom?.Method);
        Assert.Equal(303, (await landed.Request.RedirectedFrom!.ResponseAsync())!.Status);
        await Assertions.Expect(page).ToHaveURLAsync(new Regex($"[?&]tab={tab}(&|#|$)"));
    }

    private string NepaliAcknowledgement(string caseReference)
    {
        using var scope = Factory.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<TemplateStore>().Render("worker/ne/replies/acknowledged.sbn", new { CaseReference = caseReference }).Trim();
    }

    private DateOnly Today() => DateOnly.FromDateTime(Factory.Clock.GetUtcNow().UtcDateTime);

    private static string OneLine(string text) => string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
}
