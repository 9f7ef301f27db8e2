using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Foundation;

public static class SuppliersApi
{
    public sealed record SupplierRequest(string? Name, string? CountryCode, string? RegistrationNumber, string? OsId) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.Required("name", Name);
            v.Country("countryCode", CountryCode);
            v.Optional("registrationNumber", RegistrationNumber, 100);
            v.Optional("osId", OsId, 50);
        }
    }

    public sealed record SupplierView(Guid Id, string Name, string CountryCode, string? RegistrationNumber, string? OsId, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public static SupplierView From(Supplier s) => new(s.Id, s.Name, s.CountryCode, s.RegistrationNumber, s.OsId, s.CreatedAt, s.UpdatedAt);
    }

    public sealed record SupplierFilter(string? CountryCode) : IValidatable
    {
        public void Validate(Validator v) => v.Country("countryCode", CountryCode, required: false);
    }

    public static RouteGroupBuilder MapSuppliers(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/suppliers").WithTags("Suppliers").AddEndpointFilter<PlanWriteGuardFilter>().AddEndpointFilter<UnitOfWorkFilter>();
        group.MapPost("/", CreateAsync).RequireAuthorization(Policies.ComplianceAdmin).WithSummary("Register a supplier.");
        group.MapGet("/", ListAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("List suppliers (a supplier key sees its own).");
        group.MapGet("/{id:guid}", GetAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("Read a supplier.");
        group.MapPut("/{id:guid}", UpdateAsync).RequireAuthorization(Policies.EmployerWrite).WithSummary("Replace a supplier's details.");
        group.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(Policies.ComplianceAdmin).WithSummary("Delete a supplier with no sites.");
        return group;
    }

    internal static async Task<Created<SupplierView>> CreateAsync(SupplierRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var supplier = new Supplier
        {
            Id = Guid.CreateVersion7(),
            Name = request.Name!.Trim(),
            CountryCode = request.CountryCode!,
            RegistrationNumber = request.RegistrationNumber?.Trim(),
            OsId = request.OsId?.Trim(),
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Add(supplier);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/suppliers/{supplier.Id}", SupplierView.From(supplier));
    }

    internal static async Task<Ok<Paged<SupplierView>>> ListAsync(
        [AsParameters] PageQuery paging, [AsParameters] SupplierFilter filter, ComplianceDbContext db, CancellationToken ct)
    {
        var query = db.Set<Supplier>().AsNoTracking();
        if (filter.CountryCode is not null)
        {
            query = query.Where(s => s.CountryCode == filter.CountryCode);
        }

        return TypedResults.Ok(await query.OrderBy(s => s.Name).ThenBy(s => s.Id).ToPagedAsync(paging, SupplierView.From, ct));
    }

    private static async Task<Results<Ok<SupplierView>, NotFound>> GetAsync(Guid id, ComplianceDbContext db, CancellationToken ct) =>
        await db.Set<Supplier>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct) is { } s
            ? TypedResults.Ok(SupplierView.From(s))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<SupplierView>, NotFound>> UpdateAsync(
        Guid id, SupplierRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var supplier = await db.Set<Supplier>().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (supplier is null)
        {
            return TypedResults.NotFound();
        }

        supplier.Name = request.Name!.Trim();
        supplier.CountryCode = request.CountryCode!;
        supplier.RegistrationNumber = request.RegistrationNumber?.Trim();
        supplier.OsId = request.OsId?.Trim();
        supplier.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(SupplierView.From(supplier));
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, ComplianceDbContext db, CancellationToken ct)
    {
        var supplier = await db.Set<Supplier>().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (supplier is null)
        {
            return TypedResults.NotFound();
        }

        db.Remove(supplier);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }
}
