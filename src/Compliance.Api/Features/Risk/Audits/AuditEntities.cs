using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Risk.Audits;

/// <summary>A third-party audit of one site. Carries the site's supplier so supplier keys see only their own.</summary>
[SupplierScoped]
public sealed class Audit : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid SiteId { get; set; }

    public Guid SupplierId { get; set; }

    public required string AuditorOrganisation { get; set; }

    public required string Kind { get; set; }

    public DateOnly StartedOn { get; set; }

    public DateOnly EndedOn { get; set; }

    public int WorkersInterviewed { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>
/// One finding of an audit, on one indicator. Open until it has corrective actions and every one of them is
/// verified (an auditor's word closes a finding, not the supplier's "done").
/// </summary>
[SupplierScoped]
public sealed class AuditFinding : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid AuditId { get; set; }

    public Guid SiteId { get; set; }

    public Guid SupplierId { get; set; }

    public required string Indicator { get; set; }

    public required string Severity { get; set; }

    public required string Description { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A corrective action for a finding: open, done by the supplier, then verified by an auditor.</summary>
[SupplierScoped]
public sealed class CorrectiveAction : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid FindingId { get; set; }

    public Guid SiteId { get; set; }

    public Guid SupplierId { get; set; }

    public required string Description { get; set; }

    public DateOnly DueOn { get; set; }

    public required string Status { get; set; }

    public DateOnly? ClosedOn { get; set; }

    public string? VerificationNote { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

public static class AuditVocabulary
{
    public static readonly IReadOnlyList<string> Kinds = ["social-compliance", "agency-due-diligence", "worker-interviews", "follow-up"];

    public static readonly IReadOnlyList<string> Severities = ["low", "medium", "high", "critical"];

    public const string Open = "open";
    public const string Done = "done";
    public const string Verified = "verified";

    public static readonly IReadOnlyList<string> ActionStatuses = [Open, Done, Verified];
}

internal sealed class AuditConfiguration : IEntityTypeConfiguration<Audit>
{
    public void Configure(EntityTypeBuilder<Audit> builder) => builder.ToTable("audits");
}

internal sealed class AuditFindingConfiguration : IEntityTypeConfiguration<AuditFinding>
{
    public void Configure(EntityTypeBuilder<AuditFinding> builder) => builder.ToTable("audit_findings");
}

internal sealed class CorrectiveActionConfiguration : IEntityTypeConfiguration<CorrectiveAction>
{
    public void Configure(EntityTypeBuilder<CorrectiveAction> builder) => builder.ToTable("corrective_actions");
}
