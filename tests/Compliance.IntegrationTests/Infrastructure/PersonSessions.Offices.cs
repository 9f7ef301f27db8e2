using System.Collections.Concurrent;
using System.Net.Http.Json;
using Compliance.Api.Features.People;

namespace Compliance.IntegrationTests.Infrastructure;

/// <summary>A handling office signed up through the API, with its first admin signed in with two factors.</summary>
public sealed record TestOffice(Guid Id, string Code, string Name, Guid AdminId, string AdminEmail, string AdminTotpKey, HttpClient Admin)
{
    /// <summary>A request of the office admin's working on <paramref name="tenant"/> (header <c>X-Tenant-Id</c>).</summary>
    public async Task<HttpResponseMessage> SendForAsync(Guid tenant, HttpMethod method, string url, object? body = null)
    {
        using var request = new HttpRequestMessage(method, url) { Content = body is null ? null : JsonContent.Create(body) };
        request.Headers.Add(PersonScopeMiddleware.TenantHeader, tenant.ToString());
        return await Admin.SendAsync(request);
    }
}

/// <summary>Offices and links through the real endpoints: signup, the admin's sign-in and enrolment, link request and accept.</summary>
public sealed partial class PersonSessions
{
    private static readonly ConcurrentDictionary<Guid, Lazy<Task<TestOffice>>> TenantOffices = new();

    /// <summary>An office signs up (anonymously, as an office would), then its admin signs in and enrols a second factor.</summary>
    public async Task<TestOffice> SignUpOfficeAsync(string kind = "independent-ngo", string? name = null)
    {
        name ??= $"Office {Guid.NewGuid():N}"[..20];
        var email = NewEmail();
        var response = await factory.Client().PostAsJsonAsync("/api/v1/handling-offices", new
        {
            name,
            kind,
            countryCode = "MY",
            contact = "help@example.org",
            adminEmail = email,
            adminDisplayName = $"Admin of {name}",
            adminPassword = Password,
        });
        var body = await Http.JsonAsync(response, 201);
        var admin = Browser();
        await Http.EnsureStatusAsync(await PostSignInAsync(admin, email, Password), 303);
        var key = await EnrolTwoFactorAsync(admin);
        return new TestOffice(body.GetProperty("officeId").GetGuid(), body.GetProperty("code").GetString()!, name, body.GetProperty("adminId").GetGuid(), email, key, admin);
    }

    /// <summary>The tenant owner requests a link to <paramref name="office"/> by its code; the office admin accepts. Returns the link id.</summary>
    public static async Task<Guid> LinkAsync(TestTenant tenant, TestOffice office)
    {
        var requested = await Http.JsonAsync(await tenant.Owner.PostAsJsonAsync("/api/v1/handling-links", new { officeCode = office.Code }), 201);
        var id = requested.GetProperty("id").GetGuid();
        await Http.EnsureStatusAsync(await office.Admin.PostAsync($"/api/v1/handling-links/{id}/accept", null), 200);
        return id;
    }

    /// <summary>An office signed up and linked to <paramref name="tenant"/>, or one not linked to any tenant; returns its id.</summary>
    public async Task<Guid> CreateOfficeAsync(TestTenant? tenant = null)
    {
        var office = await SignUpOfficeAsync();
        if (tenant is not null)
        {
            await LinkAsync(tenant, office);
        }

        return office.Id;
    }

    /// <summary>The office that handles <paramref name="tenant"/>'s cases in tests: one per tenant, signed up and linked once.</summary>
    public Task<TestOffice> OfficeOfAsync(TestTenant tenant) =>
        TenantOffices.GetOrAdd(tenant.TenantId, _ => new Lazy<Task<TestOffice>>(async () =>
        {
            var office = await SignUpOfficeAsync();
            await LinkAsync(tenant, office);
            return office;
        })).Value;

    /// <summary>A case-handler key minted by the tenant's office admin for the tenant; returns the secret.</summary>
    public async Task<string> HandlerKeyAsync(TestTenant tenant, string name = "case-handler key")
    {
        var office = await OfficeOfAsync(tenant);
        var created = await Http.JsonAsync(await office.SendForAsync(tenant.TenantId, HttpMethod.Post, "/api/v1/office/api-keys", new { name }), 201);
        return created.GetProperty("key").GetString()!;
    }
}
