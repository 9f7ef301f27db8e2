using Microsoft.AspNetCore.Identity;

namespace Compliance.Api.Features.People;

/// <summary>
/// A person who signs in (table <c>people</c>, migration 020): a tenant's member (owner, compliance, supplier,
/// auditor) or a handling office's (office-admin, case-handler), never both. Passwords, lockout, security stamp and
/// the authenticator key are ASP.NET Core Identity's; the rest is ours.
/// </summary>
public sealed class Person : IdentityUser<Guid>
{
    public string DisplayName { get; set; } = string.Empty;

    public string Role { get; set; } = string.Empty;

    public Guid? TenantId { get; set; }

    /// <summary>Set for the supplier role only: the supplier of the tenant whose records they keep.</summary>
    public Guid? SupplierId { get; set; }

    public Guid? OfficeId { get; set; }

    /// <summary>SHA-256 of the one-time setup code; null once used (or for a signup that chose its own password).</summary>
    public byte[]? SetupCodeHash { get; set; }

    public DateTimeOffset? SetupCodeExpiresAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Set when disabled: every session ends at its next request and sign-in is refused.</summary>
    public DateTimeOffset? DisabledAt { get; set; }

    public bool IsOfficeMember => OfficeId is not null;
}
