using System.Security.Cryptography;
using System.Text;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Risk.Escalations;

/// <summary>
/// Escalations and their delivery attempts for owner, compliance and auditor keys. Metadata only: the dossier body
/// is never returned here (auditors must not read one); its SHA-256 lets a recipient's copy be matched.
/// </summary>
public static class EscalationsApi
{
    public sealed record EscalationFilter(string? Status, Guid? SiteId, Guid? DestinationId, string? Level) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.OneOf("status", Status, EscalationStatus.All, required: false);
            v.OneOf("level", Level, DestinationsApi.MinimumLevels, required: false);
        }
    }

    public sealed record AttemptView(int Attempt, DateTimeOffset AttemptedAt, int? StatusCode, int LatencyMs, string? Error);

    public sealed record EscalationView(
        Guid Id, string SubjectKind, Guid SiteId, Guid SupplierId, Guid DestinationId, Guid? AssessmentId, string Period, string Level,
        string ModelVersion, string Status, string IdempotencyKey, int AttemptCount, string? LastError, DateTimeOffset CreatedAt,
        DateTimeOffset? DeliveredAt, string BodySha256, IReadOnlyList<AttemptView>? Attempts)
    {
        public static EscalationView From(Escalation e, IReadOnlyList<AttemptView>? attempts = null) => new(
            e.Id, e.SubjectKind, e.SiteId, e.SupplierId, e.DestinationId, e.AssessmentId, e.Period, e.Level, e.ModelVersion, e.Status,
            e.Id.ToString(), e.AttemptCount, e.LastError, e.CreatedAt, e.DeliveredAt,
            Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(e.Body))), attempts);
    }

    public static void MapEscalations(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/escalations").WithTags("Escalation").RequireAuthorization(Policies.TenantReports).HiddenFrom(Roles.Supplier).AddEndpointFilter<UnitOfWorkFilter>();
        group.MapGet("/", ListAsync).WithSummary("List escalations, filtered by status, site, destination or level.");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("Read an escalation with every delivery attempt.");
    }

    internal static async Task<Ok<Paged<EscalationView>>> ListAsync([AsParameters] PageQuery paging, [AsParameters] EscalationFilter filter, ComplianceDbContext db, CancellationToken ct)
    {
        var query = db.Set<Escalation>().AsNoTracking();
        if (filter.Status is not null)
        {
            query = query.Where(e => e.Status == filter.Status);
        }

        if (filter.SiteId is Guid siteId)
        {
            query = query.Where(e => e.SiteId == siteId);
        }

        if (filter.DestinationId is Guid destinationId)
        {
            query = query.Where(e => e.DestinationId == destinationId);
        }

        if (filter.Level is not null)
        {
            query = query.Where(e => e.Level == filter.Level);
        }

        return TypedResults.Ok(await query.OrderByDescending(e => e.CreatedAt).ThenBy(e => e.Id).ToPagedAsync(paging, e => EscalationView.From(e), ct));
    }

    private static async Task<Results<Ok<EscalationView>, NotFound>> GetAsync(Guid id, ComplianceDbContext db, CancellationToken ct)
    {
        var escalation = await db.Set<Escalation>().AsNoTracking().SingleOrDefaultAsync(e => e.Id == id, ct);
        if (escalation is null)
        {
            return TypedResults.NotFound();
        }

        var attempts = await AttemptsOfAsync(db, [id], ct);
        return TypedResults.Ok(EscalationView.From(escalation, attempts.GetValueOrDefault(id, [])));
    }

    /// <summary>Every delivery attempt of <paramref name="ids"/>, in attempt order, by escalation (one query for a page of them).</summary>
    internal static async Task<Dictionary<Guid, List<AttemptView>>> AttemptsOfAsync(ComplianceDbContext db, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var rows = await db.Set<EscalationAttempt>().AsNoTracking().Where(a => ids.Contains(a.EscalationId)).OrderBy(a => a.Attempt)
            .Select(a => new { a.EscalationId, View = new AttemptView(a.Attempt, a.AttemptedAt, a.StatusCode, a.LatencyMs, a.Error) }).ToListAsync(ct);
        return rows.GroupBy(r => r.EscalationId).ToDictionary(g => g.Key, g => g.Select(r => r.View).ToList());
    }
}
