using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Jobs;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Handling;

/// <summary>
/// The installation operator's endpoints, behind the operator credential (the job dashboard's, never a tenant's or an
/// office's key): marking a handling office verified, which the worker page then shows.
/// </summary>
public static class OperatorApi
{
    public static RouteGroupBuilder MapOperator(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/operator").WithTags("Operator").AllowAnonymous();
        group.MapPost("/handling-offices/{id:guid}/verify", VerifyAsync)
            .WithSummary("Operator only: mark a handling office verified (the worker page shows verified or self-declared).");
        return group;
    }

    private static async Task<Results<NoContent, NotFound, ProblemHttpResult>> VerifyAsync(
        Guid id, HttpContext http, OperatorCredential credential, ComplianceDbContext db, TenantContext scope, TestimonyRoster roster,
        TimeProvider clock, CancellationToken ct)
    {
        if (!credential.Matches(http))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Only the installation's operator credential may verify an office.");
        }

        // The operator acts as no tenant; scoping to the office makes its row (and roster) reachable under RLS.
        scope.SetForOffice(tenantId: null, id, personId: null, apiKeyId: null, role: "operator");
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        var office = await db.Set<HandlingOffice>().AsTracking().SingleOrDefaultAsync(o => o.Id == id, ct);
        if (office is null)
        {
            return TypedResults.NotFound();
        }

        if (office.VerifiedAt is null)
        {
            office.VerifiedAt = clock.GetUtcNow();
            roster.Append(office.Id, tenantId: null, RosterChanges.OfficeVerified, office.Name, RosterActors.Operator);
            await db.SaveChangesAsync(ct);
        }

        await transaction.CommitAsync(ct);
        return TypedResults.NoContent();
    }
}
