using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary><c>/api/v1/worker-voice/settings</c>: the tenant's retention period for closed cases' testimony (DNH-13).</summary>
public static class WorkerVoiceSettingsApi
{
    public sealed record SettingsRequest(int? RetentionDays) : IValidatable
    {
        public void Validate(Validator v) => v.Range("retentionDays", RetentionDays, 30, 3650);
    }

    public sealed record SettingsView(int RetentionDays);

    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/worker-voice/settings").WithTags("Worker voice settings")
            .RequireAuthorization(Policies.Owner).AddEndpointFilter<UnitOfWorkFilter>();
        group.MapGet("/", GetAsync).WithSummary("Read the retention period (days after closing before testimony is deleted).");
        group.MapPut("/", PutAsync).WithSummary("Set the retention period, 30 to 3650 days (default 365).");
    }

    public static async Task<int> RetentionDaysAsync(ComplianceDbContext db, CancellationToken ct) =>
        await db.Set<WorkerVoiceSettings>().Select(s => (int?)s.RetentionDays).SingleOrDefaultAsync(ct) ?? WorkerVoiceSettings.DefaultRetentionDays;

    private static async Task<Ok<SettingsView>> GetAsync(ComplianceDbContext db, CancellationToken ct) =>
        TypedResults.Ok(new SettingsView(await RetentionDaysAsync(db, ct)));

    private static async Task<Ok<SettingsView>> PutAsync(SettingsRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var settings = await db.Set<WorkerVoiceSettings>().SingleOrDefaultAsync(ct);
        if (settings is null)
        {
            settings = new WorkerVoiceSettings { TenantId = db.Tenant.RequiredTenantId };
            db.Add(settings);
        }

        settings.RetentionDays = request.RetentionDays!.Value;
        settings.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new SettingsView(settings.RetentionDays));
    }
}
