using Compliance.Api.Features.WorkerVoice;
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
        jobs.AddOrUpdate<GrievanceClockJob>("grievance-clocks", j => j.RunAsync(CancellationToken.None), configuration["Jobs:GrievanceClockCron"] ?? Cron.Hourly());
        jobs.AddOrUpdate<GrievanceRetentionJob>("grievance-retention", j => j.RunAsync(CancellationToken.None), configuration["Jobs:GrievanceRetentionCron"] ?? Cron.Daily());
    }
}
