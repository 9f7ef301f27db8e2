using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Jobs;
using Compliance.Api.Infrastructure.Tenancy;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Compliance.Api.Features.Channels;

/// <summary>A provider message (or call) whose copy at the provider is still to be deleted (migration 025).</summary>
public sealed class ChannelMessageDeletion : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public required string Provider { get; set; }

    public required string MessageSid { get; set; }

    public DateOnly QueuedOn { get; set; }
}

internal sealed class ChannelMessageDeletionConfiguration : IEntityTypeConfiguration<ChannelMessageDeletion>
{
    public void Configure(EntityTypeBuilder<ChannelMessageDeletion> builder) => builder.ToTable("channel_message_deletions");
}

/// <summary>
/// Queues Twilio SIDs for deletion at Twilio. <see cref="RecordAsync"/> writes each inbound message's SID as it arrives,
/// so a conversation abandoned half-way (forgotten from memory after 30 minutes, or lost with the process) still has
/// its messages deleted by the hourly sweep; <see cref="QueueAsync"/> also enqueues the deletion at once (a filing, a
/// receipt, a delivered reply, a finished call). The job's only argument is the tenant id: SIDs stay in a table
/// (deleted once Twilio confirms), never in a job's arguments, and no phone number is anywhere near either.
/// </summary>
public sealed class ProviderDeletions(NpgsqlDataSource dataSource, ModelInserts inserts, IBackgroundJobClient jobs, TimeProvider clock)
{
    public const string Twilio = "twilio";

    /// <summary>Records the SIDs (the valid ones, once each) and enqueues the tenant's deletion job.</summary>
    public async Task QueueAsync(Guid tenantId, IReadOnlyCollection<string> sids, CancellationToken ct)
    {
        if (await RecordAsync(tenantId, sids, ct))
        {
            jobs.Enqueue<ProviderDeletionJob>(j => j.RunAsync(tenantId, CancellationToken.None));
        }
    }

    /// <summary>
    /// An inbound message or call of <paramref name="conversation"/>, recorded now (so an abandoned conversation is still
    /// swept) and kept in the conversation (so its filing or receipt enqueues the deletion at once). Anything but a
    /// Twilio SID (a WhatsApp id) is ignored.
    /// </summary>
    public async Task RecordAsync(Conversation conversation, string? sid, CancellationToken ct)
    {
        if (sid is not null && await RecordAsync(conversation.TenantId, [sid], ct))
        {
            conversation.ProviderIds.Add(sid);
        }
    }

    /// <summary>
    /// Records the SIDs for the next deletion run (enqueued or the hourly sweep); false when none was valid. One round
    /// trip on every inbound webhook: the tenant scope and an <c>INSERT … ON CONFLICT DO NOTHING</c> in one batch (one
    /// implicit transaction), so a redelivered message is recorded once.
    /// </summary>
    public async Task<bool> RecordAsync(Guid tenantId, IReadOnlyCollection<string> sids, CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var rows = sids.Where(IsSid).Distinct(StringComparer.Ordinal)
            .Select(sid => new ChannelMessageDeletion { Id = Guid.NewGuid(), Provider = Twilio, MessageSid = sid, QueuedOn = today })
            .ToList();
        if (rows.Count == 0)
        {
            return false;
        }

        var insert = inserts.Command(tenantId, rows);
        insert.CommandText += " on conflict (tenant_id, provider, message_sid) do nothing";
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection) { BatchCommands = { TenantSql.BatchCommand(tenantId, supplierId: null), insert } };
        await batch.ExecuteNonQueryAsync(ct);
        return true;
    }

    /// <summary>A Twilio message (SM, MM) or call (CA) SID: two letters and 32 hex digits.</summary>
    public static bool IsSid(string? sid) =>
        sid is { Length: 34 } && (sid.StartsWith("SM", StringComparison.Ordinal) || sid.StartsWith("MM", StringComparison.Ordinal) || sid.StartsWith("CA", StringComparison.Ordinal))
        && sid[2..].All(char.IsAsciiHexDigitLower);
}

/// <summary>
/// Asks Twilio to delete its copies (<c>DELETE /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json</c>, or
/// <c>Calls/{Sid}.json</c> for a call), then forgets the SID. Re-entrant: a SID Twilio no longer has (404) counts as
/// deleted; any other failure is thrown after the rest were tried, so Hangfire retries the ones left.
/// </summary>
public sealed class ProviderDeletionJob(ComplianceDbContext db, IHttpClientFactory http, IOptions<ChannelsOptions> options)
{
    public const string HttpClientName = "twilio-rest";

    public async Task RunAsync(Guid tenantId, CancellationToken ct)
    {
        await using var tx = await db.BeginTenantTransactionAsync(tenantId, ct);
        var pending = await db.Set<ChannelMessageDeletion>().OrderBy(d => d.Id).ToListAsync(ct);
        if (pending.Count == 0)
        {
            return;
        }

        var twilio = options.Value.Twilio;
        if (options.Value.MissingForTwilio() is { } missing)
        {
            throw new InvalidOperationException($"{missing} is not set; SIDs stay queued until it is.");
        }

        using var client = http.CreateClient(HttpClientName);
        client.DefaultRequestHeaders.Authorization = BasicAuth(twilio);
        var failed = 0;
        foreach (var deletion in pending)
        {
            var resource = deletion.MessageSid.StartsWith("CA", StringComparison.Ordinal) ? "Calls" : "Messages";
            var url = $"{twilio.ApiBaseUrl!.TrimEnd('/')}/2010-04-01/Accounts/{Uri.EscapeDataString(twilio.AccountSid!)}/{resource}/{deletion.MessageSid}.json";
            using var response = await client.DeleteAsync(url, ct);
            if (response.IsSuccessStatusCode || response.StatusCode == HttpStatusCode.NotFound)
            {
                db.Remove(deletion);
            }
            else
            {
                failed++;
            }
        }

        await db.SaveChangesAsync(ct);
        await tx.CommitAsync(ct);
        if (failed > 0)
        {
            throw new HttpRequestException($"Twilio refused {failed} of {pending.Count} deletions; they stay queued for the retry.");
        }
    }

    /// <summary>Twilio's REST authentication: HTTP Basic with the account SID and auth token.</summary>
    internal static AuthenticationHeaderValue BasicAuth(TwilioChannelOptions twilio) =>
        new("Basic", Convert.ToBase64String(Encoding.ASCII.GetBytes($"{twilio.AccountSid}:{twilio.AuthToken}")));
}

/// <summary>
/// The hourly sweep: runs <see cref="ProviderDeletionJob"/> for every tenant with SIDs still queued (an abandoned
/// conversation's messages, a run that failed). Each tenant in its own scope; a tenant whose deletions fail does not stop
/// the others, and the sweep throws at the end so Hangfire records and retries it.
/// </summary>
public sealed class ProviderDeletionSweepJob(NpgsqlDataSource dataSource, IServiceScopeFactory scopes)
{
    public async Task RunAsync(CancellationToken ct)
    {
        var failures = new List<Exception>();
        foreach (var tenantId in await PerTenantJob.TenantIdsAsync(dataSource, ct))
        {
            await using var scope = scopes.CreateAsyncScope();
            try
            {
                await scope.ServiceProvider.GetRequiredService<ProviderDeletionJob>().RunAsync(tenantId, ct);
            }
            catch (Exception e) when (e is HttpRequestException or InvalidOperationException)
            {
                failures.Add(e);
            }
        }

        if (failures.Count > 0)
        {
            throw new AggregateException("Twilio deletions failed for some tenants; their SIDs stay queued.", failures);
        }
    }
}
