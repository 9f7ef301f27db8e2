using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>
/// <c>/api/v1/worker-voice/settings</c>: the tenant's retention period for closed cases' testimony (DNH-13) and its
/// minimum cell size k (DNH-4): every worker-derived count below k is withheld, in statistics (REST and OData),
/// effectiveness figures, risk disclosures and dossiers. k is never below 5; a tenant with small sites may raise it.
/// </summary>
public static class WorkerVoiceSettingsApi
{
    public const int MaxMinimumCellSize = 50;

    /// <param name="MinimumCellSize">5 to 50; left out, it keeps its value (5 until raised).</param>
    public sealed record SettingsRequest(int? RetentionDays, int? MinimumCellSize) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.Range("retentionDays", RetentionDays, 30, 3650);
            v.Range("minimumCellSize", MinimumCellSize, StatisticsSuppression.MinimumCellSize, MaxMinimumCellSize, required: false);
        }
    }

    public sealed record SettingsView(int RetentionDays, int MinimumCellSize);

    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/worker-voice/settings").WithTags("Worker voice settings")
            .RequireAuthorization(Policies.Owner).AddEndpointFilter<UnitOfWorkFilter>();
        group.MapGet("/", GetAsync).WithSummary("Read the retention period (days after closing before testimony is deleted) and the minimum cell size.");
        group.MapPut("/", PutAsync).WithSummary("Set the retention period, 30 to 3650 days (default 365), and optionally the minimum cell size, 5 to 50 (default 5).");
    }

    public static async Task<int> RetentionDaysAsync(ComplianceDbContext db, CancellationToken ct) =>
        await db.Set<WorkerVoiceSettings>().Select(s => (int?)s.RetentionDays).SingleOrDefaultAsync(ct) ?? WorkerVoiceSettings.DefaultRetentionDays;

    /// <summary>The tenant's k: the smallest worker-derived count any employer-side figure releases (5 unless raised).</summary>
    public static async Task<int> MinimumCellSizeAsync(ComplianceDbContext db, CancellationToken ct) =>
        await db.Set<WorkerVoiceSettings>().Select(s => (int?)s.MinimumCellSize).SingleOrDefaultAsync(ct) ?? StatisticsSuppression.MinimumCellSize;

    private static async Task<Ok<SettingsView>> GetAsync(ComplianceDbContext db, CancellationToken ct) =>
        TypedResults.Ok(new SettingsView(await RetentionDaysAsync(db, ct), await MinimumCellSizeAsync(db, ct)));

    private static async Task<Ok<SettingsView>> PutAsync(SettingsRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var settings = await db.Set<WorkerVoiceSettings>().SingleOrDefaultAsync(ct);
        if (settings is null)
        {
            settings = new WorkerVoiceSettings { TenantId = db.Tenant.RequiredTenantId };
            db.Add(settings);
        }

        settings.RetentionDays = request.RetentionDays!.Value;
        settings.MinimumCellSize = request.MinimumCellSize ?? settings.MinimumCellSize;
        settings.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new SettingsView(settings.RetentionDays, settings.MinimumCellSize));
    }
}
