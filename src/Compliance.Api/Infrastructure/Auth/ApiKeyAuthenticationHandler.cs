using System.Security.Claims;
using System.Text.Encodings.Web;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Compliance.Api.Infrastructure.Auth;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c>. Every request looks the key up again (no cache), so a revoked or
/// expired key fails on its very next request. The lookup goes through the security-definer function
/// <c>app.authenticate_api_key</c> because no tenant is known yet.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    NpgsqlDataSource dataSource,
    TenantContext tenant,
    TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string TenantClaim = "tenant_id";
    public const string SupplierClaim = "supplier_id";
    public const string KeyClaim = "key_id";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var header = Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return AuthenticateResult.NoResult();
        }

        var key = header["Bearer ".Length..].Trim();
        if (!key.StartsWith(ApiKeySecrets.Scheme + "_", StringComparison.Ordinal) || key.Length > 100)
        {
            return AuthenticateResult.Fail("Malformed API key.");
        }

        await using var cmd = dataSource.CreateCommand(
            "select key_id, tenant_id, role, supplier_id, expires_at, revoked_at from app.authenticate_api_key(@h)");
        cmd.Parameters.AddWithValue("h", ApiKeySecrets.Hash(key));
        await using var reader = await cmd.ExecuteReaderAsync(Context.RequestAborted);
        if (!await reader.ReadAsync(Context.RequestAborted))
        {
            return AuthenticateResult.Fail("Unknown API key.");
        }

        var keyId = reader.GetGuid(0);
        var tenantId = reader.GetGuid(1);
        var role = reader.GetString(2);
        Guid? supplierId = reader.IsDBNull(3) ? null : reader.GetGuid(3);
        DateTimeOffset? expiresAt = reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4);
        var revoked = !reader.IsDBNull(5);
        if (revoked || (expiresAt is { } e && e <= clock.GetUtcNow()))
        {
            return AuthenticateResult.Fail("API key revoked or expired.");
        }

        tenant.Set(tenantId, role == Roles.Supplier ? supplierId : null, keyId, role);
        var claims = new List<Claim>
        {
            new(ClaimTypes.NameIdentifier, keyId.ToString()),
            new(KeyClaim, keyId.ToString()),
            new(TenantClaim, tenantId.ToString()),
            new(ClaimTypes.Role, role),
        };
        if (supplierId is Guid s)
        {
            claims.Add(new Claim(SupplierClaim, s.ToString()));
        }

        var identity = new ClaimsIdentity(claims, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }
}
