using System.Security.Claims;
using Compliance.Api.Features.Foundation;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.People;

/// <summary>
/// A tenant's people (owner only) and an office's people (office admin only). Accounts are made with a one-time setup
/// code, returned once; lists carry no secrets and only the caller's own tenant's or office's people.
/// </summary>
public static class MembersApi
{
    public sealed record InviteMemberRequest(string? Email, string? DisplayName, string? Role, Guid? SupplierId) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.Email("email", Email);
            v.Required("displayName", DisplayName, 100);
            Roles.ValidateTenantRole(v, Role, SupplierId, "member");
        }
    }

    public sealed record InviteOfficeMemberRequest(string? Email, string? DisplayName, string? Role) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.Email("email", Email);
            v.Required("displayName", DisplayName, 100);
            v.OneOf("role", Role, Roles.Office);
        }
    }

    /// <param name="SetupCode">Shown once, never again: the person types it at /console/setup to choose a password.</param>
    public sealed record InvitedMember(Guid Id, string Email, string DisplayName, string Role, Guid? SupplierId, DateTimeOffset CreatedAt, string SetupCode, DateTimeOffset SetupCodeExpiresAt, string SetupUrl);

    public sealed record MemberView(Guid Id, string Email, string DisplayName, string Role, Guid? SupplierId, bool TwoFactorEnabled, bool PasswordSet, DateTimeOffset CreatedAt, DateTimeOffset? DisabledAt);

    public static RouteGroupBuilder MapMembers(this RouteGroupBuilder api)
    {
        var members = api.MapGroup("/members").WithTags("Members")
            .RequireAuthorization(Policies.Owner)
            .AddEndpointFilter<UnitOfWorkFilter>();
        members.MapPost("/", InviteAsync).WithSummary("Add a person to the tenant (owner, compliance, supplier, auditor); the one-time setup code is in the response once.");
        members.MapGet("/", ListTenantAsync).WithSummary("List the tenant's people (never a secret).");
        members.MapPost("/{id:guid}/disable", DisableTenantMemberAsync).WithSummary("Disable a person: sign-in is refused and every session of theirs ends at its next request.");

        var office = api.MapGroup("/office/members").WithTags("Office members")
            .RequireAuthorization(Policies.OfficeAdmin)
            .AddEndpointFilter<UnitOfWorkFilter>();
        office.MapPost("/", InviteToOfficeAsync).WithSummary("Add a person to your office (office-admin or case-handler); the one-time setup code is in the response once.");
        office.MapGet("/", ListOfficeAsync).WithSummary("List your office's people (never a secret).");
        office.MapPost("/{id:guid}/disable", DisableOfficeMemberAsync).WithSummary("Disable a person of your office: sign-in is refused and every session of theirs ends at its next request.");
        return api;
    }

    internal static async Task<Results<Created<InvitedMember>, ValidationProblem, ProblemHttpResult>> InviteAsync(
        InviteMemberRequest request, ComplianceDbContext db, TenantContext tenant, PersonAccounts accounts, CancellationToken ct)
    {
        if (request.SupplierId is Guid supplierId && !await db.Set<Supplier>().AnyAsync(s => s.Id == supplierId, ct))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["supplierId"] = ["Unknown supplier."] });
        }

        var membership = Membership.OfTenant(request.Role!, tenant.RequiredTenantId, request.SupplierId);
        return await InvitedAsync(accounts, request.Email!, request.DisplayName!.Trim(), membership, "/api/v1/members", ct);
    }

    private static async Task<Results<Created<InvitedMember>, ValidationProblem, ProblemHttpResult>> InviteToOfficeAsync(
        InviteOfficeMemberRequest request, ClaimsPrincipal user, PersonAccounts accounts, CancellationToken ct)
    {
        var membership = Membership.OfOffice(request.Role!, OfficeOf(user));
        return await InvitedAsync(accounts, request.Email!, request.DisplayName!.Trim(), membership, "/api/v1/office/members", ct);
    }

    private static async Task<Results<Created<InvitedMember>, ValidationProblem, ProblemHttpResult>> InvitedAsync(
        PersonAccounts accounts, string email, string displayName, Membership membership, string location, CancellationToken ct)
    {
        var result = await accounts.InviteAsync(email, displayName, membership, ct);
        if (result.EmailTaken)
        {
            return TypedResults.Problem("An account with this email already exists.", statusCode: StatusCodes.Status409Conflict, title: "Conflict");
        }

        if (result is not { Person: { } p, SetupCode: { } code })
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["email"] = [.. result.Errors.Select(e => e.Description)] });
        }

        return TypedResults.Created(
            $"{location}/{p.Id}",
            new InvitedMember(p.Id, p.Email!, p.DisplayName, p.Role, p.SupplierId, p.CreatedAt, code, p.SetupCodeExpiresAt!.Value, "/console/setup"));
    }

    internal static Task<Ok<Paged<MemberView>>> ListTenantAsync([AsParameters] PageQuery paging, ComplianceDbContext db, TenantContext tenant, CancellationToken ct) =>
        ListAsync(db, "tenant_id = @scope and office_id is null", tenant.RequiredTenantId, paging, ct);

    private static Task<Ok<Paged<MemberView>>> ListOfficeAsync([AsParameters] PageQuery paging, ComplianceDbContext db, ClaimsPrincipal user, CancellationToken ct) =>
        ListAsync(db, "office_id = @scope", OfficeOf(user), paging, ct);

    /// <summary>
    /// Read on the request's own transaction, so row-level security (the tenant's or the office's people only) applies
    /// besides the predicate; the identity store, which sees everyone, is not used for reading lists.
    /// </summary>
    private static async Task<Ok<Paged<MemberView>>> ListAsync(ComplianceDbContext db, string predicate, Guid scope, PageQuery paging, CancellationToken ct)
    {
        var total = (await TenantSql.RowsAsync(db, $"select count(*)::integer from people where {predicate}", r => r.GetInt32(0), ct, ("scope", scope)))[0];
        var items = await TenantSql.RowsAsync(
            db,
            $"""
            select id, email, display_name, role, supplier_id, two_factor_enabled, password_hash is not null, created_at, disabled_at
            from people where {predicate} order by created_at, id offset @skip limit @take
            """,
            r => new MemberView(
                r.GetGuid(0), r.GetString(1), r.GetString(2), r.GetString(3), r.IsDBNull(4) ? null : r.GetGuid(4), r.GetBoolean(5), r.GetBoolean(6),
                r.GetFieldValue<DateTimeOffset>(7), r.IsDBNull(8) ? null : r.GetFieldValue<DateTimeOffset>(8)),
            ct,
            ("scope", scope),
            ("skip", checked((paging.PageNumber - 1) * paging.Size)),
            ("take", paging.Size));
        return TypedResults.Ok(new Paged<MemberView>(items, paging.PageNumber, paging.Size, total));
    }

    internal static Task<Results<NoContent, NotFound>> DisableTenantMemberAsync(Guid id, ComplianceDbContext db, TenantContext tenant, PersonAccounts accounts, CancellationToken ct) =>
        DisableAsync(db, accounts, id, "tenant_id = @scope and office_id is null", tenant.RequiredTenantId, ct);

    private static Task<Results<NoContent, NotFound>> DisableOfficeMemberAsync(Guid id, ComplianceDbContext db, ClaimsPrincipal user, PersonAccounts accounts, CancellationToken ct) =>
        DisableAsync(db, accounts, id, "office_id = @scope", OfficeOf(user), ct);

    /// <summary>Another tenant's or office's person is a 404: the lookup runs under the caller's scope before anything changes.</summary>
    private static async Task<Results<NoContent, NotFound>> DisableAsync(
        ComplianceDbContext db, PersonAccounts accounts, Guid id, string predicate, Guid scope, CancellationToken ct)
    {
        var visible = await TenantSql.RowsAsync(db, $"select 1 from people where id = @id and {predicate}", _ => true, ct, ("id", id), ("scope", scope));
        if (visible.Count == 0 || !await accounts.DisableAsync(id, ct))
        {
            return TypedResults.NotFound();
        }

        return TypedResults.NoContent();
    }

    private static Guid OfficeOf(ClaimsPrincipal user) =>
        Guid.Parse(user.FindFirstValue(ApiKeyAuthenticationHandler.OfficeClaim) ?? throw new InvalidOperationException("The office-admin policy requires an office."));
}
