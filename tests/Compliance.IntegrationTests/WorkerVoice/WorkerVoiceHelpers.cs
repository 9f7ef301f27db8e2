using System.Net.Http.Json;
using System.Text.Json;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.WorkerVoice;

/// <summary>Intent helpers for worker voice tests: filing, following up and handling through the public API.</summary>
public static class WorkerVoiceHelpers
{
    public sealed record Filed(string Receipt, string CaseReference, Guid SiteId, string IntakeCode, Guid SupplierId);

    public static object Intake(string language = "en", string[]? categories = null, string narrative = "The agent kept my passport.", object? consent = null) =>
        new { language, categories = categories ?? ["documents-held"], narrative, consent };

    /// <summary>Files a grievance at a new site (or <paramref name="site"/>) through the anonymous intake API.</summary>
    public static async Task<Filed> FileGrievanceAsync(
        this TestTenant tenant, object? request = null, (Guid Id, string IntakeCode, Guid SupplierId)? site = null)
    {
        var s = site ?? await tenant.CreateSiteAsync();
        var response = await tenant.Factory.Client().PostAsJsonAsync($"/api/v1/intake/{s.IntakeCode}/grievances", request ?? Intake());
        var body = await Http.JsonAsync(response, 201);
        return new Filed(body.GetProperty("receipt").GetString()!, body.GetProperty("caseReference").GetString()!, s.Id, s.IntakeCode, s.SupplierId);
    }

    public static async Task<JsonElement> FollowUpAsync(this ComplianceApiFactory factory, string receipt) =>
        await Http.JsonAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up", new { receipt }));

    /// <summary>The case handler's id for a case reference (via the case list).</summary>
    public static async Task<Guid> GrievanceIdAsync(this HttpClient handler, string caseReference)
    {
        var list = await Http.JsonAsync(await handler.GetAsync("/api/v1/grievances?pageSize=200"));
        return list.GetProperty("items").EnumerateArray()
            .Single(i => i.GetProperty("caseReference").GetString() == caseReference).GetProperty("id").GetGuid();
    }

    public static Task<HttpResponseMessage> MoveAsync(this HttpClient handler, Guid id, string status, string? reviewNote = null) =>
        handler.PostAsJsonAsync($"/api/v1/grievances/{id}/status", new { status, reviewNote });
}
