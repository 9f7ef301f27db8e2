using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Compliance.Api.Infrastructure.Auth;

/// <summary>
/// Endpoint metadata: to these roles the endpoint does not exist. A caller in one of them whom the endpoint's policy
/// refuses gets the 404 every unknown route gets, never a 403 that says there is something here it may not read
/// (suppliers and grievance-derived data, BRIEF.md §2).
/// </summary>
public sealed class HiddenFromRoles(params string[] roles)
{
    public IReadOnlyList<string> Roles { get; } = roles;
}

public static class HiddenFromRolesExtensions
{
    /// <summary>Answers 404 instead of 403 to <paramref name="roles"/> when the endpoint's policy refuses them.</summary>
    public static TBuilder HiddenFrom<TBuilder>(this TBuilder builder, params string[] roles)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(new HiddenFromRoles(roles));
}

/// <summary>
/// Turns a refusal into a 404 for the roles an endpoint is <see cref="HiddenFromRoles">hidden from</see>, and says why
/// when the only thing missing is a second factor (a person whose role fits but who signed in with a password only).
/// </summary>
public sealed class HidingAuthorizationResultHandler(IProblemDetailsService problems) : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _default = new();

    public Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(authorizeResult);
        if (authorizeResult.Forbidden
            && context.GetEndpoint()?.Metadata.GetMetadata<HiddenFromRoles>() is { } hidden
            && hidden.Roles.Any(context.User.IsInRole))
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        }

        if (authorizeResult.Forbidden
            && authorizeResult.AuthorizationFailure is { FailedRequirements: var failed }
            && failed.Any()
            && failed.All(r => r is SecondFactorRequirement or OfficeSecondFactorRequirement))
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return problems.WriteAsync(new ProblemDetailsContext
            {
                HttpContext = context,
                ProblemDetails = { Status = StatusCodes.Status403Forbidden, Title = "Second factor required", Detail = SecondFactorRequirement.Detail },
            }).AsTask();
        }

        return _default.HandleAsync(next, context, policy, authorizeResult);
    }
}
