using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Compliance.Api.Infrastructure.Auth;

/// <summary>What a key lookup established: whose key it is, its role, binding and expiry (never the key or its hash).</summary>
public sealed record AuthenticatedKey(Guid KeyId, Guid TenantId, string Role, Guid? SupplierId, DateTimeOffset? ExpiresAt, Guid? OfficeId = null);

public sealed class ApiKeyCacheOptions
{
    public const string Section = "Auth";

    /// <summary>
    /// How long a successful lookup is reused. A backstop only: a change to a key (revocation) evicts it at once, on
    /// this instance and, through PostgreSQL notifications, on every other one. 0 turns the cache off.
    /// </summary>
    public int KeyCacheSeconds { get; set; } = 30;
}

/// <summary>
/// Successful key lookups, by key hash, so a burst of requests (an auditor's tool paging through a feed) pays the
/// lookup round trip once. Safe against revocation because the cache only works while
/// <see cref="ApiKeyChangeListener"/> is listening for changes to <c>api_keys</c> (migration 012): it is empty and
/// unused before the listener is up and whenever its connection is lost, every change evicts the key, and a lookup
/// that raced with any change is not stored. Expiry is checked on every request against the stored expiry. Failed
/// lookups are never stored.
/// </summary>
public sealed class ApiKeyCache(TimeProvider clock, IOptions<ApiKeyCacheOptions> options)
{
    private const int MaxEntries = 10_000;

    private readonly ConcurrentDictionary<string, (AuthenticatedKey Key, DateTimeOffset StoredAt)> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _lifetime = TimeSpan.FromSeconds(options.Value.KeyCacheSeconds);
    private long _version;
    private volatile bool _live;

    /// <summary>Taken before a lookup; <see cref="Store"/> keeps the result only if nothing changed since.</summary>
    public long Version => Interlocked.Read(ref _version);

    public bool TryGet(byte[] hash, out AuthenticatedKey key)
    {
        key = null!;
        if (!_live || !_entries.TryGetValue(Convert.ToHexString(hash), out var entry) || clock.GetUtcNow() - entry.StoredAt >= _lifetime)
        {
            return false;
        }

        key = entry.Key;
        return true;
    }

    public void Store(byte[] hash, AuthenticatedKey key, long version)
    {
        if (!_live || _lifetime <= TimeSpan.Zero)
        {
            return;
        }

        if (_entries.Count >= MaxEntries)
        {
            _entries.Clear();
        }

        _entries[Convert.ToHexString(hash)] = (key, clock.GetUtcNow());
        if (Version != version || !_live)
        {
            // A change arrived while this lookup ran: its answer may be the old one.
            _entries.TryRemove(Convert.ToHexString(hash), out _);
        }
    }

    /// <summary>A key changed (revoked, say): forget it, and refuse to store lookups that were already running.</summary>
    public void Evict(Guid keyId)
    {
        Interlocked.Increment(ref _version);
        foreach (var (hash, entry) in _entries)
        {
            if (entry.Key.KeyId == keyId)
            {
                _entries.TryRemove(hash, out _);
            }
        }
    }

    /// <summary>Something that decides many keys at once changed (a handling link ended): forget every key.</summary>
    public void EvictAll()
    {
        Interlocked.Increment(ref _version);
        _entries.Clear();
    }

    internal void Start()
    {
        Interlocked.Increment(ref _version);
        _entries.Clear();
        _live = true;
    }

    internal void Stop()
    {
        _live = false;
        Interlocked.Increment(ref _version);
        _entries.Clear();
    }
}

/// <summary>
/// Keeps <see cref="ApiKeyCache"/> honest across instances: listens on <c>api_key_changed</c> (a trigger on
/// <c>api_keys</c> notifies every update or delete with the key id) and evicts. While not listening, the cache is off.
/// </summary>
public sealed class ApiKeyChangeListener(NpgsqlDataSource dataSource, ApiKeyCache cache, ILogger<ApiKeyChangeListener> logger) : BackgroundService
{
    public const string Channel = "api_key_changed";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, e) =>
                {
                    if (Guid.TryParse(e.Payload, out var keyId))
                    {
                        cache.Evict(keyId);
                    }
                    else
                    {
                        cache.Stop();
                        cache.Start();
                    }
                };
                await using (var listen = new NpgsqlCommand("listen " + Channel, connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                cache.Start();
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is NpgsqlException or InvalidOperationException or TimeoutException)
            {
                logger.LogWarning("API key cache off: lost the change notifications ({Error}); retrying.", e.GetType().Name);
            }
            finally
            {
                cache.Stop();
            }

            try
            {
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }
    }
}
