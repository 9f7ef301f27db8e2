using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Foundation;

/// <summary>A customer organisation. Its key is its own tenant id, so wall 1 filters it like any tenant row.</summary>
public sealed class Tenant : ITenantOwned
{
    public Guid TenantId { get; set; }

    public required string Name { get; set; }

    public required string ContactEmail { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class TenantConfiguration : IEntityTypeConfiguration<Tenant>
{
    public void Configure(EntityTypeBuilder<Tenant> builder)
    {
        builder.ToTable("tenants");
        builder.HasKey(t => t.TenantId);
        builder.Property(t => t.TenantId).HasColumnName("id");
    }
}
