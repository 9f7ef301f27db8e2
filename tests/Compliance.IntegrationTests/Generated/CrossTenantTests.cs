using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Compliance.Api.Infrastructure.Auth;
using Compliance.IntegrationTests.Infrastructure;
using Compliance.IntegrationTests.Recruitment;
using Compliance.IntegrationTests.Risk;
using Microsoft.Extensions.DependencyInjection;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using Xunit.Abstractions;

namespace Compliance.IntegrationTests.Generated;

/// <summary>
/// The cross-tenant wall, generated: every <c>/api/v1</c> endpoint whose route names a resource by id is enumerated from
/// the <see cref="EndpointDataSource"/>, and tenant B, with a role its policy allows and a body valid for B, sends it with
/// tenant A's real ids. Every one must answer 404 (never 403, which would confirm the id exists). Then everything tenant A
/// can read is read again and must be byte for byte what it was before: no PUT, PATCH, DELETE or POST of B's changed it.
/// An endpoint whose ids or body this suite cannot supply fails the test, so a new endpoint is covered the day it ships.
/// Mutation that fails it (tried): in <c>SitesApi.DeleteAsync</c>, answer <c>TypedResults.Forbid()</c> instead of
/// <c>NotFound()</c> for a site the tenant cannot see. (Dropping one wall alone does not: the EF filter and row-level
/// security each hide the row.)
/// </summary>
public partial class CrossTenantTests(EscalationApiFactory factory, ITestOutputHelper output) : IClassFixture<EscalationApiFactory>
{
    /// <summary>A tenant with one of every resource, made through the API, keyed by the route segment that names it.</summary>
    private sealed record World(TestTenant Tenant, Dictionary<string, Guid> Ids, Dictionary<string, HttpClient> Clients);

    [Fact]
    public async Task EveryEndpointNamingAResource_IsNotFound_ForAnotherTenant_AndChangesNothing()
    {
        var a = await BuildAsync();
        var b = await BuildAsync();
        // An office's own routes (its people) name no tenant's resource; the office wall has its own tests (OfficeSessionsTests).
        var endpoints = (await Endpoints.ListAsync(factory.Services))
            .Where(e => e.Pattern.StartsWith("/api/v1/", StringComparison.Ordinal) && !e.Anonymous && !e.Pattern.StartsWith("/api/v1/office/", StringComparison.Ordinal))
            .ToList();
        // A PDF carries the moment it was printed, so it is compared through the page it prints (the .html witness).
        var witnesses = endpoints.Where(e => e.Method == "GET" && !e.Pattern.Contains("narrative-access-log", StringComparison.Ordinal) && !e.Pattern.EndsWith(".pdf", StringComparison.Ordinal)).ToList();

        var before = await ReadAllAsync(a, witnesses);
        var failures = new List<string>();
        var attacks = 0;
        // A year names no tenant's resource: the key's tenant is the only one a review's conclusions are read or written for.
        foreach (var endpoint in endpoints.Where(e => e.Parameters.Count > 0 && !e.Parameters.SequenceEqual(["year"])))
        {
            var role = endpoint.AnyAllowedRole;
            if (role is null)
            {
                failures.Add($"{endpoint.Method} {endpoint.Pattern}: no role may call it");
                continue;
            }

            if (!TryUrl(endpoint, a.Ids, out var url, out var missing))
            {
                failures.Add($"{endpoint.Method} {endpoint.Pattern}: no id of tenant A for '{missing}' (add it to {nameof(BuildAsync)})");
                continue;
            }

            using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), url);
            if (endpoint.Method != "GET" && endpoint.Method != "DELETE")
            {
                if (Body(endpoint.Method, endpoint.Pattern, b) is not { } body)
                {
                    failures.Add($"{endpoint.Method} {endpoint.Pattern}: no valid body for tenant B (add it to {nameof(Body)})");
                    continue;
                }

                request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
            }

