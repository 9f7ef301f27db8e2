using System.Text.Json;
using Compliance.Api.Features.Foundation;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Hangfire;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Risk.Assessment;

/// <summary>A stored assessment (written by <see cref="RiskAssessmentJob"/>, never changed).</summary>
[SupplierScoped]
public sealed class SiteRiskAssessment : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid SiteId { get; set; }

    public Guid SupplierId { get; set; }

    public required string Period { get; set; }

    public int Score { get; set; }

    public required string Level { get; set; }

    public required string ModelVersion { get; set; }

    public int PointsTotal { get; set; }

    public required string Floor { get; set; }

    /// <summary>
    /// The evidence as disclosed (column <c>disclosed_evidence</c>, <see cref="Compliance.Domain.Risk.RiskDisclosure"/>):
    /// worker-derived counts below 5 withheld. The true counts (column <c>evidence</c>) are not mapped, so no read
    /// path through EF can return them.
    /// </summary>
    public required string Evidence { get; set; }

    /// <summary>The discrepancies as disclosed (column <c>disclosed_discrepancies</c>).</summary>
    public required string Discrepancies { get; set; }

    public required string Sources { get; set; }

    public DateTimeOffset AssessedAt { get; set; }
}

internal sealed class SiteRiskAssessmentConfiguration : IEntityTypeConfiguration<SiteRiskAssessment>
{
    public void Configure(EntityTypeBuilder<SiteRiskAssessment> builder)
    {
        builder.ToTable("risk_assessments");
        builder.Property(a => a.Evidence).HasColumnName("disclosed_evidence").HasColumnType("json");
        builder.Property(a => a.Discrepancies).HasColumnName("disclosed_discrepancies").HasColumnType("json");
        builder.Property(a => a.Sources).HasColumnType("json");
    }
}

/// <summary>Running the assessment and reading its results for owner, compliance and auditor keys.</summary>
public static class RiskApi
{
    public sealed record RunAccepted(string JobId);

    public sealed record AssessmentView(
        Guid Id, Guid SiteId, Guid SupplierId, string Period, int Score, string Level, string ModelVersion, int PointsTotal,
        string Floor, JsonElement Evidence, JsonElement Discrepancies, JsonElement Sources, DateTimeOffset AssessedAt)
    {
        public static AssessmentView From(SiteRiskAssessment a) => new(
            a.Id, a.SiteId, a.SupplierId, a.Period, a.Score, a.Level, a.ModelVersion, a.PointsTotal, a.Floor,
            Parse(a.Evidence), Parse(a.Discrepancies), Parse(a.Sources), a.AssessedAt);

        private static JsonElement Parse(string json) => JsonDocument.Parse(json).RootElement.Clone();
    }

    /// <summary>History rows without the evidence; read one through the latest endpoint or an auditor export.</summary>
    public sealed record AssessmentSummary(Guid Id, string Period, int Score, string Level, string ModelVersion, DateTimeOffset AssessedAt)
    {
        public static AssessmentSummary From(SiteRiskAssessment a) => new(a.Id, a.Period, a.Score, a.Level, a.ModelVersion, a.AssessedAt);
    }

    public static void MapRiskAssessments(RouteGroupBuilder api)
    {
        api.MapPost("/risk-assessments/run", Run).WithTags("Risk").RequireAuthorization(Policies.ComplianceAdmin)
            .WithSummary("Assess every site of the tenant now (a background job); returns the job id.");

        var sites = api.MapGroup("/sites/{id:guid}/risk").WithTags("Risk").RequireAuthorization(Policies.TenantReports).HiddenFrom(Roles.Supplier).AddEndpointFilter<UnitOfWorkFilter>();
        sites.MapGet("/", LatestAsync).WithSummary("The site's latest risk assessment with its evidence and discrepancies.");
        sites.MapGet("/history", HistoryAsync).WithSummary("The site's past assessments, newest first.");
    }

    private static Accepted<RunAccepted> Run(TenantContext tenant, IBackgroundJobClient jobs)
    {
        var tenantId = tenant.RequiredTenantId;
        var jobId = jobs.Enqueue<RiskAssessmentJob>(j => j.RunAsync(tenantId, CancellationToken.None));
        return TypedResults.Accepted((string?)null, new RunAccepted(jobId));
    }

    internal static async Task<Results<Ok<AssessmentView>, NotFound>> LatestAsync(Guid id, ComplianceDbContext db, CancellationToken ct)
    {
        var latest = await db.Set<SiteRiskAssessment>().AsNoTracking()
            .Where(a => a.SiteId == id).OrderByDescending(a => a.AssessedAt).ThenByDescending(a => a.Id).FirstOrDefaultAsync(ct);
        return latest is null ? TypedResults.NotFound() : TypedResults.Ok(AssessmentView.From(latest));
    }

    internal static async Task<Results<Ok<Paged<AssessmentSummary>>, NotFound>> HistoryAsync(Guid id, [AsParameters] PageQuery paging, ComplianceDbContext db, CancellationToken ct)
    {
        if (!await db.Set<Site>().AnyAsync(s => s.Id == id, ct))
        {
            return TypedResults.NotFound();
        }

        var query = db.Set<SiteRiskAssessment>().AsNoTracking().Where(a => a.SiteId == id).OrderByDescending(a => a.AssessedAt).ThenByDescending(a => a.Id);
        return TypedResults.Ok(await query.ToPagedAsync(paging, AssessmentSummary.From, ct));
    }

    /// <summary>
    /// Each site's latest assessment (as <see cref="LatestAsync"/> picks it: newest <c>AssessedAt</c>, then id), for
    /// every site the caller may see, without the evidence: the console's site list reads its levels here.
    /// </summary>
    internal static async Task<Dictionary<Guid, AssessmentSummary>> LatestPerSiteAsync(ComplianceDbContext db, CancellationToken ct)
    {
        var latest = await db.Set<SiteRiskAssessment>().AsNoTracking()
            .GroupBy(a => a.SiteId)
            .Select(g => g.OrderByDescending(a => a.AssessedAt).ThenByDescending(a => a.Id).First())
            .ToListAsync(ct);
        return latest.ToDictionary(a => a.SiteId, AssessmentSummary.From);
    }
}
