using System.Net.Http.Json;
using System.Text;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.People;

/// <summary>A tenant's owner manages its people through <c>/api/v1/members</c>.</summary>
public class MembersTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task Invite_Returns201WithTheSetupCodeOnce_AndTheListHasNoSecrets()
    {
        var tenant = await factory.CreateTenantAsync();
        var supplier = await tenant.CreateSupplierAsync();
        var email = PersonSessions.NewEmail();

        var created = await Http.JsonAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/members", new { email, displayName = "Siti (supplier HR)", role = "supplier", supplierId = supplier }), 201);
        var code = created.GetProperty("setupCode").GetString()!;
        var list = await tenant.Owner.GetStringAsync("/api/v1/members");

        Assert.Equal(20, code.Length);
        Assert.Equal(supplier, created.GetProperty("supplierId").GetGuid());
        Assert.Contains(email, list, StringComparison.Ordinal);
        Assert.DoesNotContain(code, list, StringComparison.Ordinal);
        Assert.DoesNotContain("setupCode", list, StringComparison.Ordinal);
        Assert.DoesNotContain("password", list.Replace("passwordSet", string.Empty, StringComparison.Ordinal), StringComparison.OrdinalIgnoreCase);
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from people where setup_code_hash = convert_to(@c, 'UTF8')", ("c", code)));
    }

    [Theory]
    [InlineData("{\"email\":\"not-an-email\",\"displayName\":\"A\",\"role\":\"compliance\"}", "email")]
    [InlineData("{\"email\":\"a@example.com\",\"displayName\":\"\",\"role\":\"compliance\"}", "displayName")]
    [InlineData("{\"email\":\"a@example.com\",\"displayName\":\"A\",\"role\":\"root\"}", "role")]
    [InlineData("{\"email\":\"a@example.com\",\"displayName\":\"A\",\"role\":\"case-handler\"}", "role")]
    [InlineData("{\"email\":\"a@example.com\",\"displayName\":\"A\",\"role\":\"office-admin\"}", "role")]
    [InlineData("{\"email\":\"a@example.com\",\"displayName\":\"A\",\"role\":\"supplier\"}", "supplierId")]
    [InlineData("{\"email\":\"a@example.com\",\"displayName\":\"A\",\"role\":\"supplier\",\"supplierId\":\"00000000-0000-0000-0000-000000000001\"}", "supplierId")]
    [InlineData("{\"email\":\"a@example.com\",\"displayName\":\"A\",\"role\":\"owner\",\"supplierId\":\"00000000-0000-0000-0000-000000000001\"}", "supplierId")]
    public async Task Invite_WithBadInput_Is400NamingTheField_AndWritesNothing(string json, string field)
    {
        var tenant = await factory.CreateTenantAsync();
        var before = await factory.CountRowsAsync("people");

        var response = await tenant.Owner.PostAsync("/api/v1/members", new StringContent(json, Encoding.UTF8, "application/json"));

        await Http.AssertValidationProblemAsync(response, field);
        Assert.Equal(before, await factory.CountRowsAsync("people"));
    }

    [Fact]
    public async Task Invite_WithAnEmailAlreadyInUse_Is409()
    {
        var tenant = await factory.CreateTenantAsync();
        var (_, email, _) = await PersonSessions.InviteMemberAsync(tenant, "auditor");

        var again = await (await factory.CreateTenantAsync()).Owner.PostAsJsonAsync("/api/v1/members", new { email, displayName = "Someone", role = "owner" });

        await Http.AssertProblemAsync(again, 409);
    }

    [Theory]
    [InlineData("compliance")]
    [InlineData("auditor")]
    public async Task Members_AreOwnerOnly(string role)
    {
        var tenant = await factory.CreateTenantAsync();
        var (id, _, _) = await PersonSessions.InviteMemberAsync(tenant, "auditor");
        var client = await tenant.ClientAsync(role);

        await Http.AssertProblemAsync(await client.GetAsync("/api/v1/members"), 403);
        await Http.AssertProblemAsync(await client.PostAsJsonAsync("/api/v1/members", new { email = PersonSessions.NewEmail(), displayName = "X", role = "owner" }), 403);
        await Http.AssertProblemAsync(await client.PostAsync($"/api/v1/members/{id}/disable", null), 403);
    }

    [Fact]
    public async Task AnotherTenantsMember_Is404_NeverListed_AndStaysEnabled()
    {
        var a = await factory.CreateTenantAsync();
        var b = await factory.CreateTenantAsync();
        var (id, email, _) = await PersonSessions.InviteMemberAsync(a, "compliance");

        await Http.AssertProblemAsync(await b.Owner.PostAsync($"/api/v1/members/{id}/disable", null), 404);

        Assert.DoesNotContain(email, await b.Owner.GetStringAsync("/api/v1/members"), StringComparison.Ordinal);
        Assert.Contains(email, await a.Owner.GetStringAsync("/api/v1/members"), StringComparison.Ordinal);
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from people where id = @id and disabled_at is not null", ("id", id)));
    }

    [Fact]
    public async Task Disable_MarksTheMember_AndTheListShowsIt()
    {
        var tenant = await factory.CreateTenantAsync();
        var (id, _, _) = await PersonSessions.InviteMemberAsync(tenant, "compliance");

        await Http.EnsureStatusAsync(await tenant.Owner.PostAsync($"/api/v1/members/{id}/disable", null), 204);
        await Http.EnsureStatusAsync(await tenant.Owner.PostAsync($"/api/v1/members/{id}/disable", null), 204);

        var list = await Http.JsonAsync(await tenant.Owner.GetAsync("/api/v1/members?pageSize=10"));
        var member = Assert.Single(list.GetProperty("items").EnumerateArray());
        Assert.Equal(System.Text.Json.JsonValueKind.String, member.GetProperty("disabledAt").ValueKind);
        Assert.Equal(1, list.GetProperty("totalCount").GetInt32());
    }
}
