using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Risk.Audits;

/// <summary>
/// Corrective actions. Auditor, compliance and owner keys raise them; the supplier updates its own (open ↔ done,
/// closedOn); only auditor, compliance and owner keys verify (status verified, verificationNote).
/// </summary>
public static class CorrectiveActionsApi
{
    public sealed record CreateActionRequest(string? Description, DateOnly? DueOn) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.Required("description", Description, 4000);
            v.Required("dueOn", DueOn);
        }
    }

    public sealed record UpdateActionRequest(string? Status, DateOnly? ClosedOn, string? VerificationNote) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.OneOf("status", Status, AuditVocabulary.ActionStatuses);
            v.Optional("verificationNote", VerificationNote, 4000);
            v.Check(Status is not AuditVocabulary.Open || ClosedOn is null, "closedOn", "Must be empty while the action is open.");
            v.Check(Status is not AuditVocabulary.Verified || VerificationNote is not null, "verificationNote", "Required to verify an action.");
        }
    }

    public sealed record ActionView(Guid Id, Guid FindingId, Guid SiteId, Guid SupplierId, string Description, DateOnly DueOn, string Status, DateOnly? ClosedOn, string? VerificationNote, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public static ActionView From(CorrectiveAction a) => new(a.Id, a.FindingId, a.SiteId, a.SupplierId, a.Description, a.DueOn, a.Status, a.ClosedOn, a.VerificationNote, a.CreatedAt, a.UpdatedAt);
    }

    public static void MapCorrectiveActions(RouteGroupBuilder api)
    {
        var findings = api.MapGroup("/findings").WithTags("Audits").AddEndpointFilter<UnitOfWorkFilter>();
        findings.MapPost("/{id:guid}/corrective-actions", CreateAsync).RequireAuthorization(Policies.AuditWrite).WithSummary("Raise a corrective action for a finding.");
        findings.MapGet("/{id:guid}/corrective-actions", ListAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("List a finding's corrective actions.");

        var actions = api.MapGroup("/corrective-actions").WithTags("Audits").AddEndpointFilter<UnitOfWorkFilter>();
        actions.MapGet("/{id:guid}", GetAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("Read a corrective action.");
        actions.MapPatch("/{id:guid}", UpdateAsync).RequireAuthorization(Policies.EmployerRead)
            .WithSummary("Update a corrective action: suppliers mark it open or done; auditors, compliance and owner also verify it.");
    }

    private static async Task<Results<Created<ActionView>, NotFound>> CreateAsync(Guid id, CreateActionRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var finding = await db.Set<AuditFinding>().AsNoTracking().SingleOrDefaultAsync(f => f.Id == id, ct);
        if (finding is null)
        {
            return TypedResults.NotFound();
        }

        var now = clock.GetUtcNow();
        var action = new CorrectiveAction
        {
            Id = Guid.CreateVersion7(),
            FindingId = finding.Id,
            SiteId = finding.SiteId,
            SupplierId = finding.SupplierId,
            Description = request.Description!.Trim(),
            DueOn = request.DueOn!.Value,
            Status = AuditVocabulary.Open,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Add(action);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/corrective-actions/{action.Id}", ActionView.From(action));
    }

    internal static async Task<Results<Ok<Paged<ActionView>>, NotFound>> ListAsync(Guid id, [AsParameters] PageQuery paging, ComplianceDbContext db, CancellationToken ct)
    {
        if (!await db.Set<AuditFinding>().AnyAsync(f => f.Id == id, ct))
        {
            return TypedResults.NotFound();
        }

        var query = db.Set<CorrectiveAction>().AsNoTracking().Where(a => a.FindingId == id).OrderBy(a => a.DueOn).ThenBy(a => a.Id);
        return TypedResults.Ok(await query.ToPagedAsync(paging, ActionView.From, ct));
    }

    /// <summary>
    /// Open actions past their due date, oldest due first: "overdue" as the risk model counts it (still open after
    /// <c>dueOn</c>; done or verified actions are not overdue).
    /// </summary>
    internal static Task<List<ActionView>> OverdueAsync(ComplianceDbContext db, DateOnly today, CancellationToken ct) =>
        db.Set<CorrectiveAction>().AsNoTracking()
            .Where(a => a.Status == AuditVocabulary.Open && a.DueOn < today)
            .OrderBy(a => a.DueOn).ThenBy(a => a.Id)
            .Select(a => ActionView.From(a))
            .ToListAsync(ct);

    private static async Task<Results<Ok<ActionView>, NotFound>> GetAsync(Guid id, ComplianceDbContext db, CancellationToken ct) =>
        await db.Set<CorrectiveAction>().AsNoTracking().SingleOrDefaultAsync(a => a.Id == id, ct) is { } a
            ? TypedResults.Ok(ActionView.From(a))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<ActionView>, NotFound, ProblemHttpResult>> UpdateAsync(
        Guid id, UpdateActionRequest request, ComplianceDbContext db, TenantContext tenant, TimeProvider clock, CancellationToken ct)
    {
        var action = await db.Set<CorrectiveAction>().SingleOrDefaultAsync(a => a.Id == id, ct);
        if (action is null)
        {
            return TypedResults.NotFound();
        }

        // Verification is the auditor's word; the supplier can report work done, never certify it. A supplier may
        // not undo a verification either.
        var verifies = request.Status == AuditVocabulary.Verified || request.VerificationNote is not null || action.Status == AuditVocabulary.Verified;
        if (tenant.Role == Roles.Supplier && verifies)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden", detail: "Only auditor, compliance and owner keys verify corrective actions.");
        }

        action.Status = request.Status!;
        action.ClosedOn = request.Status == AuditVocabulary.Open ? null : request.ClosedOn ?? DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        action.VerificationNote = request.VerificationNote?.Trim();
        action.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(ActionView.From(action));
    }
}
