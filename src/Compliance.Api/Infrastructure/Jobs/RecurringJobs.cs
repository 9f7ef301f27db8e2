using Compliance.Api.Features.Risk;
using Hangfire;

namespace Compliance.Api.Infrastructure.Jobs;

/// <summary>The one place recurring jobs are registered. Schedules are cron expressions (UTC) from configuration.</summary>
public static class RecurringJobs
{
    public static void Register(IRecurringJobManager jobs, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(configuration);

        // Feature jobs are added here, one line each, e.g.:
        // jobs.AddOrUpdate<ClockJob>("grievance-clocks", j => j.RunAsync(CancellationToken.None), configuration["Jobs:ClockCron"] ?? Cron.Hourly());
        jobs.AddOrUpdate<RiskAssessmentJob>("risk-assessment-nightly", j => j.EnqueueAllTenantsAsync(CancellationToken.None), configuration["Jobs:RiskAssessmentCron"] ?? Cron.Daily(2));
    }
}
