using System.Security.Claims;
using Compliance.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;

namespace Compliance.UnitTests.Auth;

/// <summary>
/// The two-factor rule (issue #18, BRIEF §2) decided claim by claim: a key (no person) passes; a person passes only
/// with <c>amr=mfa</c>; on the shared policies only an office's person is held to it. Named mutations: drop the
/// <c>!</c> before <c>IsPerson</c> in either handler (keys are refused, or password-only people pass); test
/// <c>amr</c> for <c>pwd</c> instead of <c>mfa</c> in <c>UsedSecondFactor</c>.
/// </summary>
public class SecondFactorTests
{
    private static ClaimsPrincipal User(bool person, string? amr = null, bool office = false)
    {
        var claims = new List<Claim> { new(ClaimTypes.Role, "case-handler") };
        if (person)
        {
            claims.Add(new Claim(PersonClaims.PersonId, Guid.NewGuid().ToString()));
        }

        if (amr is not null)
        {
            claims.Add(new Claim(PersonClaims.AuthenticationMethod, amr));
        }

        if (office)
        {
            claims.Add(new Claim(ApiKeyAuthenticationHandler.OfficeClaim, Guid.NewGuid().ToString()));
        }

        return new ClaimsPrincipal(new ClaimsIdentity(claims, "test"));
    }

    private static async Task<bool> PassesAsync(IAuthorizationHandler handler, IAuthorizationRequirement requirement, ClaimsPrincipal user)
    {
        var context = new AuthorizationHandlerContext([requirement], user, resource: null);
        await handler.HandleAsync(context);
        return context.HasSucceeded;
    }

    [Theory]
    [InlineData(false, null, true)]
    [InlineData(true, PersonClaims.Mfa, true)]
    [InlineData(true, PersonClaims.Password, false)]
    [InlineData(true, null, false)]
    public async Task Testimony_NeedsTheSecondFactorOfAPerson_NotOfAKey(bool person, string? amr, bool passes)
    {
        Assert.Equal(passes, await PassesAsync(new SecondFactorHandler(), new SecondFactorRequirement(), User(person, amr, office: true)));
        Assert.Equal(person && amr == PersonClaims.Mfa, PersonClaims.UsedSecondFactor(User(person, amr)));
        Assert.Equal(person, PersonClaims.IsPerson(User(person, amr)));
    }

    [Theory]
    [InlineData(false, null, true, true)]
    [InlineData(true, PersonClaims.Password, false, true)]
    [InlineData(true, PersonClaims.Password, true, false)]
    [InlineData(true, PersonClaims.Mfa, true, true)]
    public async Task SharedPolicies_HoldOnlyAnOfficesPeopleToTheSecondFactor(bool person, string? amr, bool office, bool passes) =>
        Assert.Equal(passes, await PassesAsync(new OfficeSecondFactorHandler(), new OfficeSecondFactorRequirement(), User(person, amr, office)));
}
