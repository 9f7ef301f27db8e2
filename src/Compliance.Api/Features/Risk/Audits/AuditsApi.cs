using Compliance.Api.Features.Foundation;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Domain.Reference;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Risk.Audits;

/// <summary>
/// Audits and their findings. Auditor, compliance and owner keys write; every employer-side reader (supplier keys
/// narrowed to their own supplier) reads. Audit evidence feeds the risk model, so no plan guard here (DNH-7).
/// </summary>
public static class AuditsApi
{
    public sealed record AuditRequest(Guid? SiteId, string? AuditorOrganisation, string? Kind, DateOnly? StartedOn, DateOnly? EndedOn, int? WorkersInterviewed) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.Required("siteId", SiteId);
            v.Required("auditorOrganisation", AuditorOrganisation);
            v.OneOf("kind", Kind, AuditVocabulary.Kinds);
            var dates = v.Required("startedOn", StartedOn) & v.Required("endedOn", EndedOn);
            if (dates)
            {
                v.Check(EndedOn >= StartedOn, "endedOn", "Must be on or after startedOn.");
            }

            v.Range("workersInterviewed", WorkersInterviewed, 0, 1_000_000);
        }
    }

    public sealed record AuditView(Guid Id, Guid SiteId, Guid SupplierId, string AuditorOrganisation, string Kind, DateOnly StartedOn, DateOnly EndedOn, int WorkersInterviewed, DateTimeOffset CreatedAt)
    {
        public static AuditView From(Audit a) => new(a.Id, a.SiteId, a.SupplierId, a.AuditorOrganisation, a.Kind, a.StartedOn, a.EndedOn, a.WorkersInterviewed, a.CreatedAt);
    }

    public sealed record AuditFilter(Guid? SiteId, Guid? SupplierId, string? Kind) : IValidatable
    {
        public void Validate(Validator v) => v.OneOf("kind", Kind, AuditVocabulary.Kinds, required: false);
    }

    public sealed record FindingRequest(string? Indicator, string? Severity, string? Description) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.OneOf("indicator", Indicator, Indicators.All);
            v.OneOf("severity", Severity, AuditVocabulary.Severities);
            v.Required("description", Description, 4000);
        }
    }

    public sealed record FindingView(Guid Id, Guid AuditId, Guid SiteId, Guid SupplierId, string Indicator, string Severity, string Description, DateTimeOffset CreatedAt)
    {
        public static FindingView From(AuditFinding f) => new(f.Id, f.AuditId, f.SiteId, f.SupplierId, f.Indicator, f.Severity, f.Description, f.CreatedAt);
    }

    public static void MapAudits(RouteGroupBuilder api)
    {
        var audits = api.MapGroup("/audits").WithTags("Audits").AddEndpointFilter<UnitOfWorkFilter>();
        audits.MapPost("/", CreateAsync).RequireAuthorization(Policies.AuditWrite).WithSummary("Record an audit of a site.");
        audits.MapGet("/", ListAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("List audits, filtered by site, supplier or kind.");
        audits.MapGet("/{id:guid}", GetAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("Read an audit.");
        audits.MapPost("/{id:guid}/findings", AddFindingAsync).RequireAuthorization(Policies.AuditWrite).WithSummary("Record a finding on an indicator.");
        audits.MapGet("/{id:guid}/findings", ListFindingsAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("List an audit's findings.");

        var findings = api.MapGroup("/findings").WithTags("Audits").AddEndpointFilter<UnitOfWorkFilter>();
        findings.MapGet("/{id:guid}", GetFindingAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("Read a finding.");
    }

    private static async Task<Results<Created<AuditView>, ValidationProblem>> CreateAsync(AuditRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var site = await db.Set<Site>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == request.SiteId!.Value, ct);
        if (site is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["siteId"] = ["Unknown site."] });
        }

        var audit = new Audit
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            SupplierId = site.SupplierId,
            AuditorOrganisation = request.AuditorOrganisation!.Trim(),
            Kind = request.Kind!,
            StartedOn = request.StartedOn!.Value,
            EndedOn = request.EndedOn!.Value,
            WorkersInterviewed = request.WorkersInterviewed!.Value,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Add(audit);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/audits/{audit.Id}", AuditView.From(audit));
    }

    internal static async Task<Ok<Paged<AuditView>>> ListAsync([AsParameters] PageQuery paging, [AsParameters] AuditFilter filter, ComplianceDbContext db, CancellationToken ct)
    {
        var query = db.Set<Audit>().AsNoTracking();
        if (filter.SiteId is Guid siteId)
        {
            query = query.Where(a => a.SiteId == siteId);
        }

        if (filter.SupplierId is Guid supplierId)
        {
            query = query.Where(a => a.SupplierId == supplierId);
        }

        if (filter.Kind is not null)
        {
            query = query.Where(a => a.Kind == filter.Kind);
        }

        return TypedResults.Ok(await query.OrderByDescending(a => a.EndedOn).ThenBy(a => a.Id).ToPagedAsync(paging, AuditView.From, ct));
    }

    private static async Task<Results<Ok<AuditView>, NotFound>> GetAsync(Guid id, ComplianceDbContext db, CancellationToken ct) =>
        await db.Set<Audit>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct) is { } a
            ? TypedResults.Ok(AuditView.From(a))
            : TypedResults.NotFound();

    private static async Task<Results<Created<FindingView>, NotFound>> AddFindingAsync(Guid id, FindingRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var audit = await db.Set<Audit>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct);
        if (audit is null)
        {
            return TypedResults.NotFound();
        }

        var finding = new AuditFinding
        {
            Id = Guid.CreateVersion7(),
            AuditId = audit.Id,
            SiteId = audit.SiteId,
            SupplierId = audit.SupplierId,
            Indicator = request.Indicator!,
            Severity = request.Severity!,
            Description = request.Description!.Trim(),
            CreatedAt = clock.GetUtcNow(),
        };
        db.Add(finding);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/findings/{finding.Id}", FindingView.From(finding));
    }

    internal static async Task<Results<Ok<Paged<FindingView>>, NotFound>> ListFindingsAsync(Guid id, [AsParameters] PageQuery paging, ComplianceDbContext db, CancellationToken ct)
    {
        if (!await db.Set<Audit>().AnyAsync(a => a.Id == id, ct))
        {
            return TypedResults.NotFound();
        }

        var query = db.Set<AuditFinding>().AsNoTracking().Where(f => f.AuditId == id).OrderBy(f => f.CreatedAt).ThenBy(f => f.Id);
        return TypedResults.Ok(await query.ToPagedAsync(paging, FindingView.From, ct));
    }

    private static async Task<Results<Ok<FindingView>, NotFound>> GetFindingAsync(Guid id, ComplianceDbContext db, CancellationToken ct) =>
        await db.Set<AuditFinding>().AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, ct) is { } f
            ? TypedResults.Ok(FindingView.From(f))
            : TypedResults.NotFound();
}
