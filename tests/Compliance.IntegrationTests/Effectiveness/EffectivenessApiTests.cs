using System.Net.Http.Json;
using Compliance.IntegrationTests.Infrastructure;
using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.Effectiveness;

/// <summary>
/// The effectiveness routes' walls (issue #21): bad input is a 400 naming the field with nothing written, the wrong
/// role a 403, another tenant's case a 404; remedies and survey answers never reach the employer side as rows; the
/// survey takes one answer set per case. Figures are checked by hand in <see cref="EffectivenessReviewTests"/>.
/// </summary>
public class EffectivenessApiTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private async Task<(TestTenant Tenant, HttpClient Handler, Guid Id, Filed Filed)> CaseAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync();
        var handler = await tenant.ClientAsync("case-handler");
        return (tenant, handler, await handler.GrievanceIdAsync(filed.CaseReference), filed);
    }

    [Theory]
    [InlineData("/api/v1/effectiveness", "period")]
    [InlineData("/api/v1/effectiveness?period=2026-13", "period")]
    [InlineData("/api/v1/effectiveness?period=2026-11-01", "period")]
    [InlineData("/api/v1/effectiveness?period=2027", "period")]
    [InlineData("/api/v1/effectiveness?period=2026-10&groupBy=country", "groupBy")]
    [InlineData("/api/v1/effectiveness/review", "year")]
    [InlineData("/api/v1/effectiveness/review?year=1999", "year")]
    [InlineData("/api/v1/effectiveness/review?year=2027", "year")]
    [InlineData("/api/v1/effectiveness/review?year=2026&format=docx", "format")]
    public async Task Figures_AndReview_RefuseAnythingButAFixedCompletePeriod_NamingTheField(string url, string field)
    {
        var tenant = await factory.CreateTenantAsync();
        await Http.AssertValidationProblemAsync(await tenant.Owner.GetAsync(url), field);
    }

    [Theory]
    [InlineData("/api/v1/effectiveness?period=2026-10")]
    [InlineData("/api/v1/effectiveness/review?year=2026")]
    [InlineData("/odata/EffectivenessMetrics")]
    public async Task Figures_AreForOwnerComplianceAndAuditor_NeverASupplierOrACaseHandler(string url)
    {
        var tenant = await factory.CreateTenantAsync();
        var supplier = await tenant.CreateSupplierAsync();
        foreach (var role in new[] { "owner", "compliance", "auditor" })
        {
            await Http.EnsureStatusAsync(await (await tenant.ClientAsync(role)).GetAsync(url), 200);
        }

        await Http.EnsureStatusAsync(await (await tenant.ClientAsync("supplier", supplier)).GetAsync(url), 403);
        if (url.StartsWith("/api", StringComparison.Ordinal))
        {
            await Http.EnsureStatusAsync(await (await tenant.ClientAsync("case-handler")).GetAsync(url), 403);
        }
    }

    [Fact]
    public async Task Conclusions_OwnerAndComplianceWrite_BadInputWritesNothing_AuditorAndSupplierAreRefused()
    {
        var tenant = await factory.CreateTenantAsync();
        var compliance = await tenant.ClientAsync("compliance");
        var stored = await Http.JsonAsync(await compliance.PutAsJsonAsync("/api/v1/effectiveness/review/2026/conclusions", new { conclusions = "Works.", measures = "" }));
        Assert.Equal("Works.", stored.GetProperty("conclusions").GetString());
        await Http.JsonAsync(await tenant.Owner.PutAsJsonAsync("/api/v1/effectiveness/review/2026/conclusions", new { conclusions = "Replaced.", measures = "More posters." }));
        Assert.Contains("More posters.", await (await tenant.Owner.GetAsync("/api/v1/effectiveness/review?year=2026")).Content.ReadAsStringAsync());

        await Http.AssertValidationProblemAsync(
            await tenant.Owner.PutAsJsonAsync("/api/v1/effectiveness/review/2025/conclusions", new { conclusions = new string('x', 20001) }), "conclusions", "measures");
        await Http.AssertValidationProblemAsync(await tenant.Owner.PutAsJsonAsync("/api/v1/effectiveness/review/1999/conclusions", new { conclusions = "", measures = "" }), "year");
        Assert.Equal(1L, await factory.ScalarAsync<long>("select count(*) from effectiveness_reviews where tenant_id = @t", ("t", tenant.TenantId)));

        await Http.EnsureStatusAsync(await (await tenant.ClientAsync("auditor")).PutAsJsonAsync("/api/v1/effectiveness/review/2026/conclusions", new { conclusions = "", measures = "" }), 403);
        var supplier = await tenant.CreateSupplierAsync();
        await Http.EnsureStatusAsync(await (await tenant.ClientAsync("supplier", supplier)).PutAsJsonAsync("/api/v1/effectiveness/review/2026/conclusions", new { conclusions = "", measures = "" }), 403);
    }

    [Fact]
    public async Task Remedies_AHandlerRecordsAndLists_BadInputNamesEveryFieldAndWritesNothing()
    {
        var (_, handler, id, _) = await CaseAsync();
        var recorded = await Http.JsonAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/remedies", new { kind = "fee-reimbursed", amount = 1500.5m, currency = "MYR" }), 201);
        Assert.Equal(1500.5m, recorded.GetProperty("amount").GetDecimal());
        await Http.IdAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/remedies", new { kind = "apology" }));
        var list = await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances/{id}/remedies"));
        Assert.Equal(["fee-reimbursed", "apology"], list.EnumerateArray().Select(r => r.GetProperty("kind").GetString()));

        await Http.AssertValidationProblemAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/remedies", new { kind = "cash" }), "kind");
        await Http.AssertValidationProblemAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/remedies", new { kind = "wages-paid", amount = 10m }), "currency");
        await Http.AssertValidationProblemAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/remedies", new { kind = "wages-paid", amount = -1m, currency = "XYZ" }), "amount", "currency");
        await Http.AssertValidationProblemAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/remedies", new { kind = "apology", reimbursementId = Guid.NewGuid(), custodyId = Guid.NewGuid() }), "reimbursementId", "custodyId");
        await Http.AssertValidationProblemAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/remedies", new { kind = "fee-reimbursed", reimbursementId = Guid.NewGuid() }), "reimbursementId");
        await Http.AssertValidationProblemAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/remedies", new { kind = "passport-returned", custodyId = Guid.NewGuid() }), "custodyId");
        Assert.Equal(2L, await factory.ScalarAsync<long>("select count(*) from case_remedies where grievance_id = @id", ("id", id)));
    }

    [Fact]
    public async Task Remedies_AnotherTenantsCaseIs404_AndTheEmployerSideNeitherReadsNorSeesThem()
    {
        var (tenant, handler, id, _) = await CaseAsync();
        await Http.IdAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/remedies", new { kind = "wages-paid", amount = 50m, currency = "USD" }));
        var (_, otherHandler, _, _) = await CaseAsync();
        await Http.EnsureStatusAsync(await otherHandler.GetAsync($"/api/v1/grievances/{id}/remedies"), 404);
        await Http.EnsureStatusAsync(await otherHandler.PostAsJsonAsync($"/api/v1/grievances/{id}/remedies", new { kind = "apology" }), 404);
        await Http.EnsureStatusAsync(await handler.GetAsync($"/api/v1/grievances/{Guid.NewGuid()}/remedies"), 404);

        await Http.EnsureStatusAsync(await tenant.Owner.GetAsync($"/api/v1/grievances/{id}/remedies"), 403);
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsJsonAsync($"/api/v1/grievances/{id}/remedies", new { kind = "apology" }), 403);
        Assert.Equal(0L, await factory.CountAsRuntimeWithTenantAsync(tenant.TenantId, "select count(*) from case_remedies"));
        Assert.Equal(1L, await factory.ScalarAsync<long>("select count(*) from case_remedies where grievance_id = @id", ("id", id)));
    }

    [Fact]
    public async Task Survey_IsOfferedOnlyOnceTheCaseHasEnded_TakesOneAnswerSet_AndNoRuntimeReaderSeesIt()
    {
        var (tenant, handler, id, filed) = await CaseAsync();
        var open = await factory.FollowUpPageAsync(filed.Receipt);
        Assert.DoesNotContain("Were you satisfied", await open.Content.ReadAsStringAsync());
        Assert.Equal(400, (await factory.AnswerSurveyAsync(filed.Receipt, "5", "no")).Status);

        await Http.EnsureStatusAsync(await handler.MoveAsync(id, "acknowledged"), 200);
        await Http.EnsureStatusAsync(await handler.MoveAsync(id, "closed"), 200);
        var ended = await (await factory.FollowUpPageAsync(filed.Receipt)).Content.ReadAsStringAsync();
        Assert.Contains("Were you satisfied with how your report was handled?", ended);
        Assert.Contains("Did anything bad happen to you because you reported?", ended);

        var (badStatus, badHtml) = await factory.AnswerSurveyAsync(filed.Receipt, "9", "maybe");
        Assert.Equal(400, badStatus);
        Assert.Contains("Please answer both questions.", badHtml);

        var (status, html) = await factory.AnswerSurveyAsync(filed.Receipt, "2", "prefer-not-to-say");
        Assert.Equal(200, status);
        Assert.Contains("Your answers were saved", html);
        var (againStatus, again) = await factory.AnswerSurveyAsync(filed.Receipt, "5", "no");
        Assert.Equal(200, againStatus);
        Assert.Contains("You already answered these questions", again);

        Assert.Equal(
            "2 prefer-not-to-say 1",
            await factory.ScalarAsync<string>("select min(satisfaction)::text || ' ' || min(reprisal) || ' ' || count(*)::text from effectiveness_surveys where grievance_id = @id", ("id", id)));
        await Assert.ThrowsAsync<Npgsql.PostgresException>(() => factory.CountAsRuntimeWithTenantAsync(tenant.TenantId, "select count(*) from effectiveness_surveys"));
    }

    [Fact]
    public async Task Survey_ThroughTheIntakeApi_TakesOneAnswerSet_OnceTheCaseHasEnded()
    {
        var (_, handler, id, filed) = await CaseAsync();
        const string Url = "/api/v1/intake/follow-up/survey";
        await Http.AssertProblemAsync(await factory.Client().PostAsJsonAsync(Url, new { receipt = filed.Receipt, satisfaction = 3, reprisal = "no" }), 409);
        await Http.AssertValidationProblemAsync(await factory.Client().PostAsJsonAsync(Url, new { receipt = filed.Receipt, satisfaction = 6, reprisal = "perhaps" }), "satisfaction", "reprisal");
        await Http.AssertProblemAsync(await factory.Client().PostAsJsonAsync(Url, new { receipt = "0000 0000 0000 0000 0000", satisfaction = 3, reprisal = "no" }), 404);

        await Http.EnsureStatusAsync(await handler.MoveAsync(id, "acknowledged"), 200);
        await Http.EnsureStatusAsync(await handler.MoveAsync(id, "resolved"), 200);
        var answered = await Http.JsonAsync(await factory.Client().PostAsJsonAsync(Url, new { receipt = filed.Receipt, satisfaction = 3, reprisal = "no" }));
        Assert.Equal("resolved", answered.GetProperty("status").GetString());
        var again = await factory.Client().PostAsJsonAsync(Url, new { receipt = filed.Receipt, satisfaction = 1, reprisal = "yes" });
        await Http.AssertProblemAsync(again, 409);
        Assert.Contains("You already answered these questions", await again.Content.ReadAsStringAsync());
        Assert.Equal("3 no 1", await factory.ScalarAsync<string>(
            "select min(satisfaction)::text || ' ' || min(reprisal) || ' ' || count(*)::text from effectiveness_surveys where grievance_id = @id", ("id", id)));
    }

    [Fact]
    public async Task Survey_PageIsInTheCaseLanguage()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(Intake("vi"));
        var handler = await tenant.ClientAsync("case-handler");
        var id = await handler.GrievanceIdAsync(filed.CaseReference);
        await Http.EnsureStatusAsync(await handler.MoveAsync(id, "acknowledged"), 200);
        await Http.EnsureStatusAsync(await handler.MoveAsync(id, "resolved"), 200);
        var page = await (await factory.FollowUpPageAsync(filed.Receipt, "vi")).Content.ReadAsStringAsync();
        Assert.Contains("Bạn có hài lòng với cách báo cáo của bạn được xử lý không?", System.Net.WebUtility.HtmlDecode(page));
    }
}
