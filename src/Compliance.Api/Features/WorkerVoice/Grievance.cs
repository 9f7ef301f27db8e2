using Compliance.Api.Infrastructure.Tenancy;
using Compliance.Domain.Reference;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>
/// An anonymous grievance. No column identifies the worker: no name, contact, network identifier or receipt
/// (only its keyed hash). Testimony (narrative, review note, messages) is encrypted under a per-grievance key.
/// </summary>
[SupplierScoped]
public sealed class Grievance : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid SiteId { get; set; }

    public Guid SupplierId { get; set; }

    public required string CaseReference { get; set; }

    public required byte[] ReceiptHash { get; set; }

    public required string Language { get; set; }

    public string[] Categories { get; set; } = [];

    /// <summary>Indicators from the categories plus those added in triage; triage never removes a category's indicators.</summary>
    public string[] Indicators { get; set; } = [];

    public string? Severity { get; set; }

    public bool Critical { get; set; }

    public required string Status { get; set; }

    /// <summary>The office's own word for where the case stands; never shown to the worker (migration 024).</summary>
    public string? SubStatus { get; set; }

    /// <summary>How the report came in: <c>web</c>, <c>api</c>, <c>sms</c>, <c>whatsapp</c> or <c>voice</c>.</summary>
    public string Channel { get; set; } = ReportChannels.Web;

    /// <summary>Set by the reminder job when the next open clock comes due within a day.</summary>
    public bool DueSoon { get; set; }

    public DateTimeOffset ReceivedAt { get; set; }

    /// <summary>
    /// The worker page promised, when this was filed, that the employer cannot see what the worker writes (every
    /// reader an independent, verified office). Such a report stays closed to any reader that would break the promise
    /// later: an internal, migrated or unverified office (migration 022).
    /// </summary>
    public bool PromisedIndependent { get; set; }

    public DateTimeOffset AcknowledgeBy { get; set; }

    public DateTimeOffset? AcknowledgedAt { get; set; }

    public DateTimeOffset FeedbackBy { get; set; }

    /// <summary>When the worker first got an answer from a case handler.</summary>
    public DateTimeOffset? FeedbackAt { get; set; }

    public DateTimeOffset? ClosedAt { get; set; }

    public bool AcknowledgeOverdue { get; set; }

    public bool FeedbackOverdue { get; set; }

    public bool ConsentNgo { get; set; }

    public bool ConsentLabourAuthority { get; set; }

    public bool ConsentAntiTraffickingCouncil { get; set; }

    public bool ConsentPolice { get; set; }

    public bool ConsentChildProtection { get; set; }

    public bool ConsentBuyer { get; set; }

    public bool ConsentTradeAuthority { get; set; }

    public byte[]? WrappedKey { get; set; }

    public byte[]? NarrativeCiphertext { get; set; }

    public byte[]? ReviewNoteCiphertext { get; set; }

    public DateTimeOffset? TestimonyDeletedAt { get; set; }

    /// <summary>
    /// Filed after its intake code reached the daily ceiling (issue 16, hole 7): handled like any case, but left out of
    /// statistics and risk evidence until a case handler confirms it.
    /// </summary>
    public bool HeldForReview { get; set; }

    /// <summary>The receipt opened the case again after filing (migration 026): a fact, never a time or a count.</summary>
    public bool ReceiptReused { get; set; }

    /// <summary>The worker's follow-up page has shown at least one reply (migration 026).</summary>
    public bool ReplySeen { get; set; }

    /// <summary>Moved back to in progress after being resolved or referred (migration 026).</summary>
    public bool Reopened { get; set; }

    /// <summary>Consent per destination kind (<see cref="DestinationKinds"/>), in offer order.</summary>
    public IReadOnlyDictionary<string, bool> Consent() => new Dictionary<string, bool>(StringComparer.Ordinal)
    {
        [DestinationKinds.Ngo] = ConsentNgo,
        [DestinationKinds.LabourAuthority] = ConsentLabourAuthority,
        [DestinationKinds.AntiTraffickingCouncil] = ConsentAntiTraffickingCouncil,
        [DestinationKinds.Police] = ConsentPolice,
        [DestinationKinds.ChildProtection] = ConsentChildProtection,
        [DestinationKinds.Buyer] = ConsentBuyer,
        [DestinationKinds.TradeAuthority] = ConsentTradeAuthority,
    };

    public bool ConsentsTo(string destinationKind) => Consent().TryGetValue(destinationKind, out var given) && given;

    /// <summary>Sets the kinds named in <paramref name="changes"/>; kinds not named keep their value.</summary>
    public void SetConsent(IEnumerable<KeyValuePair<string, bool>> changes)
    {
        foreach (var (kind, given) in changes)
        {
            switch (kind)
            {
                case DestinationKinds.Ngo: ConsentNgo = given; break;
                case DestinationKinds.LabourAuthority: ConsentLabourAuthority = given; break;
                case DestinationKinds.AntiTraffickingCouncil: ConsentAntiTraffickingCouncil = given; break;
                case DestinationKinds.Police: ConsentPolice = given; break;
                case DestinationKinds.ChildProtection: ConsentChildProtection = given; break;
                case DestinationKinds.Buyer: ConsentBuyer = given; break;
                case DestinationKinds.TradeAuthority: ConsentTradeAuthority = given; break;
                default: throw new ArgumentException($"Unknown destination kind '{kind}'.", nameof(changes));
            }
        }
    }
}

