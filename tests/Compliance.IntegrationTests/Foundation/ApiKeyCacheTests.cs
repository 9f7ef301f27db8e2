using System.Net;
using System.Net.Http.Json;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Foundation;

/// <summary>
/// A successful key lookup is reused (<c>ApiKeyCache</c>), and a change to the key evicts it: through the API at
/// once, and from another instance (a change made straight in the database) as soon as PostgreSQL announces the
/// commit (<c>api_key_changed</c>). The test clock does not move here unless a test moves it, so the cache's
/// lifetime cannot be what makes a key fail.
/// </summary>
public class ApiKeyCacheTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task KeyRevokedByAnotherInstance_FailsAsSoonAsTheCommitIsAnnounced()
    {
        var (id, client) = await CachedKeyAsync(await factory.CreateTenantAsync());
        await RevokeInDatabaseAsync(id);

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusOnceRefusedAsync(client));
    }

    [Fact]
    public async Task WithoutTheAnnouncement_ALookupIsReused_OnlyForItsLifetime()
    {
        var (id, client) = await CachedKeyAsync(await factory.CreateTenantAsync());
        await WithoutAnnouncementsAsync(async () =>
        {
            await RevokeInDatabaseAsync(id);

            // No notice came: the stored lookup answers (this is the reuse that saves the round trip) ...
            await Http.EnsureStatusAsync(await client.GetAsync("/api/v1/suppliers"), 200);

            // ... until its lifetime (Auth:KeyCacheSeconds, 30 s) is over.
            factory.Clock.Advance(TimeSpan.FromSeconds(31));
            await Http.AssertProblemAsync(await client.GetAsync("/api/v1/suppliers"), 401);
        });
    }

    /// <summary>
    /// The listener's connection is cut (a failover, a restart of PostgreSQL): while nothing listens, no lookup is
    /// reused, so a revocation whose notice is lost still bites at once; once the listener is back, lookups are reused
    /// again. Named mutations in <c>ApiKeyChangeListener.ExecuteAsync</c>: drop <c>cache.Start()</c> after
    /// <c>listen</c> (no reuse after the reconnect: the second key answers 401), or drop <c>NpgsqlException</c> from the
    /// retry's exception filter (a lost connection ends the loop: nothing listens again). Dropping <c>cache.Stop()</c>
    /// from the <c>finally</c> is not caught here: the reconnect's <c>Start()</c> clears the entries a second later,
    /// within the wait, and a tighter wait would make the test depend on timing.
    /// </summary>
    [Fact]
    public async Task ListenerConnectionLost_NoLookupIsReused_UntilItListensAgain()
    {
        var tenant = await factory.CreateTenantAsync();
        var (id, client) = await CachedKeyAsync(tenant);
        await WithoutAnnouncementsAsync(async () =>
        {
            Assert.Equal(1L, await factory.ScalarAsync<long>(
                "select count(pg_terminate_backend(pid)) from pg_stat_activity where datname = current_database() and query = 'listen api_key_changed'"));
            await RevokeInDatabaseAsync(id);
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusOnceRefusedAsync(client));

            var listening = 0L;
            for (var attempt = 0; attempt < 100 && listening == 0; attempt++)
            {
                await Task.Delay(100);
                listening = await factory.ScalarAsync<long>(
                    "select count(*) from pg_stat_activity where datname = current_database() and query = 'listen api_key_changed'");
            }

            Assert.Equal(1L, listening);
            var (second, secondClient) = await CachedKeyAsync(tenant);
            await RevokeInDatabaseAsync(second);

            // Listening again, so the lookup is reused (no notice came for this revocation; the trigger is off).
            await Http.EnsureStatusAsync(await secondClient.GetAsync("/api/v1/suppliers"), 200);
        });
    }

    [Fact]
    public async Task CachedAuditorKey_StillExpiresOnTime()
    {
        var tenant = await factory.CreateTenantAsync();
        var auditor = factory.Client(await tenant.KeyAsync("auditor", expiresAt: factory.Clock.GetUtcNow().AddSeconds(10)));
        await Http.EnsureStatusAsync(await auditor.GetAsync("/api/v1/sites"), 200);

        factory.Clock.Advance(TimeSpan.FromSeconds(11));

        await Http.AssertProblemAsync(await auditor.GetAsync("/api/v1/sites"), 401);
    }

    private async Task<(Guid Id, HttpClient Client)> KeyAsync(TestTenant tenant)
    {
        var created = await Http.JsonAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/api-keys", new { name = "cached", role = "compliance" }), 201);
        return (created.GetProperty("id").GetGuid(), factory.Client(created.GetProperty("key").GetString()));
    }

    /// <summary>A new compliance key whose first lookup (200) is now in the cache.</summary>
    private async Task<(Guid Id, HttpClient Client)> CachedKeyAsync(TestTenant tenant)
    {
        var (id, client) = await KeyAsync(tenant);
        await Http.EnsureStatusAsync(await client.GetAsync("/api/v1/suppliers"), 200);
        return (id, client);
    }

    /// <summary>Runs <paramref name="body"/> with the <c>api_key_changed</c> trigger off: changes made meanwhile announce nothing.</summary>
    private async Task WithoutAnnouncementsAsync(Func<Task> body)
    {
        await factory.ScalarAsync<int>("alter table api_keys disable trigger api_keys_changed; select 1");
        try
        {
            await body();
        }
        finally
        {
            await factory.ScalarAsync<int>("alter table api_keys enable trigger api_keys_changed; select 1");
        }
    }

    /// <summary>Asks every 100 ms, for up to 5 s, until the key is refused; returns the last status.</summary>
    private static async Task<HttpStatusCode> StatusOnceRefusedAsync(HttpClient client)
    {
        var status = HttpStatusCode.OK;
        for (var attempt = 0; attempt < 50 && status != HttpStatusCode.Unauthorized; attempt++)
        {
            await Task.Delay(100);
            status = (await client.GetAsync("/api/v1/suppliers")).StatusCode;
        }

        return status;
    }

    private Task<long> RevokeInDatabaseAsync(Guid id) => factory.ScalarAsync<long>(
        "with revoked as (update api_keys set revoked_at = now() where id = @id returning 1) select count(*) from revoked", ("id", id));
}
