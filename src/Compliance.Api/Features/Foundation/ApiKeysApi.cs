using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Foundation;

public static class ApiKeysApi
{
    /// <summary>Auditor keys are time-limited: at most this long.</summary>
    public static readonly TimeSpan MaxAuditorLifetime = TimeSpan.FromDays(366);

    public sealed record CreateApiKeyRequest(string? Name, string? Role, Guid? SupplierId, DateTimeOffset? ExpiresAt) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.Required("name", Name, 100);
            Roles.ValidateTenantRole(v, Role, SupplierId, "key");
            if (Role == Roles.Auditor)
            {
                v.Check(ExpiresAt is not null, "expiresAt", "Required for the auditor role: auditor keys are time-limited.");
            }
        }
    }

    /// <param name="Key">Shown once, never again.</param>
    public sealed record CreatedApiKey(Guid Id, string Name, string Role, Guid? SupplierId, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string Key);

    public sealed record ApiKeyView(Guid Id, string Name, string Role, Guid? SupplierId, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, DateTimeOffset? RevokedAt)
    {
        public static ApiKeyView From(ApiKey k) => new(k.Id, k.Name, k.Role, k.SupplierId, k.Prefix, k.CreatedAt, k.ExpiresAt, k.RevokedAt);
    }

    public static RouteGroupBuilder MapApiKeys(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/api-keys").WithTags("API keys")
            .RequireAuthorization(Policies.Owner)
            .AddEndpointFilter<UnitOfWorkFilter>();
        group.MapPost("/", CreateAsync).WithSummary("Create a key for a role; the key is in the response once.");
        group.MapGet("/", ListAsync).WithSummary("List the tenant's own keys (never their secrets; handler keys are their office's).");
        group.MapDelete("/{id:guid}", RevokeAsync).WithSummary("Revoke a key; it fails from its next request on.");
        return group;
    }

    internal static async Task<Results<Created<CreatedApiKey>, ValidationProblem>> CreateAsync(
        CreateApiKeyRequest request, ComplianceDbContext db, ApiKeyIssuer issuer, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var v = new Validator();
        if (request.ExpiresAt is { } expires)
        {
            v.Check(expires > now, "expiresAt", "Must be in the future.");
            v.Check(request.Role != Roles.Auditor || expires <= now + MaxAuditorLifetime, "expiresAt", "Auditor keys live at most 366 days.");
        }

        if (request.SupplierId is Guid supplierId && !await db.Set<Supplier>().AnyAsync(s => s.Id == supplierId, ct))
        {
            v.Add("supplierId", "Unknown supplier.");
        }

        if (!v.IsValid)
        {
            return TypedResults.ValidationProblem(v.Errors);
        }

        var (entity, key) = await issuer.IssueAsync(request.Name!.Trim(), request.Role!, request.SupplierId, request.ExpiresAt, ct);
        return TypedResults.Created(
            $"/api/v1/api-keys/{entity.Id}",
            new CreatedApiKey(entity.Id, entity.Name, entity.Role, entity.SupplierId, entity.Prefix, entity.CreatedAt, entity.ExpiresAt, key));
    }

    internal static async Task<Ok<Paged<ApiKeyView>>> ListAsync([AsParameters] PageQuery paging, ComplianceDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.Set<ApiKey>().AsNoTracking().Where(k => k.OfficeId == null).OrderBy(k => k.CreatedAt).ThenBy(k => k.Id).ToPagedAsync(paging, ApiKeyView.From, ct));

    internal static async Task<Results<NoContent, NotFound>> RevokeAsync(Guid id, ComplianceDbContext db, TimeProvider clock, ApiKeyCache cache, CancellationToken ct)
    {
        // A handler key is its office's to revoke; the tenant ends the link instead.
        var key = await db.Set<ApiKey>().SingleOrDefaultAsync(k => k.Id == id && k.OfficeId == null, ct);
        if (key is null)
        {
            return TypedResults.NotFound();
        }

        key.RevokedAt ??= clock.GetUtcNow();
        await db.SaveChangesAsync(ct);

        // Forgotten here at once; other instances forget it when the commit's notification reaches them.
        cache.Evict(id);
        return TypedResults.NoContent();
    }
}
