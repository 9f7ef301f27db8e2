using System.Globalization;
using System.Security.Claims;
using Compliance.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Features.People;

/// <summary>
/// The claims of a person's session: the same role and scope claims a key carries (role, <c>tenant_id</c>,
/// <c>supplier_id</c>, <c>office_id</c>), so one policy set serves both schemes, plus <c>person_id</c>, the display
/// name and the security stamp. Never the email: a session's claims are no place for it.
/// </summary>
public sealed class PersonClaimsFactory(UserManager<Person> users, IOptions<IdentityOptions> options)
    : UserClaimsPrincipalFactory<Person>(users, options)
{
    protected override async Task<ClaimsIdentity> GenerateClaimsAsync(Person user)
    {
        ArgumentNullException.ThrowIfNull(user);
        var id = new ClaimsIdentity(IdentityConstants.ApplicationScheme, ClaimTypes.Name, ClaimTypes.Role);
        id.AddClaim(new Claim(ClaimTypes.NameIdentifier, user.Id.ToString()));
        id.AddClaim(new Claim(PersonClaims.PersonId, user.Id.ToString()));
        id.AddClaim(new Claim(ClaimTypes.Name, user.DisplayName));
        id.AddClaim(new Claim(ClaimTypes.Role, user.Role));
        if (user.TenantId is Guid tenant)
        {
            id.AddClaim(new Claim(ApiKeyAuthenticationHandler.TenantClaim, tenant.ToString()));
        }

        if (user.SupplierId is Guid supplier)
        {
            id.AddClaim(new Claim(ApiKeyAuthenticationHandler.SupplierClaim, supplier.ToString()));
        }

        if (user.OfficeId is Guid office)
        {
            id.AddClaim(new Claim(ApiKeyAuthenticationHandler.OfficeClaim, office.ToString()));
        }

        if (UserManager.SupportsUserSecurityStamp)
        {
            id.AddClaim(new Claim(Options.ClaimsIdentity.SecurityStampClaimType, await UserManager.GetSecurityStampAsync(user)));
        }

        return id;
    }
}

/// <summary>
/// Identity's sign-in, with our rules: a disabled person cannot sign in and fails security-stamp validation (so every
/// session ends at its next request); every session records when it began (<see cref="PersonClaims.SignedInAt"/>),
/// which a re-sign-in within the session keeps.
/// </summary>
public sealed class PersonSignInManager(
    UserManager<Person> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<Person> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<Person>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<Person> confirmation,
    TimeProvider clock)
    : SignInManager<Person>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    public override async Task<bool> CanSignInAsync(Person user) =>
        user is { DisabledAt: null } && await base.CanSignInAsync(user);

    public override async Task<Person?> ValidateSecurityStampAsync(ClaimsPrincipal? principal) =>
        await base.ValidateSecurityStampAsync(principal) is { DisabledAt: null } person ? person : null;

    public override Task SignInWithClaimsAsync(Person user, AuthenticationProperties? authenticationProperties, IEnumerable<Claim> additionalClaims)
    {
        var claims = additionalClaims.ToList();
        if (!claims.Exists(c => c.Type == PersonClaims.SignedInAt))
        {
            claims.Add(new Claim(PersonClaims.SignedInAt, clock.GetUtcNow().ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture), ClaimValueTypes.Integer64));
        }

        return base.SignInWithClaimsAsync(user, authenticationProperties, claims);
    }

    /// <summary>
    /// Signs in with a passkey (the JSON of <c>navigator.credentials.get()</c>, against the options of
    /// <see cref="SignInManager{TUser}.MakePasskeyRequestOptionsAsync"/>). Identity's own version checks the assertion
    /// and signs in with <c>amr=pwd</c>, without the checks a password sign-in makes first; ours refuses a disabled or
    /// locked-out person as a password sign-in does, and, since the passkey proved both possession of the device and
    /// its user's verification (the options require it, and Identity rejects an assertion without the UV flag), the
    /// session counts as signed in with two factors: <c>amr=mfa</c>. Never <see cref="SignInResult.TwoFactorRequired"/>.
    /// </summary>
    public override async Task<SignInResult> PasskeySignInAsync(string credentialJson)
    {
        ArgumentException.ThrowIfNullOrEmpty(credentialJson);
        PasskeyAssertionResult<Person> assertion;
        try
        {
            assertion = await PerformPasskeyAssertionAsync(credentialJson);
        }
        catch (InvalidOperationException)
        {
            // No request options were issued to this browser (or they were already used): nothing to check against.
            return SignInResult.Failed;
        }

        if (!assertion.Succeeded || !assertion.Passkey.IsUserVerified)
        {
            return SignInResult.Failed;
        }

        var person = assertion.User;
        if (await PreSignInCheck(person) is { } refused)
        {
            return refused;
        }

        // The new sign count (a cloned authenticator shows as a count that does not grow) and backup state.
        if (!(await UserManager.AddOrUpdatePasskeyAsync(person, assertion.Passkey)).Succeeded)
        {
            return SignInResult.Failed;
        }

        await SignInWithClaimsAsync(person, new AuthenticationProperties { IsPersistent = false }, [new Claim(PersonClaims.AuthenticationMethod, PersonClaims.Mfa)]);
        return SignInResult.Success;
    }

    /// <summary>
    /// Re-issues the current session's cookie after a change that updated the person's security stamp (which ends every
    /// other session), keeping when the session began and stating how it is now authenticated.
    /// </summary>
    public Task ResignInAsync(Person user, ClaimsPrincipal current, string amr)
    {
        var claims = new List<Claim> { new(PersonClaims.AuthenticationMethod, amr) };
        if (current.FindFirst(PersonClaims.SignedInAt) is { } began)
        {
            claims.Add(new Claim(PersonClaims.SignedInAt, began.Value, ClaimValueTypes.Integer64));
        }

        return SignInWithClaimsAsync(user, new AuthenticationProperties { IsPersistent = false }, claims);
    }
}

/// <summary>Session rules checked on every request that carries the cookie (<c>OnValidatePrincipal</c>).</summary>
public static class SessionRules
{
    /// <summary>However active, a session ends this long after it began; the idle timeout is the cookie's.</summary>
    public static readonly TimeSpan AbsoluteLifetime = TimeSpan.FromHours(12);

    public static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(30);

    /// <summary>
    /// Refuses a session that began too long ago, whose person is disabled or whose security stamp changed (a password
    /// or second-factor change, a disablement). Identity's own <c>SecurityStampValidator</c> compares with a strict
    /// "elapsed &gt; interval", so even with an interval of zero it skips a request in the same clock tick as the
    /// sign-in, and it rebuilds the principal, losing <c>amr</c> and the sign-in time; so the check is done here, on
    /// every request, without rebuilding.
    /// </summary>
    public static async Task ValidateAsync(CookieValidatePrincipalContext context)
    {
        var services = context.HttpContext.RequestServices;
        var now = services.GetRequiredService<TimeProvider>().GetUtcNow();
        var began = context.Principal?.FindFirst(PersonClaims.SignedInAt)?.Value;
        var fresh = long.TryParse(began, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            && now - DateTimeOffset.FromUnixTimeSeconds(seconds) <= AbsoluteLifetime;
        if (!fresh || await services.GetRequiredService<SignInManager<Person>>().ValidateSecurityStampAsync(context.Principal) is null)
        {
            context.RejectPrincipal();
            await context.HttpContext.SignOutAsync(IdentityConstants.ApplicationScheme);
        }
    }
}
