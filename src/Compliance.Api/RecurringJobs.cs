using Compliance.Api.Features.Channels;
using Compliance.Api.Features.Risk.Assessment;
using Compliance.Api.Features.WorkerVoice;
using Hangfire;

namespace Compliance.Api;

/// <summary>
/// The one place recurring jobs are registered, in the composition root beside <c>Program.cs</c>: it names jobs of
/// several features, so it lives where every feature is already known and Infrastructure stays free of features.
/// Schedules are cron expressions (UTC) from configuration.
/// </summary>
public static class RecurringJobs
{
    public const string Clocks = "grievance-clocks";
    public const string Retention = "grievance-retention";
    public const string RiskAssessment = "risk-assessment-nightly";
    public const string Reminders = "grievance-reminders";
    public const string ProviderDeletions = "channel-provider-deletions";

    public static void Register(IRecurringJobManager jobs, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(jobs);
        ArgumentNullException.ThrowIfNull(configuration);

        jobs.AddOrUpdate<GrievanceClockJob>(Clocks, j => j.RunAsync(CancellationToken.None), configuration["Jobs:GrievanceClockCron"] ?? Cron.Hourly());
        jobs.AddOrUpdate<GrievanceRetentionJob>(Retention, j => j.RunAsync(CancellationToken.None), configuration["Jobs:GrievanceRetentionCron"] ?? Cron.Daily());
        jobs.AddOrUpdate<GrievanceReminderJob>(Reminders, j => j.RunAsync(CancellationToken.None), configuration["Jobs:GrievanceReminderCron"] ?? Cron.Daily(5));
        jobs.AddOrUpdate<ProviderDeletionSweepJob>(ProviderDeletions, j => j.RunAsync(CancellationToken.None), configuration["Jobs:ProviderDeletionCron"] ?? Cron.Hourly());
        jobs.AddOrUpdate<RiskAssessmentJob>(RiskAssessment, j => j.EnqueueAllTenantsAsync(CancellationToken.None), configuration["Jobs:RiskAssessmentCron"] ?? Cron.Daily(2));
    }
}
