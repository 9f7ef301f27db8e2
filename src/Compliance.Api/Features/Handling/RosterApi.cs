using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Handling;

/// <summary>
/// <c>GET /api/v1/testimony-access-roster</c>: every change in who can read this tenant's testimony (owner, auditor),
/// or this office's (office admin). Employer-side readers get days, never times; the office gets the time too.
/// </summary>
public static class RosterApi
{
    /// <param name="At">The exact time, for the office's own admins only; null for the employer side.</param>
    public sealed record RosterView(
        Guid Id, long Seq, Guid OfficeId, string OfficeName, Guid? TenantId, DateOnly Day, DateTimeOffset? At, string Change, string Subject, string Actor);

    public static RouteGroupBuilder MapRoster(this RouteGroupBuilder api)
    {
        api.MapGet("/testimony-access-roster", ListAsync).WithTags("Handling offices")
            .RequireAuthorization(Policies.RosterReaders)
            .AddEndpointFilter<UnitOfWorkFilter>()
            .WithSummary("Every change in who can read testimony: links, accounts, second factors, handler keys. Append-only.");
        return api;
    }

    internal static async Task<Ok<Paged<RosterView>>> ListAsync([AsParameters] PageQuery paging, ComplianceDbContext db, TenantContext scope, CancellationToken ct)
    {
        var office = scope.OfficeId is not null;
        var query =
            from r in Visible(db, scope)
            join o in db.Set<HandlingOffice>().AsNoTracking() on r.OfficeId equals o.Id
            orderby r.Seq
            select new { Entry = r, OfficeName = o.Name };
        return TypedResults.Ok(await query.ToPagedAsync(
            paging,
            x => new RosterView(
                x.Entry.Id, x.Entry.Seq, x.Entry.OfficeId, x.OfficeName, x.Entry.TenantId, DateOnly.FromDateTime(x.Entry.At.UtcDateTime),
                office ? x.Entry.At : null, x.Entry.Change, x.Entry.Subject, x.Entry.Actor),
            ct));
    }

    /// <summary>
    /// Wall 1 for the roster (RLS says the same, migration 020): an office sees its rows; a tenant sees its own rows and
    /// the office-wide rows of each office whose link it accepted, from the office's beginning (people added before the
    /// link can read once it is accepted) up to the link's end; a mere request shows a stranger nothing (migration 022).
    /// </summary>
    public static IQueryable<RosterEntry> Visible(ComplianceDbContext db, TenantContext scope)
    {
        var rows = db.Set<RosterEntry>().AsNoTracking();
        if (scope.OfficeId is Guid office)
        {
            return rows.Where(r => r.OfficeId == office);
        }

        var tenant = scope.RequiredTenantId;
        var links = db.Set<HandlingLink>().AsNoTracking();
        return rows.Where(r => r.TenantId == tenant
            || (r.TenantId == null && links.Any(l => l.OfficeId == r.OfficeId && l.TenantId == tenant && l.AcceptedAt != null
                && (l.EndedAt == null || r.At <= l.EndedAt))));
    }
}
