using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Handling;

/// <summary>The changes the roster records: every change in who can read testimony (issue #18).</summary>
public static class RosterChanges
{
    public const string OfficeCreated = "office-created";
    public const string OfficeVerified = "office-verified";
    public const string OfficeMigrated = "office-migrated";
    public const string LinkRequested = "link-requested";
    public const string LinkAccepted = "link-accepted";
    public const string LinkEnded = "link-ended";
    public const string AccountCreated = "account-created";
    public const string AccountDisabled = "account-disabled";
    public const string AccountTwoFactor = "account-two-factor";
    public const string KeyCreated = "key-created";
    public const string KeyRevoked = "key-revoked";
}

/// <summary>Who made a roster change.</summary>
public static class RosterActors
{
    public const string Tenant = "tenant";
    public const string Office = "office";
    public const string Operator = "operator";
    public const string System = "system";
}

/// <summary>
/// One row of the testimony access roster. Append-only: the runtime role may not update or delete it and a trigger
/// refuses both (migration 020). An office-wide change has no tenant; each tenant sees it while it was linked.
/// </summary>
public sealed class RosterEntry
{
    public Guid Id { get; set; }

    public long Seq { get; set; }

    public Guid OfficeId { get; set; }

    public Guid? TenantId { get; set; }

    public DateTimeOffset At { get; set; }

    public required string Change { get; set; }

    /// <summary>An office's, account's display or key's name; never an email or a secret.</summary>
    public required string Subject { get; set; }

    public required string Actor { get; set; }
}

internal sealed class RosterEntryConfiguration : IEntityTypeConfiguration<RosterEntry>
{
    public void Configure(EntityTypeBuilder<RosterEntry> builder)
    {
        builder.ToTable("testimony_access_roster");
        builder.Property(r => r.Seq).ValueGeneratedOnAdd();
    }
}

/// <summary>Appends to the roster inside the caller's unit of work, so the change and its record commit together.</summary>
public sealed class TestimonyRoster(Infrastructure.Database.ComplianceDbContext db, TimeProvider clock)
{
    public void Append(Guid officeId, Guid? tenantId, string change, string subject, string actor) =>
        db.Add(new RosterEntry
        {
            Id = Guid.CreateVersion7(),
            OfficeId = officeId,
            TenantId = tenantId,
            At = clock.GetUtcNow(),
            Change = change,
            Subject = subject,
            Actor = actor,
        });
}
