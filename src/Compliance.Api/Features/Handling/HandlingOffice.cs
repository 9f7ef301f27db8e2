using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Handling;

/// <summary>The kinds of handling office (issue #18). Only <see cref="Internal"/> is the tenant's own staff.</summary>
public static class OfficeKinds
{
    public const string IndependentNgo = "independent-ngo";
    public const string IndependentHelpline = "independent-helpline";
    public const string TradeUnion = "trade-union";
    public const string Internal = "internal";

    /// <summary>What an office may sign up as on its own; an internal office is created by its tenant.</summary>
    public static readonly IReadOnlyList<string> Independent = [IndependentNgo, IndependentHelpline, TradeUnion];
}

/// <summary>
/// The organisation whose people read testimony. Not owned by a tenant: its own people see it through
/// <c>app.office_id</c>, tenants see the offices they have a link with (migration 020).
/// </summary>
public sealed class HandlingOffice
{
    public Guid Id { get; set; }

    /// <summary>The public code a tenant owner types to request a link.</summary>
    public required string Code { get; set; }

    public required string Name { get; set; }

    public required string Kind { get; set; }

    public required string CountryCode { get; set; }

    public required string Contact { get; set; }

    /// <summary>Set for an internal office: the tenant whose own grievance team it is.</summary>
    public Guid? InternalTenantId { get; set; }

    /// <summary>Made from a tenant's owner-minted case-handler keys by migration 020.</summary>
    public bool Migrated { get; set; }

    public DateTimeOffset? VerifiedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A tenant's link to an office: requested by the tenant owner, accepted by the office admin, ended by either.</summary>
public sealed class HandlingLink
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid OfficeId { get; set; }

    public DateTimeOffset RequestedAt { get; set; }

    public DateTimeOffset? AcceptedAt { get; set; }

    public DateTimeOffset? EndedAt { get; set; }

    /// <summary><c>tenant</c> or <c>office</c>.</summary>
    public string? EndedBy { get; set; }

    public string State => EndedAt is not null ? "ended" : AcceptedAt is not null ? "accepted" : "requested";
}

internal sealed class HandlingOfficeConfiguration : IEntityTypeConfiguration<HandlingOffice>
{
    public void Configure(EntityTypeBuilder<HandlingOffice> builder) => builder.ToTable("handling_offices");
}

internal sealed class HandlingLinkConfiguration : IEntityTypeConfiguration<HandlingLink>
{
    public void Configure(EntityTypeBuilder<HandlingLink> builder)
    {
        builder.ToTable("handling_links");
        builder.Ignore(l => l.State);
    }
}
