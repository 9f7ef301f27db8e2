using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Foundation;

public static class SitesApi
{
    /// <param name="OsId">The facility's Open Supply Hub id, optional; unique among the tenant's sites.</param>
    public sealed record SiteRequest(Guid? SupplierId, string? Name, string? CountryCode, string? Sector, bool? WorkerHousing, string? OsId = null) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.Required("supplierId", SupplierId);
            v.Required("name", Name);
            v.Country("countryCode", CountryCode);
            v.OneOf("sector", Sector, Sectors.All);
            v.Required("workerHousing", WorkerHousing);
            if (OsId is not null)
            {
                v.Check(OsIds.IsWellFormed(OsId), "osId", "An Open Supply Hub id: two capital letters, 7 digits, 6 capitals or digits (e.g. CN2019303BQ3FZP).");
            }
        }
    }

    public sealed record SiteView(
        Guid Id, Guid SupplierId, string Name, string CountryCode, string Sector, bool WorkerHousing, string IntakeCode, string? OsId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public static SiteView From(Site s) => new(s.Id, s.SupplierId, s.Name, s.CountryCode, s.Sector, s.WorkerHousing, s.IntakeCode, s.OsId, s.CreatedAt, s.UpdatedAt);
    }

    public sealed record SiteFilter(Guid? SupplierId, string? CountryCode) : IValidatable
    {
        public void Validate(Validator v) => v.Country("countryCode", CountryCode, required: false);
    }

    public static RouteGroupBuilder MapSites(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/sites").WithTags("Sites").AddEndpointFilter<PlanWriteGuardFilter>().AddEndpointFilter<UnitOfWorkFilter>();
        group.MapPost("/", CreateAsync).RequireAuthorization(Policies.EmployerWrite).WithSummary("Register a site; it gets an intake code for the worker poster.");
        group.MapGet("/", ListAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("List sites, filtered by supplier or country.");
        group.MapGet("/{id:guid}", GetAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("Read a site.");
        group.MapPut("/{id:guid}", UpdateAsync).RequireAuthorization(Policies.EmployerWrite).WithSummary("Replace a site's details (the intake code stays).");
        group.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(Policies.EmployerWrite).WithSummary("Delete a site with no records.");
        return group;
    }

    internal static async Task<Results<Created<SiteView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        SiteRequest request, ComplianceDbContext db, IPlanLimits limits, TimeProvider clock, CancellationToken ct)
    {
        if (!await SupplierVisibleAsync(db, request.SupplierId!.Value, ct))
        {
            return UnknownSupplier();
        }

        if (await limits.CheckAsync(PlanResource.Sites, 1, ct) is { Allowed: false } refused)
        {
            return refused.ToProblem();
        }

        var now = clock.GetUtcNow();
        var site = new Site
        {
            Id = Guid.CreateVersion7(),
            SupplierId = request.SupplierId.Value,
            Name = request.Name!.Trim(),
            CountryCode = request.CountryCode!,
            Sector = request.Sector!,
            WorkerHousing = request.WorkerHousing!.Value,
            IntakeCode = IntakeCodes.New(),
            OsId = request.OsId,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Add(site);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/sites/{site.Id}", SiteView.From(site));
    }

    internal static async Task<Ok<Paged<SiteView>>> ListAsync([AsParameters] PageQuery paging, [AsParameters] SiteFilter filter, ComplianceDbContext db, CancellationToken ct)
    {
        var query = db.Set<Site>().AsNoTracking();
        if (filter.SupplierId is Guid supplierId)
        {
            query = query.Where(s => s.SupplierId == supplierId);
        }

        if (filter.CountryCode is not null)
        {
            query = query.Where(s => s.CountryCode == filter.CountryCode);
        }

        return TypedResults.Ok(await query.OrderBy(s => s.Name).ThenBy(s => s.Id).ToPagedAsync(paging, SiteView.From, ct));
    }

    internal static async Task<Results<Ok<SiteView>, NotFound>> GetAsync(Guid id, ComplianceDbContext db, CancellationToken ct) =>
        await db.Set<Site>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct) is { } s
            ? TypedResults.Ok(SiteView.From(s))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<SiteView>, NotFound, ValidationProblem>> UpdateAsync(
        Guid id, SiteRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var site = await db.Set<Site>().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (site is null)
        {
            return TypedResults.NotFound();
        }

        if (!await SupplierVisibleAsync(db, request.SupplierId!.Value, ct))
        {
            return UnknownSupplier();
        }

        site.SupplierId = request.SupplierId.Value;
        site.Name = request.Name!.Trim();
        site.CountryCode = request.CountryCode!;
        site.Sector = request.Sector!;
        site.WorkerHousing = request.WorkerHousing!.Value;
        site.OsId = request.OsId;
        site.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(SiteView.From(site));
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, ComplianceDbContext db, CancellationToken ct)
    {
        var site = await db.Set<Site>().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (site is null)
        {
            return TypedResults.NotFound();
        }

        db.Remove(site);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    /// <summary>Another tenant's or (for a supplier key) another supplier's id is simply unknown.</summary>
    private static Task<bool> SupplierVisibleAsync(ComplianceDbContext db, Guid supplierId, CancellationToken ct) =>
        db.Set<Supplier>().AnyAsync(s => s.Id == supplierId, ct);

    private static ValidationProblem UnknownSupplier() =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["supplierId"] = ["Unknown supplier."] });
}
