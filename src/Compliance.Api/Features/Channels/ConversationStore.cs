using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Features.Channels;

/// <summary>
/// Where a conversation lives while it lasts: in memory only, keyed by an HMAC of (channel, sender) under a key of its
/// own, forgotten 30 minutes after the last message. The sender's number is never a key, a value or a log field: it is
/// hashed on arrival and the hash is all that is kept. Provider message ids are remembered the same way (hashed) for 48
/// hours so that a redelivered webhook files nothing twice and, within 30 minutes, gets the same answer.
/// </summary>
public sealed class ConversationStore
{
    public static readonly TimeSpan Idle = TimeSpan.FromMinutes(30);
    public static readonly TimeSpan DeliveryMemory = TimeSpan.FromHours(48);

    private readonly IMemoryCache _cache;
    private readonly byte[] _key;

    public ConversationStore(IMemoryCache cache, IOptions<ChannelsOptions> options)
    {
        _cache = cache;
        var configured = options.Value.ConversationKey;
        _key = string.IsNullOrWhiteSpace(configured) ? RandomNumberGenerator.GetBytes(32) : Convert.FromBase64String(configured);
    }

    /// <summary>The conversation's key: HMAC-SHA256(channel, sender), hex.</summary>
    public string KeyOf(string channel, string sender) => Hash($"conversation\n{channel}\n{sender}");

    public Conversation? Get(string key) => _cache.TryGetValue<Conversation>("c:" + key, out var c) ? c : null;

    public void Set(string key, Conversation conversation) =>
        _cache.Set("c:" + key, conversation, new MemoryCacheEntryOptions { SlidingExpiration = Idle });

    public void Forget(string key) => _cache.Remove("c:" + key);

    /// <summary>One lock per conversation: a sender's messages are handled one at a time, in order of arrival.</summary>
    public SemaphoreSlim LockFor(string key) =>
        _cache.GetOrCreate("l:" + key, e =>
        {
            e.SlidingExpiration = Idle;
            return new SemaphoreSlim(1, 1);
        })!;

    /// <summary>The keyed hash a provider's message id is remembered by.</summary>
    public string DeliveryKey(string provider, string messageId) => Hash($"delivery\n{provider}\n{messageId}");

    /// <summary>
    /// The answer given to a delivery already handled (empty once it is older than <see cref="Idle"/>: an answer can carry
    /// a receipt, so it is kept no longer than a conversation), or null for a delivery not seen in 48 hours.
    /// </summary>
    public string? Answered(string deliveryKey) =>
        !_cache.TryGetValue("d:" + deliveryKey, out _) ? null : _cache.TryGetValue<string>("r:" + deliveryKey, out var reply) ? reply : string.Empty;

    public void Remember(string deliveryKey, string reply)
    {
        _cache.Set("d:" + deliveryKey, true, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = DeliveryMemory });
        _cache.Set("r:" + deliveryKey, reply, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = Idle });
    }

    private string Hash(string value) => Convert.ToHexString(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes(value)));
}

public enum ConversationStep
{
    Language,
    SiteCode,
    Categories,
    Words,
    Consent,
    FollowUp,
    FollowUpConsent,

    /// <summary>The effectiveness survey's first question (satisfaction 1–5) was asked after a receipt of an ended case.</summary>
    SurveySatisfaction,

    /// <summary>The survey's second question (1 yes, 2 no, 3 prefer not to say).</summary>
    SurveyReprisal,
}

/// <summary>
/// A conversation in progress. Deliberately no field for the sender: the store's key is its only link to a phone, and
/// the provider's request brings the number again each time it is needed to answer.
/// </summary>
public sealed class Conversation
{
    public required string Channel { get; init; }

    public required Guid TenantId { get; init; }

    /// <summary>Sites the number serves; null when it serves the whole tenant.</summary>
    public IReadOnlyList<Guid>? Sites { get; init; }

    public ConversationStep Step { get; set; } = ConversationStep.Language;

    public string Language { get; set; } = "en";

    public Guid? SiteId { get; set; }

    public List<string> Categories { get; } = [];

    public StringBuilder Narrative { get; } = new();

    /// <summary>The follow-up session token of the case this conversation opened by receipt or filed (memory only).</summary>
    public string? Session { get; set; }

    /// <summary>The survey's first answer while the second is asked (memory only, recorded with the second or never).</summary>
    public int? SurveySatisfaction { get; set; }

    /// <summary>Provider ids (Twilio SIDs) of this conversation's messages, queued for deletion when it files or follows up.</summary>
    public List<string> ProviderIds { get; } = [];
}