            attacks++;
            using var response = await b.Clients[role].SendAsync(request);
            if (response.StatusCode != HttpStatusCode.NotFound)
            {
                failures.Add($"{endpoint.Method} {url} as tenant B's {role}: {(int)response.StatusCode}, expected 404: {await response.Content.ReadAsStringAsync()}");
            }
        }

        var after = await ReadAllAsync(a, witnesses);
        foreach (var (url, body) in before)
        {
            if (after[url] != body)
            {
                failures.Add($"GET {url} changed for tenant A after tenant B's requests");
            }
        }

        output.WriteLine($"cross-tenant: {attacks} requests with another tenant's ids over {endpoints.Count(e => e.Parameters.Count > 0)} endpoints; {before.Count} of tenant A's reads compared before and after");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>The URL with each route parameter replaced by the id of the resource its preceding segment names.</summary>
    private static bool TryUrl(EndpointInfo endpoint, Dictionary<string, Guid> ids, out string url, out string missing)
    {
        string? gap = null;
        url = Parameter().Replace(endpoint.Pattern, m =>
        {
            var segment = m.Groups["segment"].Value;
            if (ids.TryGetValue(segment, out var id))
            {
                return $"/{segment}/{id}";
            }

            gap ??= segment;
            return m.Value;
        });
        missing = gap ?? string.Empty;
        return gap is null;
    }

    /// <summary>A body valid for tenant B (it names only B's own resources), so a 404 can only come from A's id.</summary>
    private static JsonObject? Body(string method, string pattern, World b) => (method, Regex.Replace(pattern, @"\{[^}]+\}", "{}")) switch
    {
        ("PUT", "/api/v1/suppliers/{}") => new JsonObject { ["name"] = "Renamed", ["countryCode"] = "MY" },
        ("PUT", "/api/v1/sites/{}") => new JsonObject { ["supplierId"] = b.Ids["suppliers"], ["name"] = "Renamed", ["countryCode"] = "MY", ["sector"] = "garment", ["workerHousing"] = false },
        ("PUT", "/api/v1/agencies/{}") => RecruitmentData.AgencyBody(),
        ("PUT", "/api/v1/workers/{}") => RecruitmentData.WorkerBody(b.Ids["sites"]),
        ("POST", "/api/v1/workers/{}/fees") => RecruitmentData.FeeBody(),
        ("POST", "/api/v1/workers/{}/reimbursements") => new JsonObject { ["amount"] = 10m, ["currency"] = "MYR", ["paidOn"] = "2025-03-01", ["reference"] = "X" },
        ("POST", "/api/v1/workers/{}/declarations") => RecruitmentData.DeclarationBody(),
        ("POST", "/api/v1/workers/{}/contracts") => RecruitmentData.ContractBody(),
        ("POST", "/api/v1/workers/{}/passport-custody") => new JsonObject { ["holder"] = "worker", ["since"] = "2025-02-01" },
        ("POST", "/api/v1/workers/{}/passport-access-requests") => new JsonObject { ["requestedAt"] = "2026-01-01T00:00:00Z" },
        ("POST", "/api/v1/workers/{}/passport-access-requests/{}/fulfil") => new JsonObject { ["returnedAt"] = "2026-01-01T01:00:00Z" },
        ("POST", "/api/v1/workers/{}/passport-access-requests/{}/refuse") => new JsonObject { ["refusedAt"] = "2026-01-01T01:00:00Z", ["note"] = "no" },
        ("POST", "/api/v1/sites/{}/products/") => new JsonObject { ["description"] = "Gloves", ["hsCode"] = "401519" },
        ("POST", "/api/v1/audits/{}/findings") => new JsonObject { ["indicator"] = "FL08", ["severity"] = "high", ["description"] = "Late wages" },
        ("POST", "/api/v1/findings/{}/corrective-actions") => new JsonObject { ["description"] = "Pay wages", ["dueOn"] = "2027-01-01" },
        ("PATCH", "/api/v1/corrective-actions/{}") => new JsonObject { ["status"] = "done", ["closedOn"] = "2026-02-01" },
        ("PATCH", "/api/v1/escalation-destinations/{}") => new JsonObject { ["name"] = "Renamed" },
        ("POST", "/api/v1/grievances/{}/replies") => new JsonObject { ["template"] = "acknowledged" },
        ("PUT", "/api/v1/grievances/{}/triage") => new JsonObject { ["indicators"] = new JsonArray("FL08"), ["severity"] = "medium" },
        ("POST", "/api/v1/grievances/{}/status") => new JsonObject { ["status"] = "acknowledged" },
        ("POST", "/api/v1/grievances/{}/confirm") => [],
        ("POST", "/api/v1/grievances/{}/notes") => new JsonObject { ["visibility"] = "internal", ["text"] = "Called the NGO." },
        ("POST", "/api/v1/grievances/{}/remedies") => new JsonObject { ["kind"] = "apology" },
        ("POST", "/api/v1/grievances/{}/referrals") => new JsonObject { ["organisation"] = "Tenaganita", ["kind"] = "ngo", ["followUpBy"] = "2099-01-01" },
        ("PUT", "/api/v1/grievances/{}/referrals/{}") => new JsonObject { ["state"] = "accepted" },
        ("POST", "/api/v1/members/{}/disable") => [],
        ("POST", "/api/v1/handling-links/{}/accept") => [],
        ("POST", "/api/v1/handling-links/{}/end") => [],
        _ => null,
    };

    /// <summary>The query a read needs to answer 200 (a 400 carries a fresh trace id each time, so it could not witness).</summary>
    private static string WitnessQuery(string pattern) => pattern switch
    {
        "/api/v1/effectiveness/" => "?period=2026-10&groupBy=site",
        "/api/v1/effectiveness/review" => "?year=2026",
        _ => string.Empty,
    };

    /// <summary>Everything tenant A can read with ids of its own, each by a role that may read it.</summary>
    private static async Task<Dictionary<string, string>> ReadAllAsync(World a, List<EndpointInfo> gets)
    {
        var bodies = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var endpoint in gets)
        {
            if (endpoint.AnyAllowedRole is not { } role || !TryUrl(endpoint, a.Ids, out var url, out _))
            {
                continue;
            }

            url += WitnessQuery(endpoint.Pattern);
            using var response = await a.Clients[role].GetAsync(url);
            bodies[url] = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
        }

        return bodies;
    }

    private async Task<World> BuildAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal);
        var clients = new Dictionary<string, HttpClient>(StringComparer.Ordinal);
        foreach (var role in Roles.All.Where(r => r != Roles.Supplier))
        {
            clients[role] = factory.Client(await tenant.KeyAsync(role));
        }

        var owner = tenant.Owner;
        var (siteId, intakeCode, supplierId) = await tenant.CreateSiteAsync();
        ids["sites"] = siteId;
        ids["suppliers"] = supplierId;
        clients[Roles.Supplier] = factory.Client(await tenant.KeyAsync(Roles.Supplier, supplierId));
        ids["channel-numbers"] = await Http.IdAsync(await owner.PostAsJsonAsync(
            "/api/v1/channel-numbers", new { channel = "sms", number = $"+6012{Random.Shared.Next(10_000_000, 99_999_999)}", siteId }));
        ids["api-keys"] = await Http.IdAsync(await owner.PostAsJsonAsync("/api/v1/api-keys", new { name = "spare", role = "compliance" }));
        ids["members"] = (await PersonSessions.InviteMemberAsync(tenant, "compliance")).Id;

        // The tenant's handling office (made for its case-handler key above): its admin attacks as tenant B's office-admin.
        clients[Roles.OfficeAdmin] = (await new PersonSessions(factory).OfficeOfAsync(tenant)).Admin;
        var links = await Http.JsonAsync(await owner.GetAsync("/api/v1/handling-links"));
        ids["handling-links"] = links.GetProperty("items")[0].GetProperty("id").GetGuid();
        ids["agencies"] = await tenant.CreateAgencyAsync();
        var worker = await tenant.CreateWorkerAsync(siteId);
        ids["workers"] = worker;
        await tenant.PostAsync(worker, "fees", RecruitmentData.FeeBody());
        ids["declarations"] = await tenant.PostAsync(worker, "declarations", RecruitmentData.DeclarationBody());
        ids["passport-access-requests"] = await tenant.PostAsync(worker, "passport-access-requests", new JsonObject { ["requestedAt"] = "2026-01-01T00:00:00Z" });
        var audit = await tenant.RecordAuditAsync(siteId);
        ids["audits"] = audit;
        var finding = await tenant.RecordFindingAsync(audit, "CH01", "critical");
        ids["findings"] = finding;
        ids["corrective-actions"] = await Http.IdAsync(await owner.PostAsJsonAsync($"/api/v1/findings/{finding}/corrective-actions", new { description = "Remove minors from night shifts", dueOn = "2027-01-01" }));

        ids["products"] = await Http.IdAsync(await owner.PostAsJsonAsync($"/api/v1/sites/{siteId}/products", new { description = "Nitrile gloves", hsCode = "4015190000" }));
        ids["dossiers"] = await Http.IdAsync(await owner.PostAsJsonAsync("/api/v1/dossiers", new
        {
            regime = "cbp-19cfr12.42",
            siteIds = new[] { siteId },
            periodFrom = "2024-01-01",
            periodTo = "2026-12-31",
            statementOfReasons = "Workers paid recruitment fees.",
            consentedTestimony = true,
        }));

        var path = $"/hooks/{Guid.NewGuid():N}";
        factory.Destination.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(Response.Create().WithStatusCode(200));
        ids["escalation-destinations"] = await Http.IdAsync(await owner.PostAsJsonAsync("/api/v1/escalation-destinations", new
        {
            name = "Child protection MY",
            kind = "child-protection",
            jurisdiction = "MY",
            url = factory.Destination.Url + path,
            signingSecret = "test-signing-secret-0123456789-abcdefghij",
            minimumLevel = "critical",
            active = true,
        }));

        await Http.EnsureStatusAsync(await factory.Client().PostAsJsonAsync($"/api/v1/intake/{intakeCode}/grievances", new
        {
            language = "en",
            categories = new[] { "pay-deducted" },
            narrative = "Money was taken from my pay.",
            consent = new Dictionary<string, bool> { ["ngo"] = true },
        }), 201);
        var cases = await Http.JsonAsync(await clients[Roles.CaseHandler].GetAsync("/api/v1/grievances"));
        ids["grievances"] = cases.GetProperty("items")[0].GetProperty("id").GetGuid();
        await Http.IdAsync(await clients[Roles.CaseHandler].PostAsJsonAsync($"/api/v1/grievances/{ids["grievances"]}/notes", new { visibility = "internal", text = "First call made." }));
        ids["referrals"] = await Http.IdAsync(await clients[Roles.CaseHandler].PostAsJsonAsync(
            $"/api/v1/grievances/{ids["grievances"]}/referrals", new { organisation = "Tenaganita", kind = "ngo", followUpBy = "2099-01-01" }));

        await Http.EnsureStatusAsync(await clients[Roles.Compliance].PostAsync("/api/v1/risk-assessments/run", null), 202);
        Assert.All(await factory.RunEnqueuedJobsAsync(tenant.TenantId), Assert.Null);
        var escalations = await Http.JsonAsync(await owner.GetAsync("/api/v1/escalations"));
        ids["escalations"] = escalations.GetProperty("items")[0].GetProperty("id").GetGuid();
        return new World(tenant, ids, clients);
    }

    [GeneratedRegex(@"/(?<segment>[a-z-]+)/\{[^}]+\}")]
    private static partial Regex Parameter();
}
