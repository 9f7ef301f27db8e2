using Compliance.Api.Features.Foundation;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>
/// <c>GET /api/v1/narrative-access-log</c> (DNH-12): who read which case's narrative and when, for owner,
/// compliance and auditor keys. Never the content.
/// </summary>
public static class NarrativeAccessLogApi
{
    /// <param name="ApiKeyId">The reader's key; null for a system read (escalation).</param>
    /// <param name="ReadAt">The day of the read (UTC), never the time: a time could be matched to a shift (DNH-3, issue 16 hole 4).</param>
    /// <param name="ReaderName">The person's display name, or the key's name, when they read; null for a system read.</param>
    /// <param name="ReaderOffice">The handling office the reader belonged to.</param>
    public sealed record AccessView(
        Guid Id, Guid GrievanceId, string CaseReference, Guid? ApiKeyId, string? ApiKeyName, string? ReaderName, string? ReaderOffice, DateOnly ReadAt);

    public static void Map(RouteGroupBuilder api) =>
        api.MapGet("/narrative-access-log", ListAsync).WithTags("Grievance statistics")
            .RequireAuthorization(Policies.TenantReports).HiddenFrom(Roles.Supplier).AddEndpointFilter<UnitOfWorkFilter>()
            .WithSummary("Every read of a grievance narrative: who, when, which case. Never the content.");

    internal static async Task<Ok<Paged<AccessView>>> ListAsync([AsParameters] PageQuery paging, ComplianceDbContext db, CancellationToken ct)
    {
        var query =
            from a in db.Set<NarrativeAccess>().AsNoTracking()
            join g in db.Set<Grievance>().AsNoTracking() on a.GrievanceId equals g.Id
            join k in db.Set<ApiKey>().AsNoTracking() on a.ApiKeyId equals k.Id into keys
            from k in keys.DefaultIfEmpty()
            let readOn = DateOnly.FromDateTime(a.ReadAt.UtcDateTime)
            orderby readOn descending, a.Id
            select new AccessView(a.Id, a.GrievanceId, g.CaseReference, a.ApiKeyId, k == null ? null : k.Name, a.ReaderName, a.ReaderOffice, readOn);
        return TypedResults.Ok(await query.ToPagedAsync(paging, v => v, ct));
    }
}
