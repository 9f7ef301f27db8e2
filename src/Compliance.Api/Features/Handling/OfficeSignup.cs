using Compliance.Api.Features.Foundation;
using Compliance.Api.Features.People;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Compliance.Domain.Reference;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Compliance.Api.Features.Handling;

/// <summary>
/// How offices come to exist: an independent office signs up on its own (anonymous, rate-limited like tenant signup),
/// with its first admin's own password; a tenant creates an <c>internal</c> office for its own grievance team, whose
/// admin sets a password with a one-time setup code. Either way the office, its admin and their roster rows commit
/// together in one transaction.
/// </summary>
public static partial class HandlingOfficesApi
{
    /// <summary>The shortest admin password accepted (Identity's rule, checked here so the 400 names the field).</summary>
    public const int MinimumPasswordLength = 12;

    public sealed record OfficeSignupRequest(
        string? Name, string? Kind, string? CountryCode, string? Contact, string? AdminEmail, string? AdminDisplayName, string? AdminPassword) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.Required("name", Name, 200);
            if (Kind == OfficeKinds.Internal)
            {
                v.Add("kind", "An internal office is created by its tenant's owner (POST /api/v1/handling-offices/internal).");
            }
            else
            {
                v.OneOf("kind", Kind, OfficeKinds.Independent);
            }

