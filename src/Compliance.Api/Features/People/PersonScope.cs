using System.Security.Claims;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Tenancy;

namespace Compliance.Api.Features.People;

/// <summary>
/// Sets <see cref="TenantContext"/> for a person's session, as <see cref="ApiKeyAuthenticationHandler"/> does for a key.
/// A tenant's member works on their tenant (and supplier). An office's member works on the tenant named by
/// <c>X-Tenant-Id</c> (or <c>?tenant=</c>) while the office's link to it is live; naming one that is not is a 404 for
/// the whole request; naming none works on the only live link's tenant, or in the office's own scope.
/// </summary>
public sealed class PersonScopeMiddleware(RequestDelegate next)
{
    public const string TenantHeader = "X-Tenant-Id";

    public async Task InvokeAsync(HttpContext context, TenantContext scope, OfficeLinks links, IProblemDetailsService problems)
    {
        var user = context.User;
        if (PersonClaims.IsPerson(user) && Guid.TryParse(user.FindFirstValue(PersonClaims.PersonId), out var personId)
            && user.FindFirstValue(ClaimTypes.Role) is { } role)
        {
            if (Guid.TryParse(user.FindFirstValue(ApiKeyAuthenticationHandler.TenantClaim), out var tenantId))
            {
                var supplier = Guid.TryParse(user.FindFirstValue(ApiKeyAuthenticationHandler.SupplierClaim), out var s) ? s : (Guid?)null;
                scope.SetPerson(tenantId, supplier, personId, role);
            }
            else if (Guid.TryParse(user.FindFirstValue(ApiKeyAuthenticationHandler.OfficeClaim), out var officeId))
            {
                var named = context.Request.Headers[TenantHeader].ToString();
                if (string.IsNullOrEmpty(named))
                {
                    named = context.Request.Query["tenant"].ToString();
                }

                var choice = await links.ChooseAsync(officeId, named, context.RequestAborted);
                if (choice.Refused)
                {
                    context.Response.StatusCode = StatusCodes.Status404NotFound;
                    await problems.WriteAsync(new ProblemDetailsContext
                    {
                        HttpContext = context,
                        ProblemDetails = { Status = StatusCodes.Status404NotFound, Title = "Not Found", Detail = "Your office has no live link with that tenant." },
                    });
                    return;
                }

                scope.SetForOffice(choice.TenantId, officeId, personId, apiKeyId: null, role);
            }
        }

        await next(context);
    }
}
