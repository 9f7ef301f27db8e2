using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Enforcement;

/// <summary>
/// A frozen enforcement dossier: the canonical JSON that was signed, its SHA-256 and its Ed25519 signature with the id
/// of the signing key. Never changed (the runtime role cannot update or delete it); a new dossier is made instead.
/// </summary>
public sealed class Dossier : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public required string Regime { get; set; }

    public required Guid[] SiteIds { get; set; }

    public DateOnly PeriodFrom { get; set; }

    public DateOnly PeriodTo { get; set; }

    public required string CanonicalJson { get; set; }

    public required string Sha256 { get; set; }

    /// <summary>The Ed25519 signature of the canonical JSON's UTF-8 bytes, base64.</summary>
    public required string Signature { get; set; }

    public required string KeyId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class DossierConfiguration : IEntityTypeConfiguration<Dossier>
{
    public void Configure(EntityTypeBuilder<Dossier> builder) => builder.ToTable("dossiers");
}
