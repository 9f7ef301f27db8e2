using System.Net;
using System.Net.Http.Json;
using System.Text.RegularExpressions;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Templates;
using Compliance.Domain.Reference;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.WorkerVoice;

public class WorkerPagesTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private static void AssertDiscreet(HttpResponseMessage response, string html)
    {
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("no-cache", response.Headers.Pragma.ToString());
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal(
            "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
            response.Headers.GetValues("Content-Security-Policy").Single());
        Assert.False(response.Headers.Contains("Set-Cookie"));
        Assert.Contains("<title>Worker Voice</title>", html, StringComparison.Ordinal);
        Assert.DoesNotContain("<script", html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotMatch(new Regex("(src|href)=\"(https?:)?//", RegexOptions.IgnoreCase), html);
        Assert.DoesNotContain("traffick", html[..html.IndexOf("<body>", StringComparison.Ordinal)], StringComparison.OrdinalIgnoreCase);
    }

    private static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => KeyValuePair.Create(f.Key, f.Value)));

    [Fact]
    public async Task Dnh10_Dnh11_ChooserThenFormInEachLanguage_DiscreetAndLanguageTagged()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var client = factory.Client();

        var chooser = await client.GetAsync($"/v/{site.IntakeCode}");
        var chooserHtml = await chooser.Content.ReadAsStringAsync();
        AssertDiscreet(chooser, chooserHtml);
        foreach (var lang in Languages.Supported)
        {
            Assert.Contains($"href=\"/v/{site.IntakeCode}/{lang}\"", chooserHtml, StringComparison.Ordinal);
            var form = await client.GetAsync($"/v/{site.IntakeCode}/{lang}");
            var html = await form.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.OK, form.StatusCode);
            AssertDiscreet(form, html);
            Assert.Contains($"<html lang=\"{lang}\"", html, StringComparison.Ordinal);
            Assert.Contains("tel:999", html, StringComparison.Ordinal); // DNH-14: outside help
            Assert.DoesNotMatch(new Regex("name=\"(name|phone|email|employee)", RegexOptions.IgnoreCase), html); // DNH-1
        }

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync($"/v/{site.IntakeCode}/fr")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/v/ZZZZZZZZZZ")).StatusCode);
    }

    [Fact]
    public async Task Dnh9_FormFilesAGrievance_ShowsTheReceiptOnce_AndFollowUpWorksOnlyByPost()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var client = factory.Client();

        var submitted = await client.PostAsync($"/v/{site.IntakeCode}/id", Form(("language", "id"), ("categories", "owe-money"), ("categories", "documents-held"), ("narrative", "Paspor saya ditahan"), ("consent", "ngo")));
        var html = await submitted.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);
        AssertDiscreet(submitted, html);
        var receipt = Regex.Match(html, @"class=""receipt"">([\d ]+)<").Groups[1].Value;
        Assert.Matches(@"^\d{4}( \d{4}){4}$", receipt);
        Assert.DoesNotMatch(new Regex(@"href=""[^""]*\d{20}"), html);

        var result = await client.PostAsync("/v/follow-up?lang=id", Form(("receipt", receipt)));
        var resultHtml = await result.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, result.StatusCode);
        AssertDiscreet(result, resultHtml);
        Assert.Contains("<html lang=\"id\"", resultHtml, StringComparison.Ordinal);
        Assert.Contains("value=\"ngo\" checked", resultHtml, StringComparison.Ordinal);

        var messaged = await client.PostAsync("/v/follow-up/messages?lang=id", Form(("receipt", receipt), ("message", "Tambahan informasi")));
        Assert.Contains("Tambahan informasi", await messaged.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        var consented = await client.PostAsync("/v/follow-up/consent?lang=id", Form(("receipt", receipt), ("consent", "labour-authority")));
        var consentedHtml = await consented.Content.ReadAsStringAsync();
        Assert.Contains("value=\"labour-authority\" checked", consentedHtml, StringComparison.Ordinal);
        Assert.DoesNotContain("value=\"ngo\" checked", consentedHtml, StringComparison.Ordinal);

        var unknown = await client.PostAsync("/v/follow-up?lang=en", Form(("receipt", "0000 0000 0000 0000 0000")));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/v/follow-up?lang=ne")).StatusCode);
    }

    /// <summary>
    /// The follow-up page's refusals, each in the case's language and writing nothing: an unknown receipt (404, the
    /// page's own language), an empty message and a message over the limit (400, the case's language, no message row).
    /// Named mutations: swap <c>"narrative_too_long"</c> and <c>"message"</c> in <c>WorkerPages.AddMessageAsync</c>;
    /// save when there is an error in <c>WithCaseAwaitingAsync</c> (a message row appears).
    /// </summary>
    [Fact]
    public async Task FollowUpPage_Refusals_AreInTheCasesLanguage_AndWriteNothing()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(Intake(language: "km", narrative: "ភ្នាក់ងារយកលិខិតឆ្លងដែនរបស់ខ្ញុំ"));
        var km = Labels("km");
        var client = factory.Client();

        var unknown = await client.PostAsync("/v/follow-up?lang=km", Form(("receipt", "0000 0000 0000 0000 0001")));
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Contains(WebUtility.HtmlEncode(km.Errors["receipt_not_found"]), await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // The page's language in the URL is English; the case's language (Khmer) wins once the case is open.
        var empty = await client.PostAsync("/v/follow-up/messages?lang=en", Form(("receipt", filed.Receipt), ("message", "  ")));
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        var emptyHtml = await empty.Content.ReadAsStringAsync();
        Assert.Contains(WebUtility.HtmlEncode(km.Errors["message"]), emptyHtml, StringComparison.Ordinal);
        Assert.Contains("<html lang=\"km\"", emptyHtml, StringComparison.Ordinal);

        var tooLong = await client.PostAsync("/v/follow-up/messages?lang=km", Form(("receipt", filed.Receipt), ("message", new string('ក', WorkerIntake.MaxTextLength + 1))));
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        Assert.Contains(WebUtility.HtmlEncode(km.Errors["narrative_too_long"]), await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from grievance_messages m join grievances g on g.id = m.grievance_id where g.case_reference = @r", ("r", filed.CaseReference)));
    }

    /// <summary>
    /// Where the worker pages' links and forms point, and the dates they show. Named mutations:
    /// <c>WorkerPages.NotFoundPage</c>'s heading or language emptied; <c>FollowUpUrl</c> or the intake form's
    /// <c>Action</c> emptied; the result page's <c>ReceivedOn</c>, reply or message <c>SentOn</c> format emptied, or its
    /// <c>MessageAction</c>/<c>ConsentAction</c> emptied; <c>TestimonyReader.OpenAsync</c>'s <c>OrderBy(m =&gt; m.SentAt)</c>
    /// turned into <c>OrderByDescending</c> (the worker's messages would read newest first).
    /// </summary>
    [Fact]
    public async Task WorkerPages_LinksPointWhereTheirFormsPost_AndDatesAreDays_OldestMessageFirst()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var client = factory.Client();

        var notFound = await client.GetAsync("/v/ZZZZZZZZZZ");
        var notFoundHtml = await notFound.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        Assert.Contains("<html lang=\"en\"", notFoundHtml, StringComparison.Ordinal);
        Assert.Contains("<h1>Worker Voice</h1>", notFoundHtml, StringComparison.Ordinal);

        var form = await (await client.GetAsync($"/v/{site.IntakeCode}/ne")).Content.ReadAsStringAsync();
        Assert.Contains($"<form method=\"post\" action=\"/v/{site.IntakeCode}/ne\"", form, StringComparison.Ordinal);
        Assert.Contains("href=\"/v/follow-up?lang=ne\"", form, StringComparison.Ordinal);

        var filed = await tenant.FileGrievanceAsync(Intake(language: "ne", narrative: "मेरो पासपोर्ट राखिएको छ"), site);
        var received = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime);
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);
        factory.Clock.Advance(TimeSpan.FromDays(1));
        await Http.EnsureStatusAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/replies", new { template = "in-progress" }), 201);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v/follow-up/messages?lang=ne", Form(("receipt", filed.Receipt), ("message", "first message")))).StatusCode);
        factory.Clock.Advance(TimeSpan.FromDays(1));
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync("/v/follow-up/messages?lang=ne", Form(("receipt", filed.Receipt), ("message", "second message")))).StatusCode);

        var result = await (await client.PostAsync("/v/follow-up?lang=en", Form(("receipt", filed.Receipt)))).Content.ReadAsStringAsync();
        Assert.Contains($"<dd>{received:yyyy-MM-dd}</dd>", result, StringComparison.Ordinal);
        Assert.Contains($"<p class=\"date\">{received.AddDays(1):yyyy-MM-dd}</p>", result, StringComparison.Ordinal);
        Assert.Contains($"<p class=\"date\">{received.AddDays(2):yyyy-MM-dd}</p>", result, StringComparison.Ordinal);
        Assert.Contains("action=\"/v/follow-up/messages?lang=ne\"", result, StringComparison.Ordinal);
        Assert.Contains("action=\"/v/follow-up/consent?lang=ne\"", result, StringComparison.Ordinal);
        Assert.True(
            result.IndexOf("first message", StringComparison.Ordinal) < result.IndexOf("second message", StringComparison.Ordinal),
            "the worker's messages read oldest first");
    }

    private Labels Labels(string lang)
    {
        using var scope = factory.Services.CreateScope();
        return scope.ServiceProvider.GetRequiredService<WorkerLabels>().For(lang);
    }

    [Fact]
    public async Task Form_WithNoCategoryOrTooLongNarrative_ShowsErrorsInTheLanguage_AndWritesNothing()
    {
        var tenant = await factory.CreateTenantAsync();
        var site = await tenant.CreateSiteAsync();
        var before = await factory.CountRowsAsync("grievances");

        var empty = await factory.Client().PostAsync($"/v/{site.IntakeCode}/en", Form(("language", "en"), ("narrative", "")));
        var html = await empty.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);
        Assert.Contains("Please tick at least one problem.", html, StringComparison.Ordinal);
        Assert.Contains("Please write what happened.", html, StringComparison.Ordinal);
        var tooLong = await factory.Client().PostAsync($"/v/{site.IntakeCode}/en", Form(("categories", "other"), ("narrative", new string('a', 8001))));
        Assert.Contains("too long", await tooLong.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(before, await factory.CountRowsAsync("grievances"));
    }

    [Fact]
    public async Task Dnh11_EveryWorkerTemplateExistsInEveryLanguage_AndRenders()
    {
        await using var scope = factory.CreateScope();
        var store = scope.ServiceProvider.GetRequiredService<TemplateStore>();
        var labels = scope.ServiceProvider.GetRequiredService<WorkerLabels>();
        var english = Directory.GetFiles(Path.Combine(store.Root, "worker", "en"), "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(Path.Combine(store.Root, "worker", "en"), f)).ToList();
        Assert.Contains(Path.Combine("replies", "acknowledged.sbn"), english);
        Assert.Equal(CaseHandlingApi.ReplyTemplates.Select(r => Path.Combine("replies", $"{r}.sbn")).Order(), english.Where(f => f.StartsWith("replies", StringComparison.Ordinal)).Order());
        foreach (var lang in Languages.Supported)
        {
            foreach (var file in english)
            {
                Assert.True(store.Exists(Path.Combine("worker", lang, file)), $"worker/{lang}/{file} is missing");
            }

            var texts = labels.For(lang);
            Assert.All(GrievanceCategories.All, c => Assert.False(string.IsNullOrWhiteSpace(texts.Categories[c])));
            Assert.All(DestinationKinds.All, k => Assert.False(string.IsNullOrWhiteSpace(texts.Consent[k].Help)));
            Assert.All(GrievanceStatuses.All, s => Assert.False(string.IsNullOrWhiteSpace(texts.NextSteps[s])));
            foreach (var reply in CaseHandlingApi.ReplyTemplates)
            {
                Assert.Contains("WV-TEST1234", store.Render($"worker/{lang}/replies/{reply}.sbn", new { CaseReference = "WV-TEST1234" }), StringComparison.Ordinal);
            }

            Assert.Contains("1234 5678", store.Render($"worker/{lang}/receipt.sbn", new { Receipt = "1234 5678", CaseReference = "WV-1", FollowUpUrl = "/v/follow-up" }), StringComparison.Ordinal);
            Assert.Contains("/v/x", store.Render($"worker/{lang}/follow-up.sbn", new { Action = "/v/x", Errors = Array.Empty<string>() }), StringComparison.Ordinal);
        }
    }
}
