using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Tenancy;
using Hangfire;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

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
/// Queues a finished conversation's Twilio SIDs for deletion at Twilio and enqueues the job. The job's only argument is
/// the tenant id: SIDs stay in a table (deleted once Twilio confirms), never in a job's arguments, and no phone number
/// is anywhere near either.
/// </summary>
public sealed class ProviderDeletions(ComplianceDbContext db, IBackgroundJobClient jobs, TimeProvider clock)
{
    public const string Twilio = "twilio";

    public async Task QueueAsync(Guid tenantId, IReadOnlyCollection<string> sids, CancellationToken ct)
    {
        var valid = sids.Where(IsSid).Distinct(StringComparer.Ordinal).ToList();
        if (valid.Count == 0)
        {
            return;
        }

        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        await using (var tx = await db.BeginTenantTransactionAsync(tenantId, ct))
        {
            var known = await db.Set<ChannelMessageDeletion>().Where(d => valid.Contains(d.MessageSid)).Select(d => d.MessageSid).ToListAsync(ct);
            foreach (var sid in valid.Except(known, StringComparer.Ordinal))
            {
                db.Add(new ChannelMessageDeletion { Id = Guid.NewGuid(), Provider = Twilio, MessageSid = sid, QueuedOn = today });
            }

            await db.SaveChangesAsync(ct);
            await tx.CommitAsync(ct);
        }

        jobs.Enqueue<ProviderDeletionJob>(j => j.RunAsync(tenantId, CancellationToken.None));
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
        var twilio = options.Value.Twilio;
        if (options.Value.MissingForTwilio() is { } missing)
        {
            throw new InvalidOperationException($"{missing} is not set; SIDs stay queued until it is.");
        }

        await using var tx = await db.BeginTenantTransactionAsync(tenantId, ct);
        var pending = await db.Set<ChannelMessageDeletion>().OrderBy(d => d.Id).ToListAsync(ct);
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
