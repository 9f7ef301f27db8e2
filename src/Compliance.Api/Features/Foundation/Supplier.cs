using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Foundation;

/// <summary>A supplier (employer) in the tenant's supply chain.</summary>
[SupplierScoped(nameof(Id))]
public sealed class Supplier : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public required string Name { get; set; }

    public required string CountryCode { get; set; }

    public string? RegistrationNumber { get; set; }

    /// <summary>Open Supply Hub facility id.</summary>
    public string? OsId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class SupplierConfiguration : IEntityTypeConfiguration<Supplier>
{
    public void Configure(EntityTypeBuilder<Supplier> builder) => builder.ToTable("suppliers");
}
