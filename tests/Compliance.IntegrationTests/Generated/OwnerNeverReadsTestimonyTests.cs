using System.Net.Http.Json;
using System.Text;
using System.Text.RegularExpressions;
using Compliance.Api.Features.Reporting;
using Compliance.Api.Infrastructure.Auth;
using Compliance.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

using static Compliance.IntegrationTests.WorkerVoice.WorkerVoiceHelpers;

namespace Compliance.IntegrationTests.Generated;

/// <summary>
/// Issue #18's proof of the wall between the employer and testimony, generated from the running app: every endpoint
/// under <c>/api/v1</c> and every OData set, called by the tenant owner (key and signed-in session) and by everything
/// the owner can make for itself (a key and a signed-in member of every role it may still mint), never answers with the
/// canary narrative, the canary message or the canary review note of a case its linked office is handling.
/// Mutation that fails it (tried): allow <see cref="Roles.Owner"/> in <see cref="Policies.CaseHandler"/>, or let
/// <c>POST /api/v1/api-keys</c> accept <c>case-handler</c> again (the minted role list then includes it).
/// </summary>
public partial class OwnerNeverReadsTestimonyTests(ComplianceApiFactory factory, ITestOutputHelper output) : IClassFixture<ComplianceApiFactory>
{
    private const string Canary = "CANARY-NARRATIVE-5f1e";
    private const string MessageCanary = "CANARY-MESSAGE-77ab";

    [Fact]
    public async Task EveryEndpointAndODataSet_AsTheOwnerAndEveryRoleItMints_NeverReturnsTheCanary()
    {
        var tenant = await factory.CreateTenantAsync();
        var filed = await tenant.FileGrievanceAsync(Intake(narrative: Canary));
        await Http.EnsureStatusAsync(await factory.Client().PostAsJsonAsync("/api/v1/intake/follow-up/messages", new { receipt = filed.Receipt, message = MessageCanary }), 200);
        var handler = await tenant.ClientAsync(Roles.CaseHandler);
        var caseId = await handler.GrievanceIdAsync(filed.CaseReference);
        var read = await handler.GetStringAsync($"/api/v1/grievances/{caseId}");
        Assert.Contains(Canary, read, StringComparison.Ordinal);
        Assert.Contains(MessageCanary, read, StringComparison.Ordinal);

        var callers = await CallersAsync(tenant, filed.SupplierId);
        var ids = new Dictionary<string, Guid>(StringComparer.Ordinal)
        {
            ["grievances"] = caseId,
            ["sites"] = filed.SiteId,
            ["suppliers"] = filed.SupplierId,
        };
        var endpoints = (await Endpoints.ListAsync(factory.Services)).Where(e => e.Pattern.StartsWith("/api/v1/", StringComparison.Ordinal)).ToList();
        var sets = ReportingSets.Build().Sets.Select(s => s.Name).ToList();
        var leaks = new List<string>();
        var requests = 0;

        // Reads first with the tenant's real ids, then every other method (with ids that change nothing of the tenant's
        // but the case itself, so a write route on the case is tried too).
        foreach (var (name, client) in callers)
        {
            foreach (var endpoint in endpoints.OrderBy(e => e.Method != "GET"))
            {
                var url = Parameter().Replace(endpoint.Pattern, m => "/" + m.Groups["segment"].Value + "/" +
                    (endpoint.Method == "GET" || m.Groups["segment"].Value == "grievances"
                        ? ids.GetValueOrDefault(m.Groups["segment"].Value, Guid.NewGuid())
                        : Guid.NewGuid()));
                url = Regex.Replace(url, @"\{[^}]+\}", Guid.NewGuid().ToString());
                using var request = new HttpRequestMessage(new HttpMethod(endpoint.Method), url);
                if (endpoint.Method is "POST" or "PUT" or "PATCH")
                {
                    request.Content = new StringContent("{}", Encoding.UTF8, endpoint.ContentType);
                }

                requests++;
                await CheckAsync(leaks, name, endpoint.Method + " " + url, await client.SendAsync(request));
            }

            foreach (var set in sets)
            {
                requests++;
                await CheckAsync(leaks, name, "GET /odata/" + set, await client.GetAsync($"/odata/{set}"));
            }
        }

        output.WriteLine($"owner wall: {requests} requests by {callers.Count} callers over {endpoints.Count} endpoints and {sets.Count} OData sets");
        Assert.True(leaks.Count == 0, string.Join("\n", leaks));
        Assert.True(callers.Count >= 9, "owner key and session, and a key and a member of each role the owner mints");
    }

    private static async Task CheckAsync(List<string> leaks, string caller, string what, HttpResponseMessage response)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync();
            if (body.Contains(Canary, StringComparison.Ordinal) || body.Contains(MessageCanary, StringComparison.Ordinal))
            {
                leaks.Add($"{caller}: {what} answered {(int)response.StatusCode} with testimony");
            }
        }
    }

    /// <summary>The owner's key and session, then a key and a signed-in member of every role the owner can still mint.</summary>
    private async Task<List<(string Name, HttpClient Client)>> CallersAsync(TestTenant tenant, Guid supplierId)
    {
        var people = new PersonSessions(factory);
        var (ownerBrowser, _, _) = await people.MemberSessionAsync(tenant, Roles.Owner);
        var callers = new List<(string, HttpClient)> { ("owner key", tenant.Owner), ("owner session", ownerBrowser) };
        foreach (var role in Roles.Tenant)
        {
            var supplier = role == Roles.Supplier ? supplierId : (Guid?)null;
            var minted = await tenant.Owner.PostAsJsonAsync("/api/v1/api-keys", new
            {
                name = $"minted {role}",
                role,
                supplierId = supplier,
                expiresAt = role == Roles.Auditor ? factory.Clock.GetUtcNow().AddDays(30) : (DateTimeOffset?)null,
            });
            var key = (await Http.JsonAsync(minted, 201)).GetProperty("key").GetString()!;
            callers.Add(($"{role} key", factory.Client(key)));
            callers.Add(($"{role} session", (await people.MemberSessionAsync(tenant, role, supplier)).Browser));
        }

        return callers;
    }

    [GeneratedRegex(@"/(?<segment>[a-z-]+)/\{[^}]+\}")]
    private static partial Regex Parameter();
}
