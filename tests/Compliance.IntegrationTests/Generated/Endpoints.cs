using Compliance.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.IntegrationTests.Generated;

/// <summary>One endpoint of the running app, as the generated suites probe it.</summary>
/// <param name="Allowed">The roles every policy it declares allows (their intersection); null when it declares none.</param>
/// <param name="ContentType">The body's media type it accepts (routing answers 415 to another).</param>
/// <param name="HiddenFrom">Roles to whom it answers 404 rather than 403.</param>
public sealed record EndpointInfo(
    string Method, string Pattern, IReadOnlyList<string> Parameters, IReadOnlySet<string>? Allowed, bool Anonymous, string ContentType, IReadOnlyList<string> HiddenFrom)
{
    /// <summary>A role that may call it, preferring the tenant-wide ones; null when none may.</summary>
    public string? AnyAllowedRole => Allowed is null ? null : Roles.All.Append(Roles.OfficeAdmin).FirstOrDefault(Allowed.Contains);
}

/// <summary>Every endpoint under <c>/api/v1</c> and <c>/odata</c> (or other prefixes), read from ASP.NET Core's <see cref="EndpointDataSource"/>.</summary>
public static class Endpoints
{
    public static Task<List<EndpointInfo>> ListAsync(IServiceProvider services) => ListAsync(services, ["/api/v1/", "/odata"]);

    public static async Task<List<EndpointInfo>> ListAsync(IServiceProvider services, IReadOnlyList<string> prefixes)
    {
        var policies = services.GetRequiredService<IAuthorizationPolicyProvider>();
        var list = new List<EndpointInfo>();
        foreach (var endpoint in services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>())
        {
            var pattern = "/" + (endpoint.RoutePattern.RawText ?? string.Empty).TrimStart('/');
            if (!prefixes.Any(p => pattern.StartsWith(p, StringComparison.Ordinal)))
            {
                continue;
            }

            var declared = endpoint.Metadata.GetOrderedMetadata<IAuthorizeData>();
            HashSet<string>? allowed = null;
            if (declared.Count > 0)
            {
                // Every policy an endpoint carries must pass (they combine with AND): the allowed roles are the intersection.
                allowed = new HashSet<string>(Roles.All.Append(Roles.OfficeAdmin), StringComparer.Ordinal);
                foreach (var data in declared)
                {
                    var policy = data.Policy is { } name ? await policies.GetPolicyAsync(name) : await policies.GetDefaultPolicyAsync();
                    Assert.NotNull(policy);
                    foreach (var requirement in policy!.Requirements.OfType<RolesAuthorizationRequirement>())
                    {
                        allowed.IntersectWith(requirement.AllowedRoles);
                    }
                }
            }

            var accepts = endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.ContentTypes;
            var contentType = accepts is { Count: > 0 } ? accepts[0] : "application/json";
            foreach (var method in endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods ?? ["GET"])
            {
                list.Add(new EndpointInfo(
                    method,
                    pattern,
                    [.. endpoint.RoutePattern.Parameters.Select(p => p.Name)],
                    allowed,
                    endpoint.Metadata.GetMetadata<IAllowAnonymous>() is not null,
                    contentType,
                    endpoint.Metadata.GetMetadata<HiddenFromRoles>()?.Roles ?? []));
            }
        }

        return list;
    }
}
