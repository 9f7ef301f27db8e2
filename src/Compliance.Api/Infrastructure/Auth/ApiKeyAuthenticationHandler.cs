using System.Security.Claims;
using System.Text.Encodings.Web;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Compliance.Api.Infrastructure.Auth;

/// <summary>
/// <c>Authorization: Bearer &lt;key&gt;</c>. The lookup goes through the security-definer function
/// <c>app.authenticate_api_key</c> because no tenant is known yet; a successful one is reused from
/// <see cref="ApiKeyCache"/>, which every change to the key evicts, so a revoked key still fails on its next request.
/// Expiry is checked on every request.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    NpgsqlDataSource dataSource,
    ApiKeyCache cache,
    TenantContext tenant,
    TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    public const string TenantClaim = "tenant_id";
    public const string SupplierClaim = "supplier_id";
    public const string KeyClaim = "key_id";
    public const string OfficeClaim = "office_id";

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

        var hash = ApiKeySecrets.Hash(key);
        if (!cache.TryGet(hash, out var found))
        {
            var version = cache.Version;
            if (await LookUpAsync(hash) is not { } looked)
            {
                return AuthenticateResult.Fail("Unknown API key.");
            }

            if (looked.Revoked)
            {
                return AuthenticateResult.Fail("API key revoked or expired.");
            }

            found = looked.Key;
            cache.Store(hash, found, version);
        }

        if (found.ExpiresAt is { } e && e <= clock.GetUtcNow())
        {
            return AuthenticateResult.Fail("API key revoked or expired.");
        }

        var (keyId, tenantId, role, supplierId) = (found.KeyId, found.TenantId, found.Role, found.SupplierId);
        if (found.OfficeId is Guid officeId)
        {
            // A handler key: its office's accepted link to the tenant is checked by the lookup (migration 020).
            tenant.SetForOffice(tenantId, officeId, personId: null, keyId, role);
        }
        else
        {
            tenant.Set(tenantId, role == Roles.Supplier ? supplierId : null, keyId, role);
        }

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

        if (found.OfficeId is Guid office)
        {
            claims.Add(new Claim(OfficeClaim, office.ToString()));
        }

        var identity = new ClaimsIdentity(claims, SchemeName);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), SchemeName));
    }

    private async Task<(AuthenticatedKey Key, bool Revoked)?> LookUpAsync(byte[] hash)
    {
        await using var cmd = dataSource.CreateCommand(
            "select key_id, tenant_id, role, supplier_id, expires_at, revoked_at, office_id from app.authenticate_api_key(@h)");
        cmd.Parameters.AddWithValue("h", hash);
        await using var reader = await cmd.ExecuteReaderAsync(Context.RequestAborted);
        if (!await reader.ReadAsync(Context.RequestAborted))
        {
            return null;
        }

        var found = new AuthenticatedKey(
            reader.GetGuid(0),
            reader.GetGuid(1),
            reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetGuid(3),
            reader.IsDBNull(4) ? null : reader.GetFieldValue<DateTimeOffset>(4),
            reader.IsDBNull(6) ? null : reader.GetGuid(6));
        return (found, !reader.IsDBNull(5));
    }
}
