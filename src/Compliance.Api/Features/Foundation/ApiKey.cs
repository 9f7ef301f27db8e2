using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Foundation;

/// <summary>A bearer key. Only <see cref="KeyHash"/> is stored; <see cref="Prefix"/> identifies it in lists.</summary>
public sealed class ApiKey : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public required string Name { get; set; }

    public required string Role { get; set; }

    public Guid? SupplierId { get; set; }

    public required string Prefix { get; set; }

    public required byte[] KeyHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? ExpiresAt { get; set; }

    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>Set for a case-handler key: the handling office that minted it for this tenant (migration 020).</summary>
    public Guid? OfficeId { get; set; }
}

internal sealed class ApiKeyConfiguration : IEntityTypeConfiguration<ApiKey>
{
    public void Configure(EntityTypeBuilder<ApiKey> builder) => builder.ToTable("api_keys");
}

/// <summary>Creates keys; the plaintext leaves only in the return value.</summary>
public sealed class ApiKeyIssuer(Infrastructure.Database.ComplianceDbContext db, TimeProvider clock)
{
    public async Task<(ApiKey Entity, string Key)> IssueAsync(
        string name, string role, Guid? supplierId, DateTimeOffset? expiresAt, CancellationToken ct, byte[]? secret = null, Guid? officeId = null)
    {
        var generated = secret is null ? Infrastructure.Auth.ApiKeySecrets.Generate() : Infrastructure.Auth.ApiKeySecrets.FromSecret(secret);
        var entity = new ApiKey
        {
            Id = Guid.CreateVersion7(),
            Name = name,
            Role = role,
            SupplierId = supplierId,
            Prefix = generated.Prefix,
            KeyHash = generated.Hash,
            CreatedAt = clock.GetUtcNow(),
            ExpiresAt = expiresAt,
            OfficeId = officeId,
        };
        db.Add(entity);
        await db.SaveChangesAsync(ct);
        return (entity, generated.Key);
    }
}
