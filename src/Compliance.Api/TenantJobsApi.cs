using Compliance.Api.Features.Risk.Assessment;
using Compliance.Api.Features.Risk.Escalations;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Hangfire;
using Hangfire.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api;

/// <summary>
/// <c>GET /api/v1/jobs</c>: the state of the calling tenant's scheduled work, in place of the operator's dashboard
/// (issue 16, hole 1). "Last" comes from the tenant's own rows (row-level security keeps it to this tenant); "next"
/// is the recurring schedule, which is the same for every tenant and names no one. No job ids, arguments or errors.
/// Beside <see cref="RecurringJobs"/> because it names jobs of several features.
/// </summary>
public static class TenantJobsApi
{
    /// <summary>A scheduled piece of work: when it last ran for this tenant and when it runs next.</summary>
    public sealed record JobRun(DateTimeOffset? LastRunAt, DateTimeOffset? NextRunAt);

    /// <summary>Escalation deliveries: the latest attempt and how many wait or gave up. Retries follow a backoff.</summary>
    public sealed record DeliveryRuns(DateTimeOffset? LastAttemptAt, DateTimeOffset? LastDeliveredAt, int Pending, int Failed, int Delivered);

    public sealed record TenantJobsView(JobRun RiskAssessment, JobRun Retention, DeliveryRuns EscalationDelivery);

    public static RouteGroupBuilder MapTenantJobs(this RouteGroupBuilder api)
    {
        api.MapGroup("/jobs").WithTags("Jobs").RequireAuthorization(Policies.ComplianceAdmin).AddEndpointFilter<UnitOfWorkFilter>()
            .MapGet("/", GetAsync)
            .WithSummary("Last and next risk assessment, retention and escalation-delivery runs of this tenant.");
        return api;
    }

    private static async Task<Ok<TenantJobsView>> GetAsync(ComplianceDbContext db, JobStorage storage, CancellationToken ct)
    {
        var lastAssessed = await db.Set<SiteRiskAssessment>().MaxAsync(a => (DateTimeOffset?)a.AssessedAt, ct);
        var lastAttempt = await db.Set<EscalationAttempt>().MaxAsync(a => (DateTimeOffset?)a.AttemptedAt, ct);
        var statuses = await db.Set<Escalation>().GroupBy(e => e.Status).Select(g => new { Status = g.Key, Count = g.Count(), Delivered = g.Max(e => e.DeliveredAt) })
            .ToListAsync(ct);
        int CountOf(string status) => statuses.Where(s => s.Status == status).Sum(s => s.Count);

        var recurring = Recurring(storage);
        var assessment = recurring.GetValueOrDefault(RecurringJobs.RiskAssessment);
        var retention = recurring.GetValueOrDefault(RecurringJobs.Retention);
        return TypedResults.Ok(new TenantJobsView(
            new JobRun(lastAssessed, Utc(assessment?.NextExecution)),

            // Retention runs over every tenant at once; its last run is that shared run's time, not a fact about a case.
            new JobRun(Utc(retention?.LastExecution), Utc(retention?.NextExecution)),
            new DeliveryRuns(
                lastAttempt,
                statuses.Max(s => s.Delivered),
                CountOf(EscalationStatus.Pending),
                CountOf(EscalationStatus.Failed),
                CountOf(EscalationStatus.Delivered))));
    }

    private static Dictionary<string, RecurringJobDto> Recurring(JobStorage storage)
    {
        using var connection = storage.GetConnection();
        return connection.GetRecurringJobs([RecurringJobs.RiskAssessment, RecurringJobs.Retention]).Where(j => !j.Removed).ToDictionary(j => j.Id, StringComparer.Ordinal);
    }

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;
}
