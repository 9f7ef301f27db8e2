using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using Compliance.Api;
using Compliance.Api.Features.Channels;
using Compliance.Api.Features.Risk.Assessment;
using Compliance.Api.Features.Risk.Escalations;
using Compliance.Api.Features.WorkerVoice;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Risk;
using Hangfire;
using Hangfire.Common;
using Hangfire.Storage;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Server;

namespace Compliance.IntegrationTests.Jobs;

/// <summary>
/// The app with the real Hangfire server running on its PostgreSQL storage (every other suite turns it off and runs
/// jobs by hand). Retries wait 1 s, then 3 s (<c>Escalation:RetryDelaysSeconds</c>), the scheduler looks for due
/// retries every second and an attempt times out after 1 s, so a three-attempt delivery takes seconds, not minutes.
/// Pass <paramref name="database"/> to start a second host on the database of a first one (a restart).
/// </summary>
public sealed class RealHangfireServerFactory(string? database = null, bool runServer = true) : ComplianceApiFactory
{
    public static readonly int[] RetryDelaysSeconds = [1, 3];

    // A restarted installation keeps its keys (signing secrets are sealed under the master key); each host would
    // otherwise make its own in Testing.
    private static readonly string MasterKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));
    private static readonly string ReceiptKey = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public override async Task InitializeAsync()
    {
        if (database is null)
        {
            await base.InitializeAsync();
        }
        else
        {
            OwnerConnectionString = database;
        }
    }

    /// <summary>Stops this host and leaves its database for the next one (disposing the fixture drops it).</summary>
    public ValueTask StopHostAsync() => ((WebApplicationFactory<Program>)this).DisposeAsync();

    public JobStorage Storage => Services.GetRequiredService<JobStorage>();

    protected override IEnumerable<KeyValuePair<string, string?>> Settings() =>
    [
        new("Jobs:RunServer", runServer ? "true" : "false"),
        new("Jobs:SchedulePollingIntervalSeconds", "1"),
        new("WorkerVoice:MasterKey", MasterKey),
        new("WorkerVoice:ReceiptKey", ReceiptKey),
        new("Escalation:AllowLoopback", "true"),
        new("Escalation:TimeoutSeconds", "1"),
        new("Escalation:MaxAttempts", "4"),
        .. RetryDelaysSeconds.Select((d, i) => new KeyValuePair<string, string?>($"Escalation:RetryDelaysSeconds:{i}", d.ToString(CultureInfo.InvariantCulture))),
    ];
}

public sealed class RealHangfireServerTests : IAsyncLifetime
{
    private const string Secret = "real-server-signing-secret-0123456789-abc";

    // A bound on waiting for the server, not a speed claim: the test fails only if the outcome never comes. Generous,
    // because a loaded 2-core machine (a mutation run beside CI) once took over 60 s to settle both deliveries.
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(180);

    private readonly WireMockServer _destination = WireMockServer.Start();
    private readonly List<RealHangfireServerFactory> _hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _destination.Stop();

        // The first host owns the database; later hosts on it only stop.
        for (var i = _hosts.Count - 1; i > 0; i--)
        {
            await _hosts[i].StopHostAsync();
        }

