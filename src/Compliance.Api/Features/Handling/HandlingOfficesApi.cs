using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Handling;

/// <summary>Handling offices themselves: an office's own view of itself.</summary>
public static partial class HandlingOfficesApi
{
    /// <param name="Code">The public code the office gives tenants so they can request a link.</param>
    public sealed record OfficeView(
        Guid Id, string Code, string Name, string Kind, string CountryCode, string Contact, bool Verified, bool Migrated, DateOnly CreatedOn)
    {
        public static OfficeView From(HandlingOffice o) =>
            new(o.Id, o.Code, o.Name, o.Kind, o.CountryCode, o.Contact, o.VerifiedAt is not null, o.Migrated, DateOnly.FromDateTime(o.CreatedAt.UtcDateTime));
    }

    public static RouteGroupBuilder MapHandlingOffices(this RouteGroupBuilder api)
    {
        api.MapGet("/office", OwnAsync).WithTags("Handling offices")
            .RequireAuthorization(Policies.OfficeAdmin)
            .AddEndpointFilter<UnitOfWorkFilter>()
            .WithSummary("The signed-in office admin's own office, with the code tenants use to request a link.");
        MapSignup(api);
        return api;
    }

    private static async Task<Results<Ok<OfficeView>, NotFound>> OwnAsync(ComplianceDbContext db, TenantContext scope, CancellationToken ct)
    {
        var office = await db.Set<HandlingOffice>().AsNoTracking().SingleOrDefaultAsync(o => o.Id == scope.OfficeId, ct);
        return office is null ? TypedResults.NotFound() : TypedResults.Ok(OfficeView.From(office));
    }
}
