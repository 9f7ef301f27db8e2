using Compliance.Api.Features.Foundation;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Recruitment;

public sealed record RecruitmentView(string Channel, Guid? AgencyId, bool SubAgentUsed, string RecruitedInCountry, DateOnly HiredOn, DateOnly? ArrivedOn);

/// <summary>A worker with its computed flags (each naming the indicator it evidences) and the facts that never clear them.</summary>
public sealed record WorkerView(
    Guid Id, Guid SiteId, Guid SupplierId, string EmployeeRef, string Nationality, string Gender, int BirthYear,
    string PreferredLanguage, RecruitmentView Recruitment, DateOnly? WorkPermitExpiresOn, string Status,
    IReadOnlyDictionary<string, FlagView> Flags, WorkerFacts Facts, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static WorkerView From(Worker w, WorkerFlagRow flags) => new(
        w.Id, w.SiteId, w.SupplierId, w.EmployeeRef, w.Nationality, w.Gender, w.BirthYear, w.PreferredLanguage,
        new RecruitmentView(w.Channel, w.AgencyId, w.SubAgentUsed, w.RecruitedInCountry, w.HiredOn, w.ArrivedOn),
        w.WorkPermitExpiresOn, w.Status, flags.View(), new WorkerFacts(flags.SignedZeroFeeDeclaration, flags.PassportSafekeepingWithConsent),
        w.CreatedAt, w.UpdatedAt);
}

/// <summary>Recorded for completeness; consent never lowers risk (BRIEF §3), so these clear no flag.</summary>
public sealed record WorkerFacts(bool SignedZeroFeeDeclaration, bool PassportSafekeepingWithConsent);

public sealed record WorkerFilter(Guid? SiteId, Guid? SupplierId, string? Nationality, string? Status, string[]? Flag) : IValidatable
{
    public void Validate(Validator v)
    {
        v.Country("nationality", Nationality, required: false);
        v.OneOf("status", Status, WorkerStatus.All, required: false);
        foreach (var flag in Flag ?? [])
        {
            v.OneOf("flag", flag, WorkerFlags.Names);
        }
    }
}

public static class WorkersApi
{
    public static void MapWorkers(this RouteGroupBuilder workers)
    {
        workers.MapPost("/", CreateAsync).RequireAuthorization(Infrastructure.Auth.Policies.EmployerWrite).WithSummary("Record a worker at a site, with how they were recruited.");
        workers.MapGet("/", ListAsync).RequireAuthorization(Infrastructure.Auth.Policies.EmployerRead).WithSummary("List workers with their flags; filter by site, supplier, nationality, status and raised flags.");
        workers.MapGet("/{id:guid}", GetAsync).RequireAuthorization(Infrastructure.Auth.Policies.EmployerRead).WithSummary("Read a worker with computed flags, each with its indicator code.");
        workers.MapPut("/{id:guid}", UpdateAsync).RequireAuthorization(Infrastructure.Auth.Policies.EmployerWrite).WithSummary("Replace a worker's details (e.g. status left, renewed work permit).");
    }

    /// <summary>A worker visible to the caller (tenant, and supplier for supplier keys), tracked for updates.</summary>
    public static Task<Worker?> FindAsync(ComplianceDbContext db, Guid id, CancellationToken ct) =>
        db.Set<Worker>().SingleOrDefaultAsync(w => w.Id == id, ct);

    private static async Task<Results<Created<WorkerView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        WorkerRequest request, ComplianceDbContext db, IPlanLimits limits, TimeProvider clock, CancellationToken ct)
    {
        var site = await db.Set<Site>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == request.SiteId, ct);
        if (await UnknownReferenceAsync(db, request, site, ct) is { } unknown)
        {
            return unknown;
        }

        if (request.Status is null or WorkerStatus.Active && await limits.CheckAsync(PlanResource.ActiveWorkers, 1, ct) is { Allowed: false } refused)
        {
            return refused.ToProblem();
        }

        var now = clock.GetUtcNow();
        var worker = Worker.Create(request, site!, now);
        db.Add(worker);
        await db.SaveChangesAsync(ct);
        var flags = await WorkerFlags.ForWorkersAsync(db, [worker.Id], now, ct);
        return TypedResults.Created($"/api/v1/workers/{worker.Id}", WorkerView.From(worker, flags[worker.Id]));
    }

    private static async Task<Ok<Paged<WorkerView>>> ListAsync(
        [AsParameters] PageQuery paging, [AsParameters] WorkerFilter filter, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var (ids, total) = await WorkerFlags.PageAsync(db, filter, paging.PageNumber, paging.Size, now, ct);
        var workers = await db.Set<Worker>().AsNoTracking().Where(w => ids.Contains(w.Id)).ToDictionaryAsync(w => w.Id, ct);
        var flags = await WorkerFlags.ForWorkersAsync(db, ids, now, ct);
        var items = ids.Select(id => WorkerView.From(workers[id], flags[id])).ToList();
        return TypedResults.Ok(new Paged<WorkerView>(items, paging.PageNumber, paging.Size, total));
    }

    private static async Task<Results<Ok<WorkerView>, NotFound>> GetAsync(Guid id, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var worker = await FindAsync(db, id, ct);
        if (worker is null)
        {
            return TypedResults.NotFound();
        }

        var flags = await WorkerFlags.ForWorkersAsync(db, [id], clock.GetUtcNow(), ct);
        return TypedResults.Ok(WorkerView.From(worker, flags[id]));
    }

    private static async Task<Results<Ok<WorkerView>, NotFound, ValidationProblem, ProblemHttpResult>> UpdateAsync(
        Guid id, WorkerRequest request, ComplianceDbContext db, IPlanLimits limits, TimeProvider clock, CancellationToken ct)
    {
        var worker = await FindAsync(db, id, ct);
        if (worker is null)
        {
            return TypedResults.NotFound();
        }

        var site = await db.Set<Site>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == request.SiteId, ct);
        if (await UnknownReferenceAsync(db, request, site, ct) is { } unknown)
        {
            return unknown;
        }

        if (worker.Status != WorkerStatus.Active && request.Status is null or WorkerStatus.Active
            && await limits.CheckAsync(PlanResource.ActiveWorkers, 1, ct) is { Allowed: false } refused)
        {
            return refused.ToProblem();
        }

        var now = clock.GetUtcNow();
        worker.Apply(request, site!, now);
        await db.SaveChangesAsync(ct);
        var flags = await WorkerFlags.ForWorkersAsync(db, [id], now, ct);
        return TypedResults.Ok(WorkerView.From(worker, flags[id]));
    }

    /// <summary>Another tenant's or supplier's site or agency is simply unknown (a 400 on the field, never a 403).</summary>
    private static async Task<ValidationProblem?> UnknownReferenceAsync(ComplianceDbContext db, WorkerRequest request, Site? site, CancellationToken ct)
    {
        if (site is null)
        {
            return Unknown("siteId", "Unknown site.");
        }

        if (request.Recruitment!.AgencyId is Guid agencyId && !await db.Set<Agency>().AnyAsync(a => a.Id == agencyId, ct))
        {
            return Unknown("recruitment.agencyId", "Unknown agency.");
        }

        return null;
    }

    private static ValidationProblem Unknown(string field, string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] });

}
