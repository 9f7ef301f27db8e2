using System.Security.Claims;
using System.Text.Json;
using Compliance.Api.Infrastructure.Auth;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Authorization.Policy;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.UnitTests.Auth;

/// <summary>
/// What a refused caller learns. Hidden roles get the 404 of an unknown route (any of several hidden roles, not only
/// all of them); a person refused only for the second factor gets a 403 problem that says so. Named mutations:
/// <c>Any</c> to <c>All</c> over the hidden roles (the auditor, hidden with the supplier, got a 403 that says the
/// endpoint exists); <c>All</c> to <c>Any</c> over the failed requirements (a role refusal would read as "second factor").
/// </summary>
public class HidingAuthorizationResultHandlerTests
{
    private static DefaultHttpContext Context(string role, params object[] metadata)
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails().BuildServiceProvider();
        var context = new DefaultHttpContext
        {
            RequestServices = services,
            User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Role, role)], "test")),
        };
        context.Response.Body = new MemoryStream();
        context.SetEndpoint(new Endpoint(_ => Task.CompletedTask, new EndpointMetadataCollection(metadata), "test"));
        return context;
    }

    private static HidingAuthorizationResultHandler Handler(HttpContext context) =>
        new(context.RequestServices.GetRequiredService<IProblemDetailsService>());

    private static readonly AuthorizationPolicy Policy = new AuthorizationPolicyBuilder().RequireRole(Roles.Owner).Build();

    [Theory]
    [InlineData(Roles.Supplier)]
    [InlineData(Roles.Auditor)]
    public async Task AnyHiddenRole_RefusedByThePolicy_GetsA404(string role)
    {
        var context = Context(role, new HiddenFromRoles(Roles.Supplier, Roles.Auditor));
        var refused = PolicyAuthorizationResult.Forbid(AuthorizationFailure.Failed([new RolesAuthorizationRequirement([Roles.Owner])]));

        await Handler(context).HandleAsync(_ => Task.CompletedTask, context, Policy, refused);

        Assert.Equal(StatusCodes.Status404NotFound, context.Response.StatusCode);
        Assert.Equal(0, context.Response.Body.Length);
    }

    [Fact]
    public async Task APersonRefusedOnlyForTheSecondFactor_IsToldSo()
    {
        var context = Context(Roles.CaseHandler);
        var refused = PolicyAuthorizationResult.Forbid(AuthorizationFailure.Failed([new SecondFactorRequirement(), new OfficeSecondFactorRequirement()]));

        await Handler(context).HandleAsync(_ => Task.CompletedTask, context, Policy, refused);

        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
        context.Response.Body.Position = 0;
        var problem = await JsonSerializer.DeserializeAsync<JsonElement>(context.Response.Body);
        Assert.Equal("Second factor required", problem.GetProperty("title").GetString());
        Assert.Equal(SecondFactorRequirement.Detail, problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task ARoleRefusal_BesideTheSecondFactor_IsNotCalledASecondFactorProblem()
    {
        var services = new ServiceCollection().AddLogging().AddProblemDetails();
        services.AddAuthentication(o => o.DefaultForbidScheme = "test").AddScheme<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions, ForbidOnly>("test", null);
        var context = Context(Roles.Compliance);
        context.RequestServices = services.BuildServiceProvider();
        var refused = PolicyAuthorizationResult.Forbid(AuthorizationFailure.Failed([new SecondFactorRequirement(), new RolesAuthorizationRequirement([Roles.CaseHandler])]));

        await Handler(context).HandleAsync(_ => Task.CompletedTask, context, Policy, refused);

        Assert.Equal(StatusCodes.Status403Forbidden, context.Response.StatusCode);
        Assert.Equal(0, context.Response.Body.Length);
    }

    /// <summary>A scheme that only forbids, as the app's own schemes do for a refused caller (403, no body).</summary>
    private sealed class ForbidOnly(
        Microsoft.Extensions.Options.IOptionsMonitor<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions> options,
        Microsoft.Extensions.Logging.ILoggerFactory logger,
        System.Text.Encodings.Web.UrlEncoder encoder)
        : Microsoft.AspNetCore.Authentication.AuthenticationHandler<Microsoft.AspNetCore.Authentication.AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<Microsoft.AspNetCore.Authentication.AuthenticateResult> HandleAuthenticateAsync() =>
            Task.FromResult(Microsoft.AspNetCore.Authentication.AuthenticateResult.NoResult());
    }
}
