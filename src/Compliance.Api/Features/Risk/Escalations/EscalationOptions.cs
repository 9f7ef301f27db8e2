using System.ComponentModel.DataAnnotations;

namespace Compliance.Api.Features.Risk.Escalations;

/// <summary>Escalation delivery settings (section <c>Escalation</c>).</summary>
public sealed class EscalationOptions
{
    public const string Section = "Escalation";

    /// <summary>Highest value <see cref="MaxAttempts"/> may take: the Hangfire retry budget of the delivery job.</summary>
    public const int HangfireRetryBudget = 10;

    /// <summary>Delivery attempts before an escalation is marked failed (1 first try + retries).</summary>
    [Range(1, HangfireRetryBudget)]
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Timeout of one delivery attempt.</summary>
    [Range(1, 120)]
    public int TimeoutSeconds { get; set; } = 15;

    /// <summary>
    /// Tests and local development only: lets destinations on loopback (127.0.0.0/8, ::1, localhost) through,
    /// over http as well. Private, link-local and metadata addresses stay refused.
    /// </summary>
    public bool AllowLoopback { get; set; }
}
