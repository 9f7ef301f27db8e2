using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Compliance.Api.Features.Foundation;

public static class TenantsApi
{
    public const string SignupRateLimit = "signup";

    public sealed record SignupRequest(string? Name, string? ContactEmail) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.Required("name", Name);
            v.Email("contactEmail", ContactEmail);
        }
    }

    /// <param name="ApiKey">The owner key, shown once; only its hash is kept.</param>
    public sealed record SignupResponse(Guid TenantId, string ApiKey);

    public static RouteGroupBuilder MapTenants(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/tenants").WithTags("Tenants");
        group.MapPost("/", SignupAsync)
            .AllowAnonymous()
            .RequireRateLimiting(SignupRateLimit)
            .WithSummary("Sign up a tenant; returns its id and an owner API key (shown once).");
        return group;
    }

    private static async Task<Created<SignupResponse>> SignupAsync(
        SignupRequest request, ComplianceDbContext db, ApiKeyIssuer issuer, TimeProvider clock, CancellationToken ct)
    {
        // No tenant exists before this request, so it opens its own transaction once the new id scopes it.
        var tenantId = Guid.CreateVersion7();
        await using var transaction = await db.BeginTenantTransactionAsync(tenantId, ct);
        db.Add(new Tenant { TenantId = tenantId, Name = request.Name!.Trim(), ContactEmail = request.ContactEmail!, CreatedAt = clock.GetUtcNow() });
        await db.SaveChangesAsync(ct);
        var key = await issuer.IssueAsync("owner (signup)", Roles.Owner, supplierId: null, expiresAt: null, ct);
        await transaction.CommitAsync(ct);
        return TypedResults.Created($"/api/v1/tenants/{tenantId}", new SignupResponse(tenantId, key.Key));
    }
}