            v.Country("countryCode", CountryCode);
            v.Required("contact", Contact, 200);
            v.Email("adminEmail", AdminEmail);
            v.Required("adminDisplayName", AdminDisplayName, 100);
            if (v.Required("adminPassword", AdminPassword, 200))
            {
                v.Check(AdminPassword!.Length >= MinimumPasswordLength, "adminPassword", $"At least {MinimumPasswordLength} characters.");
            }
        }
    }

    /// <param name="Code">Give it to the tenants whose cases you will handle: they request a link with it.</param>
    public sealed record OfficeSignupResponse(Guid OfficeId, string Code, Guid AdminId, string SignInUrl);

    public sealed record InternalOfficeRequest(string? Name, string? CountryCode, string? Contact, string? AdminEmail, string? AdminDisplayName) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.Required("name", Name, 200);
            v.Country("countryCode", CountryCode);
            v.Required("contact", Contact, 200);
            v.Email("adminEmail", AdminEmail);
            v.Required("adminDisplayName", AdminDisplayName, 100);
        }
    }

    /// <param name="AdminSetupCode">Shown once: the admin sets their password with it at /console/setup.</param>
    public sealed record InternalOfficeResponse(Guid OfficeId, string Code, Guid LinkId, Guid AdminId, string AdminSetupCode);

    private static void MapSignup(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/handling-offices").WithTags("Handling offices");
        group.MapPost("/", SignUpAsync)
            .AllowAnonymous()
            .RequireRateLimiting(TenantsApi.SignupRateLimit)
            .WithSummary("An independent office (NGO, helpline, trade union) signs up with its first admin; returns the code tenants link with.");
        group.MapPost("/internal", CreateInternalAsync)
            .RequireAuthorization(Policies.Owner)
            .AddEndpointFilter<UnitOfWorkFilter>()
            .WithSummary("The tenant's own grievance team as an internal office, linked at once; the worker page says that company staff read reports.");
    }

    private static async Task<Results<Created<OfficeSignupResponse>, ValidationProblem, ProblemHttpResult>> SignUpAsync(
        OfficeSignupRequest request, ComplianceDbContext db, TenantContext scope, PersonAccounts accounts, TestimonyRoster roster, TimeProvider clock,
        CancellationToken ct)
    {
        // No office exists before this request: scoping to the new id lets its rows pass row-level security.
        var office = NewOffice(request.Name!, request.Kind!, request.CountryCode!, request.Contact!, internalTenant: null, clock);
        scope.SetForOffice(tenantId: null, office.Id, personId: null, apiKeyId: null, Roles.OfficeAdmin);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Add(office);
        roster.Append(office.Id, tenantId: null, RosterChanges.OfficeCreated, office.Name, RosterActors.Office);
        await db.SaveChangesAsync(ct);

        await accounts.EnlistAsync((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction(), ct);
        var admin = await accounts.CreateWithPasswordAsync(
            request.AdminEmail!.Trim(), request.AdminDisplayName!.Trim(), request.AdminPassword!, Membership.OfOffice(Roles.OfficeAdmin, office.Id), ct);
        if (admin.Person is null)
        {
            await transaction.RollbackAsync(ct);
            return admin.EmailTaken ? EmailTaken("adminEmail") : TypedResults.ValidationProblem(Refusal(admin, "adminPassword"));
        }

        await transaction.CommitAsync(ct);
        return TypedResults.Created(
            $"/api/v1/office",
            new OfficeSignupResponse(office.Id, office.Code, admin.Person!.Id, "/console/sign-in"));
    }

    private static async Task<Results<Created<InternalOfficeResponse>, ValidationProblem, ProblemHttpResult>> CreateInternalAsync(
        InternalOfficeRequest request, ComplianceDbContext db, TenantContext scope, PersonAccounts accounts, TestimonyRoster roster, TimeProvider clock,
        CancellationToken ct)
    {
        var tenantId = scope.RequiredTenantId;
        var office = NewOffice(request.Name!, OfficeKinds.Internal, request.CountryCode!, request.Contact!, tenantId, clock);
        var now = clock.GetUtcNow();
        var link = new HandlingLink { Id = Guid.CreateVersion7(), TenantId = tenantId, OfficeId = office.Id, RequestedAt = now, AcceptedAt = now };
        // No EF navigations are mapped, so the office is saved before the rows that reference it.
        db.Add(office);
        await db.SaveChangesAsync(ct);
        db.Add(link);
        roster.Append(office.Id, tenantId, RosterChanges.OfficeCreated, office.Name, RosterActors.Tenant);
        roster.Append(office.Id, tenantId, RosterChanges.LinkAccepted, office.Name, RosterActors.Tenant);
        await db.SaveChangesAsync(ct);

        // The admin joins the request's transaction, so the office, its link and its admin commit or fail together.
        var transaction = db.Database.CurrentTransaction!;
        await accounts.EnlistAsync((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction(), ct);
        var admin = await accounts.InviteAsync(
            request.AdminEmail!.Trim(), request.AdminDisplayName!.Trim(), Membership.OfOffice(Roles.OfficeAdmin, office.Id), ct);
        if (admin.Person is null)
        {
            return admin.EmailTaken ? EmailTaken("adminEmail") : TypedResults.ValidationProblem(Refusal(admin, "adminEmail"));
        }

        return TypedResults.Created(
            $"/api/v1/handling-links/{link.Id}",
            new InternalOfficeResponse(office.Id, office.Code, link.Id, admin.Person!.Id, admin.SetupCode!));
    }

    /// <summary>A new office row (code, name, kind, country); the demo seeder makes its office with it too.</summary>
    internal static HandlingOffice NewOffice(string name, string kind, string country, string contact, Guid? internalTenant, TimeProvider clock) => new()
    {
        Id = Guid.CreateVersion7(),
        Code = "HO-" + RandomCodes.New(10),
        Name = name.Trim(),
        Kind = kind,
        CountryCode = country.ToUpperInvariant(),
        Contact = contact.Trim(),
        InternalTenantId = internalTenant,
        CreatedAt = clock.GetUtcNow(),
    };

    private static ProblemHttpResult EmailTaken(string field) =>
        TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: $"An account with this email exists ({field}).");

    /// <summary>Whatever else Identity refuses (a password rule), under the field it concerns.</summary>
    private static Dictionary<string, string[]> Refusal(AccountResult result, string field) =>
        new() { [field] = [.. result.Errors.Select(e => e.Description)] };
}
