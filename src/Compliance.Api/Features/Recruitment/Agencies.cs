using Compliance.Api.Features.Foundation;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Recruitment;

/// <summary>A recruitment agency. Tenant-wide: every supplier of the tenant may have used it, so supplier keys read all.</summary>
public sealed class Agency : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public required string Name { get; set; }

    public required string CountryCode { get; set; }

    public string? LicenceNumber { get; set; }

    public DateOnly? LicenceExpiresOn { get; set; }

    public bool Blacklisted { get; set; }

    public bool SubAgentsProhibited { get; set; }

    public DateOnly? LastDueDiligenceOn { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class AgencyConfiguration : IEntityTypeConfiguration<Agency>
{
    public void Configure(EntityTypeBuilder<Agency> builder) => builder.ToTable("agencies");
}

public static class AgenciesApi
{
    public sealed record AgencyRequest(
        string? Name, string? CountryCode, string? LicenceNumber, DateOnly? LicenceExpiresOn, bool? Blacklisted,
        bool? SubAgentsProhibited, DateOnly? LastDueDiligenceOn) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.Required("name", Name);
            v.Country("countryCode", CountryCode);
            v.Optional("licenceNumber", LicenceNumber, 100);
            v.Check(LicenceExpiresOn is null || LicenceNumber is not null, "licenceExpiresOn", "Only with a licenceNumber.");
            v.Required("blacklisted", Blacklisted);
            v.Required("subAgentsProhibited", SubAgentsProhibited);
        }
    }

    public sealed record AgencyView(
        Guid Id, string Name, string CountryCode, string? LicenceNumber, DateOnly? LicenceExpiresOn, bool Blacklisted,
        bool SubAgentsProhibited, DateOnly? LastDueDiligenceOn, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public static AgencyView From(Agency a) => new(
            a.Id, a.Name, a.CountryCode, a.LicenceNumber, a.LicenceExpiresOn, a.Blacklisted, a.SubAgentsProhibited,
            a.LastDueDiligenceOn, a.CreatedAt, a.UpdatedAt);
    }

    public sealed record AgencyFilter(string? CountryCode, bool? Blacklisted) : IValidatable
    {
        public void Validate(Validator v) => v.Country("countryCode", CountryCode, required: false);
    }

    public static void MapAgencies(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/agencies").WithTags("Recruitment").AddEndpointFilter<PlanWriteGuardFilter>().AddEndpointFilter<UnitOfWorkFilter>();
        group.MapPost("/", CreateAsync).RequireAuthorization(Policies.ComplianceAdmin).WithSummary("Record a recruitment agency (tenant-wide).");
        group.MapGet("/", ListAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("List agencies, filtered by country or blacklisting.");
        group.MapGet("/{id:guid}", GetAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("Read an agency.");
        group.MapPut("/{id:guid}", UpdateAsync).RequireAuthorization(Policies.ComplianceAdmin).WithSummary("Replace an agency's details (licence, blacklisting, due diligence).");
    }

    private static async Task<Created<AgencyView>> CreateAsync(AgencyRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var agency = new Agency { Id = Guid.CreateVersion7(), Name = string.Empty, CountryCode = string.Empty, CreatedAt = now };
        Apply(agency, request, now);
        db.Add(agency);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/agencies/{agency.Id}", AgencyView.From(agency));
    }

    private static async Task<Ok<Paged<AgencyView>>> ListAsync([AsParameters] PageQuery paging, [AsParameters] AgencyFilter filter, ComplianceDbContext db, CancellationToken ct)
    {
        var query = db.Set<Agency>().AsNoTracking();
        if (filter.CountryCode is not null)
        {
            query = query.Where(a => a.CountryCode == filter.CountryCode);
        }

        if (filter.Blacklisted is bool blacklisted)
        {
            query = query.Where(a => a.Blacklisted == blacklisted);
        }

        return TypedResults.Ok(await query.OrderBy(a => a.Name).ThenBy(a => a.Id).ToPagedAsync(paging, AgencyView.From, ct));
    }

    private static async Task<Results<Ok<AgencyView>, NotFound>> GetAsync(Guid id, ComplianceDbContext db, CancellationToken ct) =>
        await db.Set<Agency>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct) is { } a
            ? TypedResults.Ok(AgencyView.From(a))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<AgencyView>, NotFound>> UpdateAsync(Guid id, AgencyRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var agency = await db.Set<Agency>().SingleOrDefaultAsync(a => a.Id == id, ct);
        if (agency is null)
        {
            return TypedResults.NotFound();
        }

        Apply(agency, request, clock.GetUtcNow());
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(AgencyView.From(agency));
    }

    private static void Apply(Agency agency, AgencyRequest request, DateTimeOffset now)
    {
        agency.Name = request.Name!.Trim();
        agency.CountryCode = request.CountryCode!;
        agency.LicenceNumber = request.LicenceNumber?.Trim();
        agency.LicenceExpiresOn = request.LicenceExpiresOn;
        agency.Blacklisted = request.Blacklisted!.Value;
        agency.SubAgentsProhibited = request.SubAgentsProhibited!.Value;
        agency.LastDueDiligenceOn = request.LastDueDiligenceOn;
        agency.UpdatedAt = now;
    }
}
