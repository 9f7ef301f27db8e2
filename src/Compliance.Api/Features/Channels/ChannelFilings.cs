using Compliance.Api.Features.WorkerVoice;

namespace Compliance.Api.Features.Channels;

/// <summary>
/// Files the report a channel conversation gathered, the same way for every channel: from the conversation's own
/// filing budget (its keyed hash: every webhook comes from the provider's address, so the address cannot be the
/// client), through the web intake's filing, with the conversation's provider message ids queued for deletion at the
/// provider. One place, so no channel files without the budget or leaves its messages at the provider.
/// </summary>
public sealed class ChannelFilings(FilingLimiter filings, WorkerIntake intake, ProviderDeletions deletions)
{
    /// <returns>The filed grievance, or null when the conversation's filing budget is spent (nothing written).</returns>
    public async Task<FiledGrievance?> FileAsync(string key, Conversation c, NewGrievance report, CancellationToken ct)
    {
        if (!filings.TryTake(key))
        {
            return null;
        }

        var filed = await intake.FileAsync(c.TenantId, c.SiteId!.Value, report, ct);
        await deletions.QueueAsync(c.TenantId, c.ProviderIds, ct);
        return filed;
    }
}
