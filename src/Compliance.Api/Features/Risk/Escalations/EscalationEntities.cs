using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Risk.Escalations;

/// <summary>An outside body that receives signed dossiers. The signing secret is write-only: never returned or logged.</summary>
public sealed class EscalationDestination : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public required string Name { get; set; }

    public required string Kind { get; set; }

    public required string Jurisdiction { get; set; }

    public required string Url { get; set; }

    public required string SigningSecret { get; set; }

    public required string MinimumLevel { get; set; }

    public bool Active { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One dossier for one destination; its id is the <c>Idempotency-Key</c> of every delivery attempt.</summary>
[SupplierScoped]
public sealed class Escalation : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public required string SubjectKind { get; set; }

    public Guid SiteId { get; set; }

    public Guid SupplierId { get; set; }

    public Guid? GrievanceId { get; set; }

    public Guid DestinationId { get; set; }

    public Guid? AssessmentId { get; set; }

    public required string Period { get; set; }

    public required string Level { get; set; }

    public required string ModelVersion { get; set; }

    public required string Body { get; set; }

    public required string Status { get; set; }

    public int AttemptCount { get; set; }

    public string? LastError { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>One delivery attempt, recorded whatever its outcome. Append-only.</summary>
public sealed class EscalationAttempt : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid EscalationId { get; set; }

    public int Attempt { get; set; }

    public DateTimeOffset AttemptedAt { get; set; }

    public int? StatusCode { get; set; }

    public int LatencyMs { get; set; }

    public string? Error { get; set; }
}

public static class EscalationStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";

    public static readonly IReadOnlyList<string> All = [Pending, Delivered, Failed];
}

internal sealed class EscalationDestinationConfiguration : IEntityTypeConfiguration<EscalationDestination>
{
    public void Configure(EntityTypeBuilder<EscalationDestination> builder) => builder.ToTable("escalation_destinations");
}

internal sealed class EscalationConfiguration : IEntityTypeConfiguration<Escalation>
{
    public void Configure(EntityTypeBuilder<Escalation> builder) => builder.ToTable("escalations");
}

internal sealed class EscalationAttemptConfiguration : IEntityTypeConfiguration<EscalationAttempt>
{
    public void Configure(EntityTypeBuilder<EscalationAttempt> builder) => builder.ToTable("escalation_attempts");
}
