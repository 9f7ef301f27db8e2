using System.Net.Http.Json;
using System.Reflection;
using System.Runtime.CompilerServices;
using Compliance.IntegrationTests.Infrastructure;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.IntegrationTests.Risk;

/// <summary>Intent helpers for audits, assessments and escalations, through the public API.</summary>
public static class RiskIntents
{
    public static async Task<Guid> RecordAuditAsync(this TestTenant tenant, Guid siteId, HttpClient? client = null) =>
        await Http.IdAsync(await (client ?? tenant.Owner).PostAsJsonAsync("/api/v1/audits", new
        {
            siteId,
            auditorOrganisation = "Fair Audit Sdn Bhd",
            kind = "social-compliance",
            startedOn = "2026-10-01",
            endedOn = "2026-10-03",
            workersInterviewed = 40,
        }));

    public static async Task<Guid> RecordFindingAsync(this TestTenant tenant, Guid auditId, string indicator, string severity, HttpClient? client = null, string description = "Finding recorded by the auditor") =>
        await Http.IdAsync(await (client ?? tenant.Owner).PostAsJsonAsync($"/api/v1/audits/{auditId}/findings", new { indicator, severity, description }));

    /// <summary>A site with an open CH01 finding: a hard trigger, so the site assesses critical.</summary>
    public static async Task<(Guid SiteId, Guid SupplierId)> CriticalSiteAsync(this TestTenant tenant, string description = "Two workers appear to be under 18")
    {
        var (siteId, _, supplierId) = await tenant.CreateSiteAsync();
        var auditId = await tenant.RecordAuditAsync(siteId);
        await tenant.RecordFindingAsync(auditId, "CH01", "critical", description: description);
        return (siteId, supplierId);
    }

    // Jobs a test already ran (or discarded), per app: the queue keeps them listed, so they are skipped by id.
    private static readonly ConditionalWeakTable<ComplianceApiFactory, HashSet<string>> Handled = [];

    /// <summary>
    /// Runs the jobs Hangfire holds in its queue for <paramref name="tenantId"/>, as a Hangfire worker would (the app's
    /// own job classes from a fresh scope), each once, until no new job of the tenant is queued (jobs enqueue jobs).
    /// A job that throws is never swallowed: the exceptions are rethrown together once the queue is drained. A test
    /// that expects a job to fail calls <see cref="RunEnqueuedJobsExpectingFailuresAsync"/> and asserts on each outcome.
    /// </summary>
    public static async Task<List<Exception?>> RunEnqueuedJobsAsync(this ComplianceApiFactory factory, Guid tenantId)
    {
        var outcomes = await factory.RunEnqueuedJobsExpectingFailuresAsync(tenantId);
        if (outcomes.OfType<Exception>().ToList() is { Count: > 0 } failed)
        {
            throw new AggregateException("A job failed; a test that expects that calls RunEnqueuedJobsExpectingFailuresAsync.", failed);
        }

        return outcomes;
    }

    /// <summary>As <see cref="RunEnqueuedJobsAsync"/>, returning each job's exception (or null) for the test to assert on.</summary>
    public static async Task<List<Exception?>> RunEnqueuedJobsExpectingFailuresAsync(this ComplianceApiFactory factory, Guid tenantId)
    {
        var outcomes = new List<Exception?>();
        while (NextJobs(factory, tenantId) is { Count: > 0 } jobs)
        {
            foreach (var (id, job) in jobs)
            {
                Handled.GetOrCreateValue(factory).Add(id);
                outcomes.Add(await RunAsync(factory, job));
            }
        }

        return outcomes;
    }

    /// <summary>Drops the tenant's queued jobs unrun, as a crash before a worker picked them up would.</summary>
    public static int DiscardEnqueuedJobs(this ComplianceApiFactory factory, Guid tenantId)
    {
        var jobs = NextJobs(factory, tenantId);
        Handled.GetOrCreateValue(factory).UnionWith(jobs.Select(j => j.Id));
        return jobs.Count;
    }

    private static List<(string Id, Hangfire.Common.Job Job)> NextJobs(ComplianceApiFactory factory, Guid tenantId)
    {
        var handled = Handled.GetOrCreateValue(factory);
        return [.. factory.Services.GetRequiredService<JobStorage>().GetMonitoringApi().EnqueuedJobs("default", 0, 10_000)
            .Where(j => j.Value?.Job is { Args.Count: > 0 } job && Equals(job.Args[0], tenantId) && !handled.Contains(j.Key))
            .Select(j => (j.Key, j.Value.Job))];
    }

    private static async Task<Exception?> RunAsync(ComplianceApiFactory factory, Hangfire.Common.Job job)
    {
        await using var scope = factory.CreateScope();
        var instance = scope.ServiceProvider.GetRequiredService(job.Type);
        var parameters = job.Method.GetParameters();
        var args = job.Args.Select((a, i) => parameters[i].ParameterType == typeof(CancellationToken) ? CancellationToken.None : a).ToArray();
        try
        {
            await (Task)job.Method.Invoke(instance, args)!;
            return null;
        }
        catch (Exception ex) when (ex is not TargetInvocationException)
        {
            return ex;
        }
    }
}