        if (_hosts.Count > 0)
        {
            await ((IAsyncLifetime)_hosts[0]).DisposeAsync();
        }
    }

    private async Task<RealHangfireServerFactory> StartHostAsync(string? database = null, bool runServer = true)
    {
        var host = new RealHangfireServerFactory(database, runServer);
        _hosts.Add(host);
        await host.InitializeAsync();
        return host;
    }

    /// <summary>
    /// Documented in docs/worker-voice.md (clocks hourly, retention daily, reminders daily at 05:00 UTC), docs/channels.md (the Twilio deletion sweep hourly) and docs/risk-model.md (assessment nightly
    /// at 02:00 UTC). Mutation that fails it: <c>Cron.Daily(2)</c> → <c>Cron.Daily()</c> in RecurringJobs.Register
    /// (tried: "0 0 * * *" where "0 2 * * *" was expected).
    /// </summary>
    [Fact]
    public async Task RecurringJobs_AreRegisteredUnderTheirDocumentedSchedules_WithTheServerRunning()
    {
        var host = await StartHostAsync();

        await EventuallyAsync(() => Task.FromResult(host.Storage.GetMonitoringApi().Servers().Count == 1), "the Hangfire server to start");
        using var connection = host.Storage.GetConnection();
        var jobs = connection.GetRecurringJobs().ToDictionary(j => j.Id);

        Assert.Equal([RecurringJobs.ProviderDeletions, RecurringJobs.Clocks, RecurringJobs.Reminders, RecurringJobs.Retention, RecurringJobs.RiskAssessment], jobs.Keys.Order(StringComparer.Ordinal));
        AssertRecurring(jobs[RecurringJobs.ProviderDeletions], "0 * * * *", typeof(ProviderDeletionSweepJob), nameof(ProviderDeletionSweepJob.RunAsync));
        AssertRecurring(jobs[RecurringJobs.Reminders], "0 5 * * *", typeof(GrievanceReminderJob), nameof(GrievanceReminderJob.RunAsync));
        AssertRecurring(jobs[RecurringJobs.Clocks], "0 * * * *", typeof(GrievanceClockJob), nameof(GrievanceClockJob.RunAsync));
        AssertRecurring(jobs[RecurringJobs.Retention], "0 0 * * *", typeof(GrievanceRetentionJob), nameof(GrievanceRetentionJob.RunAsync));
        AssertRecurring(jobs[RecurringJobs.RiskAssessment], "0 2 * * *", typeof(RiskAssessmentJob), nameof(RiskAssessmentJob.EnqueueAllTenantsAsync));
    }

    private static void AssertRecurring(RecurringJobDto job, string cron, Type type, string method)
    {
        Assert.Null(job.LoadException);
        Assert.Equal(cron, job.Cron);
        Assert.Equal("UTC", job.TimeZoneId);
        Assert.Equal(type, job.Job.Type);
        Assert.Equal(method, job.Job.Method.Name);
    }

    /// <summary>
    /// The production backoff docs/escalation.md states (30 s … 1 h) is what an unconfigured host uses, one delay per
    /// retry of the budget. Mutation that fails it: any change to <c>DefaultRetryDelaysSeconds</c>.
    /// </summary>
    [Fact]
    public void DefaultBackoff_IsTheDocumentedOne()
    {
        Assert.Equal([30, 60, 120, 300, 600, 1200, 1800, 3600, 3600, 3600], new EscalationOptions().RetryDelays());
        Assert.Equal([1, 3, 3, 3, 3, 3, 3, 3, 3, 3], new EscalationOptions { RetryDelaysSeconds = RealHangfireServerFactory.RetryDelaysSeconds }.RetryDelays());
    }

    /// <summary>
    /// 500, then an answer slower than the timeout, then 200: the server retries twice, after exactly the configured
    /// delays (read from Hangfire's own state history), sends once more after the 200 never, and the API shows the
    /// three attempts. Mutations that fail it: registering the retry policy with
    /// <c>EscalationOptions.DefaultRetryDelaysSeconds</c> instead of <c>RetryDelays()</c> in RiskModule (tried: the
    /// 30 s retry outlasts the deadline), or dropping the policy (Hangfire's global retry waits its own random delays).
    /// </summary>
    [Fact]
    public async Task A500_ThenATimeout_Then200_IsRetriedWithTheConfiguredBackoff_AndDeliveredOnce()
    {
        var host = await StartHostAsync();
        var path = $"/hooks/{Guid.NewGuid():N}";
        var scenario = path;
        Stub(path).InScenario(scenario).WillSetStateTo("slow").RespondWith(Response.Create().WithStatusCode(500));

        // Answered after 2 s against a 1 s timeout; the scenario moves on when this answer is written, 1 s before the
        // retry (3 s after the timeout) can arrive.
        Stub(path).InScenario(scenario).WhenStateIs("slow").WillSetStateTo("up").RespondWith(Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(2)));
        Stub(path).InScenario(scenario).WhenStateIs("up").RespondWith(Response.Create().WithStatusCode(200));
        var tenant = await host.CreateTenantAsync();
        await CreateDestinationAsync(tenant, path);
        await tenant.CriticalSiteAsync();

        // Through the API: the server runs the assessment, which enqueues the delivery.
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsync("/api/v1/risk-assessments/run", null), 202);
        var escalation = await DeliveredEscalationAsync(tenant);
        var id = escalation.GetProperty("id").GetGuid();

        var attempts = escalation.GetProperty("attempts").EnumerateArray().ToList();
        Assert.Equal([1, 2, 3], attempts.Select(a => a.GetProperty("attempt").GetInt32()));
        Assert.Equal(500, attempts[0].GetProperty("statusCode").GetInt32());
        Assert.Equal(JsonValueKind.Null, attempts[1].GetProperty("statusCode").ValueKind);
        Assert.Contains("Timeout", attempts[1].GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.Equal(200, attempts[2].GetProperty("statusCode").GetInt32());
        Assert.Equal(3, escalation.GetProperty("attemptCount").GetInt32());

        // One Hangfire job, retried twice after the configured delays, then succeeded and never run again.
        var jobId = await SettledDeliveryJobAsync(host, id);
        var retries = host.Storage.GetMonitoringApi().JobDetails(jobId).History
            .Where(h => h.StateName == Hangfire.States.ScheduledState.StateName)
            .Select(h => (h.Reason, ScheduledAt: JobHelper.DeserializeDateTime(h.Data["ScheduledAt"]), EnqueueAt: JobHelper.DeserializeDateTime(h.Data["EnqueueAt"])))
            .OrderBy(h => h.ScheduledAt)
            .ToList();
        Assert.Equal(2, retries.Count);
        Assert.All(retries, r => Assert.StartsWith("Retry attempt", r.Reason, StringComparison.Ordinal));
        Assert.Equal(RealHangfireServerFactory.RetryDelaysSeconds, retries.Select(r => (int)Math.Round((r.EnqueueAt - r.ScheduledAt).TotalSeconds)));

        var received = Received(path);
        Assert.Equal(3, received.Count);
        Assert.All(received, r => Assert.Equal(id.ToString(), r.IdempotencyKey));
        Assert.Equal(3, (await EscalationAsync(tenant, id)).GetProperty("attempts").GetArrayLength());
    }

    /// <summary>
    /// The host stops after the escalation is created and its delivery queued, before anything is sent. A new host
    /// on the same database finds the queued delivery, and a new assessment run queues it once more (the healing
    /// path): two jobs, one escalation. The first answer is a 500, so a retry happens too. Exactly one 200 reaches
    /// the receiver and every request carries the escalation id as its Idempotency-Key. Mutation that fails it:
    /// <c>Guid.NewGuid().ToString()</c> for the header in EscalationDeliveryJob.SendAsync (tried: the keys differ).
    /// </summary>
    [Fact]
    public async Task AHostStoppedBetweenCreatedAndSent_DeliversExactlyOnceAfterRestart_WithOneIdempotencyKey()
    {
        var path = $"/hooks/{Guid.NewGuid():N}";
        Stub(path).InScenario(path).WillSetStateTo("up").RespondWith(Response.Create().WithStatusCode(500));
        Stub(path).InScenario(path).WhenStateIs("up").RespondWith(Response.Create().WithStatusCode(200));

        var first = await StartHostAsync(runServer: false);
        var tenant = await first.CreateTenantAsync();
        await CreateDestinationAsync(tenant, path);
        await tenant.CriticalSiteAsync();
        await using (var scope = first.CreateScope())
        {
            await scope.ServiceProvider.GetRequiredService<RiskAssessmentJob>().RunAsync(tenant.TenantId, CancellationToken.None);
        }

        var created = Assert.Single((await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/escalations"))).GetProperty("items").EnumerateArray());
        var id = created.GetProperty("id").GetGuid();
        Assert.Equal("pending", created.GetProperty("status").GetString());
        Assert.Equal(1, first.Storage.GetMonitoringApi().EnqueuedCount("default"));
        await first.StopHostAsync();
        Assert.Empty(Received(path));

        var second = await StartHostAsync(first.OwnerConnectionString);
        var again = tenant with { Factory = second };
        await Http.EnsureStatusAsync(await again.Owner.PostAsync("/api/v1/risk-assessments/run", null), 202);
        var escalation = await DeliveredEscalationAsync(again);
        Assert.Equal(id, escalation.GetProperty("id").GetGuid());

        // Both copies of the delivery job have run (or been skipped) before the receiver is counted.
        await EventuallyAsync(() => Task.FromResult(DeliveryJobs(second, id).Count(j => j.State == SucceededState()) == 2), "both delivery jobs to settle");
        var received = Received(path);
        Assert.Equal([500, 200], received.Select(r => r.StatusCode));
        Assert.All(received, r => Assert.Equal(id.ToString(), r.IdempotencyKey));
        var attempts = (await EscalationAsync(again, id)).GetProperty("attempts").EnumerateArray().Select(a => a.GetProperty("statusCode").GetInt32());
        Assert.Equal([500, 200], attempts);
    }

    private IRespondWithAProvider Stub(string path) => _destination.Given(Request.Create().WithPath(path).UsingPost());

    private List<(int StatusCode, string? IdempotencyKey)> Received(string path) =>
        [.. _destination.LogEntries
            .Where(e => e.RequestMessage.Path == path)
            .OrderBy(e => e.RequestMessage.DateTime)
            .Select(e => (
                Convert.ToInt32(e.ResponseMessage.StatusCode, CultureInfo.InvariantCulture),
                e.RequestMessage.Headers is { } headers && headers.TryGetValue("Idempotency-Key", out var key) ? key.SingleOrDefault() : null))];

    private async Task CreateDestinationAsync(TestTenant tenant, string path) =>
        await Http.IdAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/escalation-destinations", new
        {
            name = "Child protection MY",
            kind = "child-protection",
            jurisdiction = "MY",
            url = $"http://127.0.0.1:{_destination.Port}{path}",
            signingSecret = Secret,
            minimumLevel = "critical",
            active = true,
        }));

    private static async Task<JsonElement> EscalationAsync(TestTenant tenant, Guid id) =>
        await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/escalations/{id}"));

    /// <summary>Polls the API until the tenant's one escalation is delivered; fails if it never is, or fails.</summary>
    private static async Task<JsonElement> DeliveredEscalationAsync(TestTenant tenant)
    {
        JsonElement? delivered = null;
        await EventuallyAsync(
            async () =>
            {
                var items = (await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/escalations"))).GetProperty("items").EnumerateArray().ToList();
                Assert.True(items.Count <= 1, "one escalation expected");
                Assert.DoesNotContain(items, i => i.GetProperty("status").GetString() == "failed");
                if (items is [var item] && item.GetProperty("status").GetString() == "delivered")
                {
                    delivered = await EscalationAsync(tenant, item.GetProperty("id").GetGuid());
                }

                return delivered is not null;
            },
            "the escalation to be delivered");
        return delivered!.Value;
    }

    private static async Task<string> SettledDeliveryJobAsync(RealHangfireServerFactory host, Guid escalationId)
    {
        string? jobId = null;
        await EventuallyAsync(
            () =>
            {
                jobId = DeliveryJobs(host, escalationId).SingleOrDefault(j => j.State == SucceededState()).Id;
                return Task.FromResult(jobId is not null);
            },
            "the delivery job to succeed");
        Assert.Single(DeliveryJobs(host, escalationId));
        return jobId!;
    }

    /// <summary>Every delivery job Hangfire holds for the escalation, in any state, with its current state.</summary>
    private static List<(string Id, string State)> DeliveryJobs(RealHangfireServerFactory host, Guid escalationId)
    {
        var monitoring = host.Storage.GetMonitoringApi();
        static bool Delivers(Job? job, Guid id) => job?.Type == typeof(EscalationDeliveryJob) && job.Args.Count > 1 && Equals(job.Args[1], id);
        return
        [
            .. monitoring.EnqueuedJobs("default", 0, 1000).Where(j => Delivers(j.Value.Job, escalationId)).Select(j => (j.Key, "Enqueued")),
            .. monitoring.ScheduledJobs(0, 1000).Where(j => Delivers(j.Value.Job, escalationId)).Select(j => (j.Key, "Scheduled")),
            .. monitoring.ProcessingJobs(0, 1000).Where(j => Delivers(j.Value.Job, escalationId)).Select(j => (j.Key, "Processing")),
            .. monitoring.SucceededJobs(0, 1000).Where(j => Delivers(j.Value.Job, escalationId)).Select(j => (j.Key, SucceededState())),
            .. monitoring.FailedJobs(0, 1000).Where(j => Delivers(j.Value.Job, escalationId)).Select(j => (j.Key, "Failed")),
        ];
    }

    private static string SucceededState() => Hangfire.States.SucceededState.StateName;

    private static async Task EventuallyAsync(Func<Task<bool>> probe, string what)
    {
        var waited = Stopwatch.StartNew();
        while (!await probe())
        {
            Assert.True(waited.Elapsed < Deadline, $"Gave up waiting for {what} after {Deadline.TotalSeconds} s.");
            await Task.Delay(250);
        }
    }
}
