using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>
/// A handling office's note on a case (migration 024): internal (the office) or private (its author). Encrypted under
/// the case's key, so retention's deletion of that key leaves it unreadable; never on a worker page, never in a dossier.
/// </summary>
public sealed class CaseNote : ITenantOwned
{
    public const string Internal = "internal";
    public const string Private = "private";
    public const int MaxLength = 8000;

    public static readonly IReadOnlyList<string> Visibilities = [Internal, Private];

    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid GrievanceId { get; set; }

    public Guid OfficeId { get; set; }

    public Guid? AuthorPersonId { get; set; }

    public required string AuthorName { get; set; }

    public required string Visibility { get; set; }

    public required byte[] Ciphertext { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One change of the worker's consent to one destination kind, at day precision (DNH-3).</summary>
public sealed class ConsentEvent : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid GrievanceId { get; set; }

    public required string Kind { get; set; }

    public bool Given { get; set; }

    public DateOnly OnDay { get; set; }

    /// <summary>Order of changes (the database numbers them): a day holds several changes, and a day cannot order them.</summary>
    public long Seq { get; set; }
}

/// <summary>A case referred to a configured destination or a named outside organisation, with its follow-up.</summary>
public sealed class CaseReferral : ITenantOwned
{
    public const string Sent = "sent";
    public const string Accepted = "accepted";
    public const string Declined = "declined";
    public const string ReferredOn = "referred-on";
    public const string Closed = "closed";
    public const int MaxOrganisationLength = 200;

    public static readonly IReadOnlyList<string> States = [Sent, Accepted, Declined, ReferredOn, Closed];

    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid GrievanceId { get; set; }

    public Guid OfficeId { get; set; }

    public Guid? DestinationId { get; set; }

    public string? Organisation { get; set; }

    public required string Kind { get; set; }

    public required string State { get; set; }

    public DateOnly FollowUpBy { get; set; }

    public DateOnly CreatedOn { get; set; }

    public DateOnly UpdatedOn { get; set; }

    /// <summary>Follow-up is owed while the referral is open and its date has passed.</summary>
    public static bool IsOverdue(string state, DateOnly followUpBy, DateOnly today) =>
        state is not (Closed or Declined) && followUpBy < today;
}

internal sealed class CaseNoteConfiguration : IEntityTypeConfiguration<CaseNote>
{
    public void Configure(EntityTypeBuilder<CaseNote> builder)
    {
        builder.ToTable("case_notes");
        builder.HasOne<Grievance>().WithMany().HasForeignKey(n => n.GrievanceId);
    }
}

internal sealed class ConsentEventConfiguration : IEntityTypeConfiguration<ConsentEvent>
{
    public void Configure(EntityTypeBuilder<ConsentEvent> builder)
    {
        builder.ToTable("grievance_consent_events");

        // Known to EF so a new case's first consent events are inserted after the case, in the same SaveChanges.
        builder.HasOne<Grievance>().WithMany().HasForeignKey(e => e.GrievanceId);
        builder.Property(e => e.Seq).ValueGeneratedOnAdd();
    }
}

internal sealed class CaseReferralConfiguration : IEntityTypeConfiguration<CaseReferral>
{
    public void Configure(EntityTypeBuilder<CaseReferral> builder)
    {
        builder.ToTable("case_referrals");
        builder.HasOne<Grievance>().WithMany().HasForeignKey(r => r.GrievanceId);
    }
}
