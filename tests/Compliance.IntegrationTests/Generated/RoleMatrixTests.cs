using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Compliance.Api.Infrastructure.Auth;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Xunit.Abstractions;

namespace Compliance.IntegrationTests.Generated;

/// <summary>
/// The role matrix, generated from the running app rather than hand-picked: every endpoint of <c>/api/v1</c> and of the
/// OData feed is enumerated from ASP.NET Core's <see cref="EndpointDataSource"/>, its allowed roles are derived from the
/// authorization policies it declares, and each role's key is sent to it for real. A role outside the policy must get
/// 403 (404 where the endpoint is hidden from that role: suppliers and grievance-derived data); a role inside it must
/// get past authorization (anything but 401 and 403); no key must get 401. An endpoint that is neither anonymous nor
/// declares a policy fails the test, so a new endpoint cannot ship without one.
/// Mutations that make it fail: drop <c>.RequireAuthorization(Policies.EmployerRead)</c> from <c>GET /sites</c> in
/// <c>SitesApi.cs</c> (an undeclared endpoint), or remove <c>app.UseAuthorization()</c> from <c>Program.cs</c> (every
/// forbidden role gets through). The policies themselves are pinned by <see cref="EveryPolicy_AllowsExactlyTheRolesOfTheBrief"/>:
/// adding <c>Roles.Supplier</c> to <c>TenantReports</c> in <c>Roles.cs</c> fails it.
/// </summary>
public partial class RoleMatrixTests(ComplianceApiFactory factory, ITestOutputHelper output) : IClassFixture<ComplianceApiFactory>
{
    private static string Url(EndpointInfo endpoint) => RouteParameter().Replace(endpoint.Pattern, m => m.Groups["name"].Value switch
    {
        "intakeCode" => "0000000000",
        "template" => "acknowledged",
        "year" => "2026",
        _ => Guid.NewGuid().ToString(),
    });

    [Fact]
    public async Task EveryEndpoint_AnswersEachRoleAsItsDeclaredPolicySays()
    {
        using var warm = factory.Client();
        var probes = await Endpoints.ListAsync(factory.Services);
        Assert.NotEmpty(probes);
        var undeclared = probes.Where(p => p.Allowed is null && !p.Anonymous).Select(p => $"{p.Method} {p.Pattern}").ToList();
        Assert.True(undeclared.Count == 0, "Endpoints with no declared policy: " + string.Join(", ", undeclared));

        var tenant = await factory.CreateTenantAsync();
        var supplier = await tenant.CreateSupplierAsync();
        var clients = new Dictionary<string, HttpClient>(StringComparer.Ordinal);
        foreach (var role in Roles.All)
        {
            clients[role] = factory.Client(await tenant.KeyAsync(role, role == Roles.Supplier ? supplier : null));
        }

        var anonymous = factory.Client();
        var failures = new List<string>();
        var requests = 0;
        foreach (var probe in probes.Where(p => !p.Anonymous))
        {
            requests++;
            var none = await SendAsync(anonymous, probe);
            if (none != HttpStatusCode.Unauthorized)
            {
                failures.Add($"{probe.Method} {probe.Pattern} without a key: {(int)none}, expected 401");
            }

            foreach (var role in Roles.All)
            {
                requests++;
                var status = await SendAsync(clients[role], probe);
                var allowed = probe.Allowed!.Contains(role);
                if (allowed && status is HttpStatusCode.Forbidden or HttpStatusCode.Unauthorized)
                {
                    failures.Add($"{probe.Method} {probe.Pattern} as {role}: {(int)status}, but its policy allows {role}");
                }
                else if (!allowed && status != (probe.HiddenFrom.Contains(role) ? HttpStatusCode.NotFound : HttpStatusCode.Forbidden))
                {
                    failures.Add($"{probe.Method} {probe.Pattern} as {role}: {(int)status}, expected {(probe.HiddenFrom.Contains(role) ? 404 : 403)}");
                }
            }
        }

        output.WriteLine($"role matrix: {probes.Count} endpoints ({probes.Count(p => p.Anonymous)} anonymous, "
            + $"{probes.Count(p => p.Pattern.StartsWith("/odata", StringComparison.Ordinal))} OData), {Roles.All.Count} roles, {requests} requests");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    /// <summary>Who may do what (BRIEF.md §2), written out here so a change to a policy is a change to this table too.</summary>
    public static TheoryData<string, string[]> PolicyRoles => new()
    {
        { Policies.Owner, [Roles.Owner] },
        { Policies.EmployerRead, [Roles.Owner, Roles.Compliance, Roles.Supplier, Roles.Auditor] },
        { Policies.EmployerWrite, [Roles.Owner, Roles.Compliance, Roles.Supplier] },
        { Policies.ComplianceAdmin, [Roles.Owner, Roles.Compliance] },
        { Policies.CaseHandler, [Roles.CaseHandler, Roles.OfficeAdmin] },
        { Policies.OfficeAdmin, [Roles.OfficeAdmin] },
        { Policies.AuditWrite, [Roles.Owner, Roles.Compliance, Roles.Auditor] },
        { Policies.TenantReports, [Roles.Owner, Roles.Compliance, Roles.Auditor] },
        { Policies.LinkParties, [Roles.Owner, Roles.OfficeAdmin] },
        { Policies.RosterReaders, [Roles.Owner, Roles.Auditor, Roles.OfficeAdmin] },
    };

    [Theory]
    [MemberData(nameof(PolicyRoles))]
    public async Task EveryPolicy_AllowsExactlyTheRolesOfTheBrief(string policyName, string[] roles)
    {
        var policy = await factory.Services.GetRequiredService<IAuthorizationPolicyProvider>().GetPolicyAsync(policyName);
        Assert.NotNull(policy);
        var allowed = policy!.Requirements.OfType<RolesAuthorizationRequirement>().Single().AllowedRoles;
        Assert.Equal(roles.Order(StringComparer.Ordinal), allowed.Order(StringComparer.Ordinal));
    }

    private static async Task<HttpStatusCode> SendAsync(HttpClient client, EndpointInfo probe)
    {
        using var request = new HttpRequestMessage(new HttpMethod(probe.Method), Url(probe));
        if (probe.Method is "POST" or "PUT" or "PATCH")
        {
            request.Content = new StringContent(probe.ContentType == "application/json" ? "{}" : string.Empty, Encoding.UTF8, probe.ContentType);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    [GeneratedRegex(@"\{(?<name>[A-Za-z]+)(:[^}]*)?\}")]
    private static partial Regex RouteParameter();
}
