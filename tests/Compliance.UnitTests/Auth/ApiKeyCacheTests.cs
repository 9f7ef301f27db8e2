using Compliance.Api.Infrastructure.Auth;
using Microsoft.Extensions.Options;

namespace Compliance.UnitTests.Auth;

/// <summary>
/// The key cache's own rules, decided without a database: it is unused until the change listener starts it and
/// after it stops; an entry lives exactly its lifetime; a lookup that raced with a change is not kept; eviction
/// touches only the changed key; 0 (or less) turns it off; a full cache starts over. The listener and the real
/// revocation path are in the integration <c>Foundation/ApiKeyCacheTests</c>.
/// </summary>
public class ApiKeyCacheTests
{
    private sealed class ManualClock : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = new(2026, 11, 2, 9, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly ManualClock _clock = new();

    private ApiKeyCache Cache(int seconds = 30, bool started = true)
    {
        var cache = new ApiKeyCache(_clock, Options.Create(new ApiKeyCacheOptions { KeyCacheSeconds = seconds }));
        if (started)
        {
            cache.Start();
        }

        return cache;
    }

    private static (byte[] Hash, AuthenticatedKey Key) Entry(int n, Guid? keyId = null) =>
        (ApiKeySecrets.Hash($"ck_test_{n}"), new AuthenticatedKey(keyId ?? Guid.NewGuid(), Guid.NewGuid(), Roles.Auditor, null, null));

    private static void Store(ApiKeyCache cache, (byte[] Hash, AuthenticatedKey Key) e) => cache.Store(e.Hash, e.Key, cache.Version);

    private static bool Has(ApiKeyCache cache, (byte[] Hash, AuthenticatedKey Key) e) =>
        cache.TryGet(e.Hash, out var found) && ReferenceEquals(found, e.Key);

    [Fact]
    public void StoredLookup_IsReused_ByTheSameHashOnly()
    {
        var cache = Cache();
        var (a, b) = (Entry(1), Entry(2));
        Store(cache, a);

        Assert.True(Has(cache, a));
        Assert.False(cache.TryGet(b.Hash, out _));
    }

    [Fact]
    public void BeforeTheListenerStarts_NothingIsStoredOrReused()
    {
        var cache = Cache(started: false);
        var a = Entry(1);
        Store(cache, a);
        Assert.False(cache.TryGet(a.Hash, out _));

        cache.Start();
        Assert.False(cache.TryGet(a.Hash, out _)); // the store before the start was refused, not merely hidden
    }

    [Fact]
    public void AfterTheListenerStops_NothingIsReused_AndAStartBeginsEmpty()
    {
        var cache = Cache();
        var a = Entry(1);
        Store(cache, a);

        cache.Stop();
        Assert.False(cache.TryGet(a.Hash, out _));
        Store(cache, a);

        cache.Start();
        Assert.False(cache.TryGet(a.Hash, out _));
    }

    [Fact]
    public void Restart_ForgetsWhatWasStored()
    {
        var cache = Cache();
        var a = Entry(1);
        Store(cache, a);

        cache.Start(); // the listener reconnected: anything announced meanwhile was missed
        Assert.False(cache.TryGet(a.Hash, out _));
    }

    [Fact]
    public void Entry_LivesItsLifetime_AndNotOneTickMore()
    {
        var cache = Cache(seconds: 30);
        var a = Entry(1);
        Store(cache, a);

        _clock.Now += TimeSpan.FromSeconds(30) - TimeSpan.FromTicks(1);
        Assert.True(Has(cache, a));

        _clock.Now += TimeSpan.FromTicks(1);
        Assert.False(cache.TryGet(a.Hash, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-5)]
    public void ZeroOrLessSeconds_TurnsTheCacheOff(int seconds)
    {
        var cache = Cache(seconds);
        var a = Entry(1);
        Store(cache, a);

        Assert.False(cache.TryGet(a.Hash, out _));
    }

    [Fact]
    public void LookupThatRacedWithAChange_IsNotKept()
    {
        var cache = Cache();
        var a = Entry(1);
        var version = cache.Version;
        cache.Evict(Guid.NewGuid()); // any key changed while the lookup ran

        cache.Store(a.Hash, a.Key, version);
        Assert.False(cache.TryGet(a.Hash, out _));

        cache.Store(a.Hash, a.Key, cache.Version);
        Assert.True(Has(cache, a));
    }

    [Fact]
    public void EveryChange_MovesTheVersion()
    {
        var cache = Cache(started: false);
        var seen = new List<long> { cache.Version };
        cache.Start();
        seen.Add(cache.Version);
        cache.Evict(Guid.NewGuid());
        seen.Add(cache.Version);
        cache.EvictAll();
        seen.Add(cache.Version);
        cache.Stop();
        seen.Add(cache.Version);

        Assert.Equal(seen.Count, seen.Distinct().Count());
    }

    [Fact]
    public void Evict_ForgetsEveryEntryOfThatKey_AndKeepsTheOthers()
    {
        var cache = Cache();
        var revoked = Guid.NewGuid();
        var (a1, a2, b) = (Entry(1, revoked), Entry(2, revoked), Entry(3));
        Store(cache, a1);
        Store(cache, a2);
        Store(cache, b);

        cache.Evict(revoked);

        Assert.False(cache.TryGet(a1.Hash, out _));
        Assert.False(cache.TryGet(a2.Hash, out _));
        Assert.True(Has(cache, b));
    }

    [Fact]
    public void EvictAll_ForgetsEveryKey()
    {
        var cache = Cache();
        var (a, b) = (Entry(1), Entry(2));
        Store(cache, a);
        Store(cache, b);

        cache.EvictAll();

        Assert.False(cache.TryGet(a.Hash, out _));
        Assert.False(cache.TryGet(b.Hash, out _));
    }

    [Fact]
    public void FullCache_StartsOver_AtTenThousandEntries()
    {
        var cache = Cache();
        var first = Entry(0);
        Store(cache, first);
        for (var n = 1; n < 10_000; n++)
        {
            Store(cache, Entry(n));
        }

        Assert.True(Has(cache, first)); // 10,000 entries held

        var next = Entry(10_000);
        Store(cache, next);

        Assert.False(cache.TryGet(first.Hash, out _));
        Assert.True(Has(cache, next));
    }
}
