using Microsoft.AspNetCore.Authorization;

namespace Compliance.Api.Infrastructure.Auth;

/// <summary>Claims a signed-in person carries besides those a key carries (role, <c>tenant_id</c>, <c>supplier_id</c>, <c>office_id</c>).</summary>
public static class PersonClaims
{
    /// <summary>The person's id; present only on cookie sessions, never on keys.</summary>
    public const string PersonId = "person_id";

    /// <summary>How the person signed in (RFC 8176): <see cref="Mfa"/> with a second factor, <see cref="Password"/> without.</summary>
    public const string AuthenticationMethod = "amr";

    public const string Mfa = "mfa";

    public const string Password = "pwd";

    /// <summary>When the session began (Unix seconds); a session older than the absolute limit is refused.</summary>
    public const string SignedInAt = "auth_time";

    public static bool IsPerson(System.Security.Claims.ClaimsPrincipal user) => user.HasClaim(c => c.Type == PersonId);

    public static bool UsedSecondFactor(System.Security.Claims.ClaimsPrincipal user) =>
        user.HasClaim(AuthenticationMethod, Mfa);
}

/// <summary>
/// A person (cookie session) must have signed in with a second factor; keys are machines and pass. Testimony and office
/// administration ask for it (BRIEF.md §2, issue #18).
/// </summary>
public sealed class SecondFactorRequirement : IAuthorizationRequirement
{
    public const string Detail =
        "A second factor must be enrolled and used to sign in for this: enrol an authenticator app at /console/enrol-two-factor, then sign in again with its code.";
}

public sealed class SecondFactorHandler : AuthorizationHandler<SecondFactorRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, SecondFactorRequirement requirement)
    {
        if (!PersonClaims.IsPerson(context.User) || PersonClaims.UsedSecondFactor(context.User))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}

/// <summary>
/// <see cref="SecondFactorRequirement"/> for the people of a handling office only, on policies both sides share
/// (ending a link, reading the roster): an office's people change and see who reads testimony only with two factors,
/// while a tenant's people and every key pass.
/// </summary>
public sealed class OfficeSecondFactorRequirement : IAuthorizationRequirement;

public sealed class OfficeSecondFactorHandler : AuthorizationHandler<OfficeSecondFactorRequirement>
{
    protected override Task HandleRequirementAsync(AuthorizationHandlerContext context, OfficeSecondFactorRequirement requirement)
    {
        if (!PersonClaims.IsPerson(context.User) || !context.User.HasClaim(c => c.Type == ApiKeyAuthenticationHandler.OfficeClaim)
            || PersonClaims.UsedSecondFactor(context.User))
        {
            context.Succeed(requirement);
        }

        return Task.CompletedTask;
    }
}
