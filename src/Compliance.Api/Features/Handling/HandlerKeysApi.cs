using Compliance.Api.Features.Foundation;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Handling;

/// <summary>
/// Case-handler API keys, minted by an office admin for one (office, tenant) pair: the tenant the request works on
/// (header <c>X-Tenant-Id</c>), which must have an accepted link with the office. The tenant owner cannot mint them
/// (issue #18). Each creation and revocation is on the testimony access roster.
/// </summary>
public static class HandlerKeysApi
{
    public sealed record CreateHandlerKey(string? Name, DateTimeOffset? ExpiresAt) : IValidatable
    {
        public void Validate(Validator v) => v.Required("name", Name, 100);
    }

    /// <param name="Key">Shown once, never again.</param>
    public sealed record CreatedHandlerKey(Guid Id, Guid TenantId, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string Key);

    public sealed record HandlerKeyView(Guid Id, Guid TenantId, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt);

    public static RouteGroupBuilder MapHandlerKeys(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/office/api-keys").WithTags("Handling offices")
            .RequireAuthorization(Policies.OfficeAdmin)
            .AddEndpointFilter<UnitOfWorkFilter>();
        group.MapPost("/", CreateAsync).WithSummary("Mint a case-handler key for this office and the tenant named by X-Tenant-Id; the key is in the response once.");
        group.MapGet("/", ListAsync).WithSummary("This office's handler keys for the tenant named by X-Tenant-Id (never their secrets).");
        group.MapDelete("/{id:guid}", RevokeAsync).WithSummary("Revoke a handler key; it fails from its next request on.");
        return group;
    }

    private static async Task<Results<Created<CreatedHandlerKey>, ValidationProblem>> CreateAsync(
        CreateHandlerKey request, ComplianceDbContext db, TenantContext scope, ApiKeyIssuer issuer, TestimonyRoster roster, TimeProvider clock, CancellationToken ct)
    {
        var v = new Validator();
        v.Check(scope.TenantId is not null, "X-Tenant-Id", "Name the tenant this key works on (a tenant with an accepted link to this office).");
        if (request.ExpiresAt is { } expires)
        {
            v.Check(expires > clock.GetUtcNow(), "expiresAt", "Must be in the future.");
        }

        if (!v.IsValid)
        {
            return TypedResults.ValidationProblem(v.Errors);
        }

        var officeId = scope.OfficeId!.Value;
        var (entity, key) = await issuer.IssueAsync(request.Name!.Trim(), Roles.CaseHandler, supplierId: null, request.ExpiresAt, ct, officeId: officeId);
        roster.Append(officeId, entity.TenantId, RosterChanges.KeyCreated, entity.Name, RosterActors.Office);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created(
            $"/api/v1/office/api-keys/{entity.Id}",
            new CreatedHandlerKey(entity.Id, entity.TenantId, entity.Name, entity.Prefix, entity.CreatedAt, entity.ExpiresAt, key));
    }

    private static async Task<Results<Ok<Paged<HandlerKeyView>>, ValidationProblem>> ListAsync(
        [AsParameters] PageQuery paging, ComplianceDbContext db, TenantContext scope, CancellationToken ct)
    {
        if (scope.TenantId is null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["X-Tenant-Id"] = ["Name the tenant whose keys to list."] });
        }

        return TypedResults.Ok(await Keys(db, scope).OrderBy(k => k.CreatedAt).ThenBy(k => k.Id)
            .ToPagedAsync(paging, k => new HandlerKeyView(k.Id, k.TenantId, k.Name, k.Prefix, k.CreatedAt, k.ExpiresAt, k.RevokedAt), ct));
    }

    private static async Task<Results<NoContent, NotFound>> RevokeAsync(
        Guid id, ComplianceDbContext db, TenantContext scope, TestimonyRoster roster, ApiKeyCache cache, TimeProvider clock, CancellationToken ct)
    {
        var key = scope.TenantId is null ? null : await Keys(db, scope).AsTracking().SingleOrDefaultAsync(k => k.Id == id, ct);
        if (key is null)
        {
            return TypedResults.NotFound();
        }

        if (key.RevokedAt is null)
        {
            key.RevokedAt = clock.GetUtcNow();
            roster.Append(key.OfficeId!.Value, key.TenantId, RosterChanges.KeyRevoked, key.Name, RosterActors.Office);
            await db.SaveChangesAsync(ct);
        }

        cache.Evict(id);
        return TypedResults.NoContent();
    }

    private static IQueryable<ApiKey> Keys(ComplianceDbContext db, TenantContext scope)
    {
        var office = scope.OfficeId;
        return db.Set<ApiKey>().AsNoTracking().Where(k => k.OfficeId == office);
    }
}
