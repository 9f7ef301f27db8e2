using Hangfire;
using Hangfire.Common;

namespace Compliance.Api.Infrastructure.Jobs;

/// <summary>
/// How Hangfire retries one job class, set by its feature from options instead of fixed in an attribute, so the
/// backoff is configuration (production minutes, tests seconds). Register one per job class as a singleton; the
/// server applies it as a method-scoped <see cref="AutomaticRetryAttribute"/>, which replaces the global default.
/// </summary>
public sealed record JobRetryPolicy(Type JobType, int Attempts, IReadOnlyList<int> DelaysInSeconds, AttemptsExceededAction OnAttemptsExceeded);

/// <summary>Hangfire's usual filters (attributes and global ones) plus the registered <see cref="JobRetryPolicy"/>s.</summary>
internal sealed class RetryPolicyFilterProvider : IJobFilterProvider
{
    private readonly Dictionary<Type, JobFilter> _byJobType;

    private RetryPolicyFilterProvider(IEnumerable<JobRetryPolicy> policies) =>
        _byJobType = policies.ToDictionary(
            p => p.JobType,
            p => new JobFilter(
                new AutomaticRetryAttribute { Attempts = p.Attempts, DelaysInSeconds = [.. p.DelaysInSeconds], OnAttemptsExceeded = p.OnAttemptsExceeded },
                JobFilterScope.Method,
                null));

    public IEnumerable<JobFilter> GetFilters(Job job) =>
        job?.Type is { } type && _byJobType.TryGetValue(type, out var filter) ? [filter] : [];

    /// <summary>
    /// The collection removes duplicates of single-use filters by scope, so a policy (method scope) wins over the
    /// global <see cref="AutomaticRetryAttribute"/>. A job with a policy must not carry its own retry attribute.
    /// </summary>
    public static IJobFilterProvider With(IEnumerable<JobRetryPolicy> policies) =>
        new JobFilterProviderCollection { JobFilterProviders.Providers, new RetryPolicyFilterProvider(policies) };
}