/// <summary>The channels a worker can report through.</summary>
public static class ReportChannels
{
    /// <summary>The worker pages (<c>/v/...</c>).</summary>
    public const string Web = "web";

    /// <summary>The JSON intake API (<c>/api/v1/intake</c>), used by partners' own apps.</summary>
    public const string Api = "api";
    public const string Sms = "sms";
    public const string WhatsApp = "whatsapp";
    public const string Voice = "voice";

    public static readonly IReadOnlyList<string> All = [Web, Api, Sms, WhatsApp, Voice];
}

/// <summary>A message on a case: from the worker (through the receipt) or a case handler's reply. Encrypted.</summary>
public sealed class GrievanceMessage : ITenantOwned
{
    public const string Worker = "worker";
    public const string Handler = "handler";

    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid GrievanceId { get; set; }

    public required string Author { get; set; }

    public required byte[] Ciphertext { get; set; }

    public DateTimeOffset SentAt { get; set; }

    public Guid? ApiKeyId { get; set; }
}

/// <summary>One read of a narrative (DNH-12): who and when, never what.</summary>
public sealed class NarrativeAccess : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid GrievanceId { get; set; }

    /// <summary>The case handler's key; null for a person's or a system read (escalation).</summary>
    public Guid? ApiKeyId { get; set; }

    /// <summary>The signed-in person who read; null for a key's or a system read.</summary>
    public Guid? PersonId { get; set; }

    /// <summary>The reader's display name (or key name) when they read; null for a system read.</summary>
    public string? ReaderName { get; set; }

    /// <summary>The reader's handling office when they read.</summary>
    public string? ReaderOffice { get; set; }

    public DateTimeOffset ReadAt { get; set; }
}

/// <summary>Per-tenant worker voice settings; absent means the defaults.</summary>
public sealed class WorkerVoiceSettings : ITenantOwned
{
    public const int DefaultRetentionDays = 365;

    public Guid TenantId { get; set; }

    public int RetentionDays { get; set; } = DefaultRetentionDays;

    /// <summary>k, the smallest worker-derived count any employer-side figure releases (migration 026): 5 unless the tenant raises it.</summary>
    public int MinimumCellSize { get; set; } = StatisticsSuppression.MinimumCellSize;

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class GrievanceConfiguration : IEntityTypeConfiguration<Grievance>
{
    public void Configure(EntityTypeBuilder<Grievance> builder) => builder.ToTable("grievances");
}

internal sealed class GrievanceMessageConfiguration : IEntityTypeConfiguration<GrievanceMessage>
{
    public void Configure(EntityTypeBuilder<GrievanceMessage> builder) => builder.ToTable("grievance_messages");
}

internal sealed class NarrativeAccessConfiguration : IEntityTypeConfiguration<NarrativeAccess>
{
    public void Configure(EntityTypeBuilder<NarrativeAccess> builder) => builder.ToTable("narrative_access_log");
}

internal sealed class WorkerVoiceSettingsConfiguration : IEntityTypeConfiguration<WorkerVoiceSettings>
{
    public void Configure(EntityTypeBuilder<WorkerVoiceSettings> builder)
    {
        builder.ToTable("worker_voice_settings");
        builder.HasKey(s => s.TenantId);
    }
}
