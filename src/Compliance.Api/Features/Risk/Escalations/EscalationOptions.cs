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

    /// <summary>The production backoff between delivery attempts: 30 s, 1, 2, 5, 10, 20, 30 min, then hourly.</summary>
    public static IReadOnlyList<int> DefaultRetryDelaysSeconds { get; } = [30, 60, 120, 300, 600, 1200, 1800, 3600, 3600, 3600];

    /// <summary>
    /// Seconds to wait before each retry (the first entry before the second attempt); unset means
    /// <see cref="DefaultRetryDelaysSeconds"/>. A list shorter than the retry budget repeats its last entry. Tests
    /// set a few seconds so the real Hangfire server retries within a test's run.
    /// </summary>
    public IReadOnlyList<int>? RetryDelaysSeconds { get; set; }

    /// <summary>The delay before each of the <see cref="HangfireRetryBudget"/> retries, as Hangfire applies them.</summary>
    public int[] RetryDelays()
    {
        var configured = RetryDelaysSeconds is { Count: > 0 } list ? list : DefaultRetryDelaysSeconds;
        return [.. Enumerable.Range(0, HangfireRetryBudget).Select(i => configured[Math.Min(i, configured.Count - 1)])];
    }

    /// <summary>
    /// Tests and local development only: lets destinations on loopback (127.0.0.0/8, ::1, localhost) through,
    /// over http as well. Private, link-local and metadata addresses stay refused.
    /// </summary>
    public bool AllowLoopback { get; set; }
}
