using System.Net.Http.Json;
using System.Text.Json;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Foundation;

public class TenantsAndKeysTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task Signup_ReturnsTenantAndOwnerKey_ThatAuthenticates()
    {
        var tenant = await factory.CreateTenantAsync();

        Assert.StartsWith("ck_", tenant.OwnerKey, StringComparison.Ordinal);
        Assert.True(tenant.OwnerKey.Length >= 50, "key carries at least 128 bits");
        var keys = await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/api-keys"));
        var only = Assert.Single(keys.GetProperty("items").EnumerateArray());
        Assert.Equal("owner", only.GetProperty("role").GetString());
    }

    [Fact]
    public async Task Signup_WithBadFields_Is400NamingEachField_AndWritesNothing()
    {
        var before = await factory.CountRowsAsync("tenants");

        var response = await factory.Client().PostAsJsonAsync("/api/v1/tenants", new { name = "", contactEmail = "not-an-email" });

        await Http.AssertValidationProblemAsync(response, "name", "contactEmail");
        Assert.Equal(before, await factory.CountRowsAsync("tenants"));
    }

    [Fact]
    public async Task Signup_WithUnknownProperty_Is400NamingIt()
    {
        var response = await factory.Client().PostAsJsonAsync("/api/v1/tenants", new { name = "x", contactEmail = "a@b.co", plan = "enterprise" });

        await Http.AssertValidationProblemAsync(response, "plan");
    }

    [Fact]
    public async Task Keys_AreStoredOnlyAsHash_AndListNeverShowsSecret()
    {
        var tenant = await factory.CreateTenantAsync();
        var key = await tenant.KeyAsync("compliance");

        var list = await tenant.Owner.GetStringAsync("/api/v1/api-keys");
        var stored = await factory.ScalarAsync<long>(
            "select count(*) from api_keys where tenant_id = @t and (name like '%' || @k || '%' or prefix = @k)", ("t", tenant.TenantId), ("k", key));

        Assert.DoesNotContain(key, list, StringComparison.Ordinal);
        Assert.Contains(key[..11], list, StringComparison.Ordinal); // the visible prefix identifies it
        Assert.Equal(0, stored);
    }

    [Fact]
    public async Task RevokedKey_Gets401_OnItsVeryNextRequest()
    {
        var tenant = await factory.CreateTenantAsync();
        var response = await tenant.Owner.PostAsJsonAsync("/api/v1/api-keys", new { name = "temp", role = "compliance" });
        var created = await Http.JsonAsync(response, 201);
        var client = factory.Client(created.GetProperty("key").GetString());
        await Http.EnsureStatusAsync(await client.GetAsync("/api/v1/suppliers"), 200);

        await Http.EnsureStatusAsync(await tenant.Owner.DeleteAsync($"/api/v1/api-keys/{created.GetProperty("id").GetGuid()}"), 204);

        await Http.AssertProblemAsync(await client.GetAsync("/api/v1/suppliers"), 401);
    }

    [Fact]
    public async Task ExpiredAuditorKey_Gets401()
    {
        var tenant = await factory.CreateTenantAsync();
        var auditor = factory.Client(await tenant.KeyAsync("auditor", expiresAt: factory.Clock.GetUtcNow().AddHours(1)));
        await Http.EnsureStatusAsync(await auditor.GetAsync("/api/v1/sites"), 200);

        factory.Clock.Advance(TimeSpan.FromHours(2));

        await Http.AssertProblemAsync(await auditor.GetAsync("/api/v1/sites"), 401);
    }

    [Theory]
    [InlineData("{\"name\":\"k\",\"role\":\"auditor\"}", "expiresAt")]
    [InlineData("{\"name\":\"k\",\"role\":\"supplier\"}", "supplierId")]
    [InlineData("{\"name\":\"k\",\"role\":\"root\"}", "role")]
    [InlineData("{\"name\":\"\",\"role\":\"owner\"}", "name")]
    [InlineData("{\"name\":\"k\",\"role\":\"owner\",\"expiresAt\":\"2020-01-01T00:00:00Z\"}", "expiresAt")]
    [InlineData("{\"name\":\"k\",\"role\":\"supplier\",\"supplierId\":\"00000000-0000-0000-0000-000000000001\"}", "supplierId")]
    [InlineData("{\"name\":\"k\",\"role\":\"owner\",\"expiresAt\":\"tomorrow\"}", "expiresAt")]
    public async Task CreateKey_WithBadInput_Is400NamingTheField_AndWritesNothing(string json, string field)
    {
        var tenant = await factory.CreateTenantAsync();
        var before = await factory.CountRowsAsync("api_keys");

        var response = await tenant.Owner.PostAsync("/api/v1/api-keys", new StringContent(json, System.Text.Encoding.UTF8, "application/json"));

        await Http.AssertValidationProblemAsync(response, field);
        Assert.Equal(before, await factory.CountRowsAsync("api_keys"));
    }

    [Theory]
    [InlineData("compliance")]
    [InlineData("auditor")]
    [InlineData("case-handler")]
    public async Task KeyManagement_IsOwnerOnly(string role)
    {
        var tenant = await factory.CreateTenantAsync();
        var client = await tenant.ClientAsync(role);

        await Http.AssertProblemAsync(await client.GetAsync("/api/v1/api-keys"), 403);
        await Http.AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/api-keys", new { name = "x", role = "owner" }), 403);
    }

    [Fact]
    public async Task AnotherTenantsKey_Is404_AndNeverListed()
    {
        var a = await factory.CreateTenantAsync();
        var b = await factory.CreateTenantAsync();
        var created = await Http.JsonAsync(await a.Owner.PostAsJsonAsync("/api/v1/api-keys", new { name = "a-key", role = "compliance" }), 201);
        var id = created.GetProperty("id").GetGuid();

        await Http.AssertProblemAsync(await b.Owner.DeleteAsync($"/api/v1/api-keys/{id}"), 404);
        var list = await Http.JsonAsync(await b.Owner.GetAsync("/api/v1/api-keys"));
        Assert.DoesNotContain(list.GetProperty("items").EnumerateArray(), k => k.GetProperty("id").GetGuid() == id);
        await Http.EnsureStatusAsync(await factory.Client(created.GetProperty("key").GetString()).GetAsync("/api/v1/suppliers"), 200);
    }

    [Fact]
    public async Task MalformedOrUnknownBearer_Is401Problem()
    {
        await Http.AssertProblemAsync(await factory.Client("ck_00000000_nope").GetAsync("/api/v1/sites"), 401);
        await Http.AssertProblemAsync(await factory.Client("garbage").GetAsync("/api/v1/sites"), 401);
        await Http.AssertProblemAsync(await factory.Client().GetAsync("/api/v1/sites"), 401);
    }

    [Fact]
    public async Task BearerScheme_IsCaseInsensitive_AndTheKeyMustBeTheWholeCredential()
    {
        var tenant = await factory.CreateTenantAsync();
        async Task<HttpResponseMessage> SitesWithAsync(string authorization)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/api/v1/sites");
            Assert.True(request.Headers.TryAddWithoutValidation("Authorization", authorization));
            return await factory.Client().SendAsync(request);
        }

        // RFC 9110 §11.1: the scheme is case-insensitive; a tool that writes "bearer" is still the owner.
        await Http.EnsureStatusAsync(await SitesWithAsync($"bearer {tenant.OwnerKey}"), 200);
        await Http.EnsureStatusAsync(await SitesWithAsync($"BEARER {tenant.OwnerKey}"), 200);

        // A key must be the whole credential: another scheme, the key with anything after it, or no space is refused.
        await Http.AssertProblemAsync(await SitesWithAsync($"Basic {tenant.OwnerKey}"), 401);
        await Http.AssertProblemAsync(await SitesWithAsync($"Bearer {tenant.OwnerKey}x"), 401);
        await Http.AssertProblemAsync(await SitesWithAsync($"Bearer{tenant.OwnerKey}"), 401);
    }
}

/// <summary>A factory whose signup limit is tiny, to see the limiter answer.</summary>
public sealed class TightSignupLimitFactory : ComplianceApiFactory
{
    protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("RateLimits:SignupPerMinute", "2")];
}

public class SignupRateLimitTests(TightSignupLimitFactory factory) : IClassFixture<TightSignupLimitFactory>
{
    [Fact]
    public async Task Signup_IsRateLimited_With429Problem()
    {
        var client = factory.Client();
        var statuses = new List<int>();
        for (var i = 0; i < 3; i++)
        {
            var response = await client.PostAsJsonAsync("/api/v1/tenants", new { name = $"t{i}", contactEmail = "a@b.co" });
            statuses.Add((int)response.StatusCode);
            if (i == 2)
            {
                await Http.AssertProblemAsync(response, 429);
            }
        }

        Assert.Equal([201, 201, 429], statuses);
        _ = JsonSerializer.Serialize(statuses);
    }
}
