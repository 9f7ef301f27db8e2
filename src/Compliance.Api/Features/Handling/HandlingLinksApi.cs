using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Handling;

/// <summary>
/// Links between a tenant and a handling office. The tenant owner requests one by the office's public code; the
/// office admin accepts; either side ends it. No one reads testimony through a link until it is accepted, and an
/// ended link stops the office's keys and sessions at their next request on every instance (migration 020's trigger
/// drops every key cache; sessions check the link on each request).
/// </summary>
public static class HandlingLinksApi
{
    public sealed record RequestLink(string? OfficeCode) : IValidatable
    {
        public void Validate(Validator v) => v.Required("officeCode", OfficeCode, 40);
    }

    /// <summary>A link as either side sees it. Dates are days: the roster's precision for the employer side.</summary>
    public sealed record LinkView(
        Guid Id, Guid TenantId, Guid OfficeId, string OfficeName, string OfficeKind, bool OfficeVerified, string State,
        DateOnly RequestedOn, DateOnly? AcceptedOn, DateOnly? EndedOn, string? EndedBy);

    public static RouteGroupBuilder MapHandlingLinks(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/handling-links").WithTags("Handling offices").AddEndpointFilter<UnitOfWorkFilter>();
        group.MapPost("/", RequestAsync).RequireAuthorization(Policies.Owner)
            .WithSummary("Ask a handling office (by its public code) to handle this tenant's cases; nothing is readable until it accepts.");
        group.MapGet("/", ListAsync).RequireAuthorization(Policies.LinkParties)
            .WithSummary("The links of this tenant (owner) or of this office (office admin), in every state.");
        group.MapPost("/{id:guid}/accept", AcceptAsync).RequireAuthorization(Policies.OfficeAdmin)
            .WithSummary("The office accepts a requested link: its people can read this tenant's cases from now on.");
        group.MapPost("/{id:guid}/end", EndAsync).RequireAuthorization(Policies.LinkParties)
            .WithSummary("Either side ends a link: the office's access to the tenant's cases stops at its next request.");
        return group;
    }

    internal static async Task<Results<Created<LinkView>, ValidationProblem, ProblemHttpResult>> RequestAsync(
        RequestLink request, ComplianceDbContext db, TenantContext scope, TestimonyRoster roster, TimeProvider clock, CancellationToken ct)
    {
        var tenantId = scope.RequiredTenantId;
        var officeId = await ResolveCodeAsync(db, request.OfficeCode!.Trim(), ct);
        if (officeId is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["officeCode"] = ["No handling office has this code."] });
        }

        if (await db.Set<HandlingLink>().AnyAsync(l => l.TenantId == tenantId && l.OfficeId == officeId && l.EndedAt == null, ct))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "A link to this office is already requested or accepted.");
        }

        var link = new HandlingLink { Id = Guid.CreateVersion7(), TenantId = tenantId, OfficeId = officeId.Value, RequestedAt = clock.GetUtcNow() };
        db.Add(link);
        await db.SaveChangesAsync(ct);

        // The office is visible to the tenant from the link on (RLS), so its name is read after the insert.
        var office = await db.Set<HandlingOffice>().AsNoTracking().SingleAsync(o => o.Id == link.OfficeId, ct);
        roster.Append(office.Id, tenantId, RosterChanges.LinkRequested, office.Name, RosterActors.Tenant);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/handling-links/{link.Id}", View(link, office));
    }

    internal static async Task<Ok<Paged<LinkView>>> ListAsync([AsParameters] PageQuery paging, ComplianceDbContext db, TenantContext scope, CancellationToken ct)
    {
        var query =
            from l in Visible(db, scope)
            join o in db.Set<HandlingOffice>().AsNoTracking() on l.OfficeId equals o.Id
            orderby l.RequestedAt descending, l.Id
            select new { Link = l, Office = o };
        return TypedResults.Ok(await query.ToPagedAsync(paging, x => View(x.Link, x.Office), ct));
    }

    private static async Task<Results<Ok<LinkView>, NotFound, ProblemHttpResult>> AcceptAsync(
        Guid id, ComplianceDbContext db, TenantContext scope, TestimonyRoster roster, TimeProvider clock, CancellationToken ct)
    {
        var link = await Visible(db, scope).AsTracking().SingleOrDefaultAsync(l => l.Id == id, ct);
        if (link is null)
        {
            return TypedResults.NotFound();
        }

        if (link.State != "requested")
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"This link is {link.State}; only a requested link can be accepted.");
        }

        link.AcceptedAt = clock.GetUtcNow();
        var office = await db.Set<HandlingOffice>().AsNoTracking().SingleAsync(o => o.Id == link.OfficeId, ct);
        roster.Append(office.Id, link.TenantId, RosterChanges.LinkAccepted, office.Name, RosterActors.Office);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(View(link, office));
    }

    internal static async Task<Results<Ok<LinkView>, NotFound, ProblemHttpResult>> EndAsync(
        Guid id, ComplianceDbContext db, TenantContext scope, TestimonyRoster roster, ApiKeyCache cache, TimeProvider clock, CancellationToken ct)
    {
        var link = await Visible(db, scope).AsTracking().SingleOrDefaultAsync(l => l.Id == id, ct);
        if (link is null)
        {
            return TypedResults.NotFound();
        }

        if (link.EndedAt is not null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "This link has already ended.");
        }

        var side = scope.OfficeId is null ? RosterActors.Tenant : RosterActors.Office;
        var now = clock.GetUtcNow();
        link.EndedAt = now;
        link.EndedBy = side;
        var office = await db.Set<HandlingOffice>().AsNoTracking().SingleAsync(o => o.Id == link.OfficeId, ct);
        roster.Append(office.Id, link.TenantId, RosterChanges.LinkEnded, office.Name, side);

        // The office's keys for this tenant are revoked with the link, and put on the roster, by migration 022's
        // trigger: whichever side ends it, and a later link starts with no key of the old one.
        await db.SaveChangesAsync(ct);

        // This instance forgets every key at once; the others when the commit's notification reaches them.
        cache.EvictAll();
        return TypedResults.Ok(View(link, office));
    }

    /// <summary>Wall 1 for links (RLS is wall 2): an office's people see their office's links, a tenant its own.</summary>
    private static IQueryable<HandlingLink> Visible(ComplianceDbContext db, TenantContext scope) => scope.OfficeId is Guid office
        ? db.Set<HandlingLink>().AsNoTracking().Where(l => l.OfficeId == office)
        : db.Set<HandlingLink>().AsNoTracking().Where(l => l.TenantId == scope.RequiredTenantId);

    private static async Task<Guid?> ResolveCodeAsync(ComplianceDbContext db, string code, CancellationToken ct)
    {
        var rows = await TenantSql.RowsAsync(db, "select app.resolve_office_code(@code)", r => r.IsDBNull(0) ? (Guid?)null : r.GetGuid(0), ct, ("code", code));
        return rows.SingleOrDefault();
    }

    private static LinkView View(HandlingLink l, HandlingOffice o) => new(
        l.Id, l.TenantId, l.OfficeId, o.Name, o.Kind, o.VerifiedAt is not null, l.State,
        Day(l.RequestedAt), l.AcceptedAt is { } a ? Day(a) : null, l.EndedAt is { } e ? Day(e) : null, l.EndedBy);

    private static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);
}
