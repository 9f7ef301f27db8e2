using System.Net.Http.Json;
using Compliance.IntegrationTests.Infrastructure;
using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.WorkerVoice;

/// <summary>
/// The office's case records through the API (issue #19): notes, referrals and the consent history. The same
/// <c>Casework</c> serves the console, so these rules hold on both. Another tenant's id is covered by the generated
/// cross-tenant suite, every role by the generated role matrix; these tests prove what only an office may do.
/// </summary>
public class CaseRecordsApiTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private async Task<(TestTenant Tenant, HttpClient Handler, Guid Id, Filed Filed)> CaseAsync(object? intake = null)
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(intake);
        var handler = await tenant.ClientAsync("case-handler");
        return (tenant, handler, await handler.GrievanceIdAsync(filed.CaseReference), filed);
    }

    [Fact]
    public async Task Notes_AKeyWritesInternalNotes_ReadBackInOrder_ButNeverAPrivateOne()
    {
        var (_, handler, id, _) = await CaseAsync();
        var first = await Http.JsonAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/notes", new { visibility = "internal", text = "First call." }), 201);
        Assert.Equal("case-handler key", first.GetProperty("author").GetString());
        await Http.IdAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/notes", new { visibility = "internal", text = "Second call." }));

        var notes = await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances/{id}/notes"));
        Assert.Equal(["First call.", "Second call."], notes.EnumerateArray().Select(n => n.GetProperty("text").GetString()));

        var refused = await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/notes", new { visibility = "private", text = "Mine." });
        await Http.AssertValidationProblemAsync(refused, "visibility");
    }

    [Fact]
    public async Task Notes_BadInput_NamesEveryField_AndWritesNothing()
    {
        var (_, handler, id, _) = await CaseAsync();
        await Http.AssertValidationProblemAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/notes", new { visibility = "public", text = "" }), "visibility", "text");
        await Http.AssertValidationProblemAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/notes", new { visibility = "internal", text = new string('x', 8001) }), "text");
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from case_notes where grievance_id = @id", ("id", id)));
    }

    [Fact]
    public async Task Notes_AndReferrals_AreInvisibleToTheEmployerSide_EvenInTheDatabaseWithTheTenantSet()
    {
        var (tenant, handler, id, _) = await CaseAsync(Intake(consent: new Dictionary<string, bool> { ["ngo"] = true }));
        await Http.IdAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/notes", new { visibility = "internal", text = "Call back Monday." }));
        await Http.IdAsync(await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/referrals", new { organisation = "Tenaganita", kind = "ngo", followUpBy = "2099-01-01" }));

        // Row-level security: with the tenant set and no office (the employer side's scope), no row is visible.
        Assert.Equal(2L, await factory.ScalarAsync<long>(
            "select (select count(*) from case_notes where grievance_id = @id) + (select count(*) from case_referrals where grievance_id = @id)", ("id", id)));
        Assert.Equal(0L, await factory.CountAsRuntimeWithTenantAsync(tenant.TenantId, "select (select count(*) from case_notes) + (select count(*) from case_referrals)"));
        await Http.EnsureStatusAsync(await tenant.Owner.GetAsync($"/api/v1/grievances/{id}/notes"), 403);
    }

    [Fact]
    public async Task Referral_IsRefusedWithoutConsentToItsKind_AndTracked_WhenGiven()
    {
        var (tenant, handler, id, _) = await CaseAsync(Intake(consent: new Dictionary<string, bool> { ["labour-authority"] = true }));

        var refused = await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/referrals", new { organisation = "Tenaganita", kind = "ngo", followUpBy = "2099-01-01" });
        Assert.Contains("not consented", (await PersonSessions.ProblemAsync(refused, 409)).GetProperty("title").GetString(), StringComparison.Ordinal);

        var referral = await Http.JsonAsync(await handler.PostAsJsonAsync(
            $"/api/v1/grievances/{id}/referrals", new { organisation = "Labour Department, Johor", kind = "labour-authority", followUpBy = "2099-01-01" }), 201);
        Assert.Equal("sent", referral.GetProperty("state").GetString());
        var referralId = referral.GetProperty("id").GetGuid();

        var moved = await Http.JsonAsync(await handler.PutAsJsonAsync($"/api/v1/grievances/{id}/referrals/{referralId}", new { state = "referred-on", followUpBy = "2099-02-01" }));
        Assert.Equal("referred-on", moved.GetProperty("state").GetString());
        Assert.Equal("2099-02-01", moved.GetProperty("followUpBy").GetString());
        var list = await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances/{id}/referrals"));
        Assert.Equal("Labour Department, Johor", Assert.Single(list.EnumerateArray()).GetProperty("to").GetString());
        Assert.Equal(1L, await factory.ScalarAsync<long>("select count(*) from case_referrals where grievance_id = @id and tenant_id = @t", ("id", id), ("t", tenant.TenantId)));
    }

    [Fact]
    public async Task Referral_BadInput_NamesTheFields_AndWritesNothing()
    {
        var (_, handler, id, _) = await CaseAsync(Intake(consent: new Dictionary<string, bool> { ["ngo"] = true }));
        await Http.AssertValidationProblemAsync(
            await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/referrals", new { organisation = "Tenaganita", kind = "embassy" }), "kind", "followUpBy");
        await Http.AssertValidationProblemAsync(
            await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/referrals", new { destinationId = Guid.NewGuid(), organisation = "Both", followUpBy = "2099-01-01" }), "organisation");
        await Http.AssertValidationProblemAsync(
            await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/referrals", new { organisation = "Tenaganita", kind = "ngo", followUpBy = "2001-01-01" }), "followUpBy");
        await Http.AssertValidationProblemAsync(
            await handler.PostAsJsonAsync($"/api/v1/grievances/{id}/referrals", new { destinationId = Guid.NewGuid(), followUpBy = "2099-01-01" }), "destinationId");
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from case_referrals where grievance_id = @id", ("id", id)));
    }

    [Fact]
    public async Task ConsentHistory_ListsTheIntakeAnswersThenEachChange_InOrder_AtDayPrecision()
    {
        var (_, handler, id, filed) = await CaseAsync(Intake(consent: new Dictionary<string, bool> { ["ngo"] = true }));
        await Http.EnsureStatusAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up/consent", new { receipt = filed.Receipt, consent = new Dictionary<string, bool> { ["ngo"] = false } }), 200);

        var history = (await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances/{id}/consent-history"))).EnumerateArray().ToList();
        Assert.Equal(8, history.Count);
        // The intake's answers (one per kind, written together), then the change.
        var intake = history.Take(7).ToDictionary(h => h.GetProperty("kind").GetString()!, h => h.GetProperty("given").GetBoolean());
        Assert.Equal(["anti-trafficking-council", "buyer", "child-protection", "labour-authority", "ngo", "police", "trade-authority"], intake.Keys.Order(StringComparer.Ordinal));
        Assert.True(intake["ngo"]);
        Assert.False(intake["police"]);
        Assert.Equal(("ngo", false), (history[^1].GetProperty("kind").GetString(), history[^1].GetProperty("given").GetBoolean()));
        Assert.All(history, h => Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", h.GetProperty("onDay").GetString()!));
    }

    [Fact]
    public async Task Triage_SubStatusLongerThan80_IsRefused_NamingIt()
    {
        var (_, handler, id, _) = await CaseAsync();
        await Http.AssertValidationProblemAsync(
            await handler.PutAsJsonAsync($"/api/v1/grievances/{id}/triage", new { indicators = Array.Empty<string>(), severity = "low", subStatus = new string('s', 81) }), "subStatus");
        Assert.Equal("(none)", await factory.ScalarAsync<string>("select coalesce(sub_status, '(none)') from grievances where id = @id", ("id", id)));
    }
}
