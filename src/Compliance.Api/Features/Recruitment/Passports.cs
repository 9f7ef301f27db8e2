using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Recruitment;

/// <summary>
/// One change of who holds a worker's passport. Append-only (the runtime role cannot update or delete), and there
/// is no field for the passport number: it is never stored.
/// </summary>
[SupplierScoped]
public sealed class PassportCustody : WorkerRecord
{
    public required string Holder { get; set; }

    public DateOnly Since { get; set; }

    public bool? WrittenConsent { get; set; }

    public string? Note { get; set; }
}

internal sealed class PassportCustodyConfiguration : IEntityTypeConfiguration<PassportCustody>
{
    public void Configure(EntityTypeBuilder<PassportCustody> builder) => builder.ToTable("passport_custody");
}

/// <summary>A worker's request to have their passport back; it must be honoured within 24 h (BRIEF §5).</summary>
[SupplierScoped]
public sealed class PassportAccessRequest : WorkerRecord
{
    public DateTimeOffset RequestedAt { get; set; }

    public DateTimeOffset? ReturnedAt { get; set; }

    public DateTimeOffset? RefusedAt { get; set; }

    public string? RefusalNote { get; set; }
}

internal sealed class PassportAccessRequestConfiguration : IEntityTypeConfiguration<PassportAccessRequest>
{
    public void Configure(EntityTypeBuilder<PassportAccessRequest> builder) => builder.ToTable("passport_access_requests");
}

public sealed record CustodyRequest(string? Holder, DateOnly? Since, bool? WrittenConsent, string? Note) : IValidatable
{
    public static readonly IReadOnlyList<string> Holders = ["worker", "employer-safekeeping", "agency", "government", "unknown"];

    public void Validate(Validator v)
    {
        v.OneOf("holder", Holder, Holders);
        v.Required("since", Since);
        v.Check(WrittenConsent is null || Holder == "employer-safekeeping", "writtenConsent", "Only for employer-safekeeping.");
        v.Optional("note", Note, 1000);
    }
}

public sealed record CustodyView(Guid Id, Guid WorkerId, string Holder, DateOnly Since, bool? WrittenConsent, string? Note, DateTimeOffset RecordedAt)
{
    public static CustodyView From(PassportCustody c) => new(c.Id, c.WorkerId, c.Holder, c.Since, c.WrittenConsent, c.Note, c.RecordedAt);
}

public sealed record AccessRequestRequest(DateTimeOffset? RequestedAt) : IValidatable
{
    public void Validate(Validator v) => v.Required("requestedAt", RequestedAt);
}

public sealed record FulfilRequest(DateTimeOffset? ReturnedAt) : IValidatable
{
    public void Validate(Validator v) => v.Required("returnedAt", ReturnedAt);
}

public sealed record RefuseRequest(DateTimeOffset? RefusedAt, string? Note) : IValidatable
{
    public void Validate(Validator v)
    {
        v.Required("refusedAt", RefusedAt);
        v.Optional("note", Note, 1000);
    }
}

public sealed record AccessRequestView(
    Guid Id, Guid WorkerId, DateTimeOffset RequestedAt, DateTimeOffset? ReturnedAt, DateTimeOffset? RefusedAt, string? RefusalNote,
    IReadOnlyDictionary<string, FlagView> Flags, DateTimeOffset RecordedAt)
{
    public static AccessRequestView From(PassportAccessRequest r, (bool Overdue, bool Refused) flags) => new(
        r.Id, r.WorkerId, r.RequestedAt, r.ReturnedAt, r.RefusedAt, r.RefusalNote,
        new Dictionary<string, FlagView>
        {
            ["overdue"] = new(flags.Overdue, Compliance.Domain.Reference.Indicators.RetentionOfIdentityDocuments),
            ["refused"] = new(flags.Refused, Compliance.Domain.Reference.Indicators.RetentionOfIdentityDocuments),
        },
        r.RecordedAt);
}

public static class PassportsApi
{
    public static void MapPassports(this RouteGroupBuilder workers)
    {
        workers.MapPost("/{id:guid}/passport-custody", CreateCustodyAsync).RequireAuthorization(Policies.EmployerWrite).WithSummary("Record who holds the passport from a date (append-only; never the passport number).");
        workers.MapGet("/{id:guid}/passport-custody", ListCustodyAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("The custody history, newest first.");
        workers.MapPost("/{id:guid}/passport-access-requests", CreateRequestAsync).RequireAuthorization(Policies.EmployerWrite).WithSummary("Record the worker asking for their passport.");
        workers.MapGet("/{id:guid}/passport-access-requests", ListRequestsAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("Access requests, each flagged overdue after 24 h or refused.");
        workers.MapPost("/{id:guid}/passport-access-requests/{requestId:guid}/fulfil", FulfilAsync).RequireAuthorization(Policies.EmployerWrite).WithSummary("Record the passport returned to the worker.");
        workers.MapPost("/{id:guid}/passport-access-requests/{requestId:guid}/refuse", RefuseAsync).RequireAuthorization(Policies.EmployerWrite)
            .WithSummary("Record the employer refusing to return the passport (FL07, a hard trigger).");
    }

    private static async Task<Results<Created<CustodyView>, NotFound>> CreateCustodyAsync(Guid id, CustodyRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (await WorkersApi.FindAsync(db, id, ct) is not { } worker)
        {
            return TypedResults.NotFound();
        }

        var custody = new PassportCustody { Holder = request.Holder!, Since = request.Since!.Value, WrittenConsent = request.WrittenConsent, Note = request.Note?.Trim() }
            .For<PassportCustody>(worker, clock.GetUtcNow());
        db.Add(custody);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/workers/{id}/passport-custody/{custody.Id}", CustodyView.From(custody));
    }

    private static async Task<Results<Ok<Paged<CustodyView>>, NotFound>> ListCustodyAsync(Guid id, [AsParameters] PageQuery paging, ComplianceDbContext db, CancellationToken ct)
    {
        if (await WorkersApi.FindAsync(db, id, ct) is null)
        {
            return TypedResults.NotFound();
        }

        var query = db.Set<PassportCustody>().AsNoTracking().Where(c => c.WorkerId == id).OrderByDescending(c => c.Since).ThenByDescending(c => c.RecordedAt);
        return TypedResults.Ok(await query.ToPagedAsync(paging, CustodyView.From, ct));
    }

    private static async Task<Results<Created<AccessRequestView>, NotFound>> CreateRequestAsync(Guid id, AccessRequestRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (await WorkersApi.FindAsync(db, id, ct) is not { } worker)
        {
            return TypedResults.NotFound();
        }

        var now = clock.GetUtcNow();
        var accessRequest = new PassportAccessRequest { RequestedAt = request.RequestedAt!.Value.ToUniversalTime() }.For<PassportAccessRequest>(worker, now);
        db.Add(accessRequest);
        await db.SaveChangesAsync(ct);
        var flags = await FlagsAsync(db, id, now, ct);
        return TypedResults.Created($"/api/v1/workers/{id}/passport-access-requests/{accessRequest.Id}", AccessRequestView.From(accessRequest, flags.GetValueOrDefault(accessRequest.Id)));
    }

    private static async Task<Results<Ok<Paged<AccessRequestView>>, NotFound>> ListRequestsAsync(Guid id, [AsParameters] PageQuery paging, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (await WorkersApi.FindAsync(db, id, ct) is null)
        {
            return TypedResults.NotFound();
        }

        var flags = await FlagsAsync(db, id, clock.GetUtcNow(), ct);
        var query = db.Set<PassportAccessRequest>().AsNoTracking().Where(r => r.WorkerId == id).OrderByDescending(r => r.RequestedAt).ThenBy(r => r.Id);
        return TypedResults.Ok(await query.ToPagedAsync(paging, r => AccessRequestView.From(r, flags.GetValueOrDefault(r.Id)), ct));
    }

    private static Task<Results<Ok<AccessRequestView>, NotFound, ValidationProblem>> FulfilAsync(Guid id, Guid requestId, FulfilRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct) =>
        CloseAsync(id, requestId, "returnedAt", request.ReturnedAt!.Value, r => r.ReturnedAt = request.ReturnedAt.Value.ToUniversalTime(), db, clock, ct);

    private static Task<Results<Ok<AccessRequestView>, NotFound, ValidationProblem>> RefuseAsync(Guid id, Guid requestId, RefuseRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct) =>
        CloseAsync(id, requestId, "refusedAt", request.RefusedAt!.Value, r =>
        {
            r.RefusedAt = request.RefusedAt.Value.ToUniversalTime();
            r.RefusalNote = request.Note?.Trim();
        }, db, clock, ct);

    /// <summary>An access request ends once: returned or refused, never before it was made.</summary>
    private static async Task<Results<Ok<AccessRequestView>, NotFound, ValidationProblem>> CloseAsync(
        Guid id, Guid requestId, string field, DateTimeOffset at, Action<PassportAccessRequest> close, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var accessRequest = await db.Set<PassportAccessRequest>().SingleOrDefaultAsync(r => r.Id == requestId && r.WorkerId == id, ct);
        if (accessRequest is null)
        {
            return TypedResults.NotFound();
        }

        if (accessRequest.ReturnedAt is not null || accessRequest.RefusedAt is not null)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = ["The request is already closed (returned or refused)."] });
        }

        if (at < accessRequest.RequestedAt)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = ["Must not be before requestedAt."] });
        }

        close(accessRequest);
        await db.SaveChangesAsync(ct);
        var flags = await FlagsAsync(db, id, clock.GetUtcNow(), ct);
        return TypedResults.Ok(AccessRequestView.From(accessRequest, flags.GetValueOrDefault(requestId)));
    }

    /// <summary>Per-request flags from <c>app.passport_access_flags(as_of)</c>, the definition the worker flags use.</summary>
    private static async Task<Dictionary<Guid, (bool Overdue, bool Refused)>> FlagsAsync(ComplianceDbContext db, Guid workerId, DateTimeOffset asOf, CancellationToken ct) =>
        (await TenantSql.RowsAsync(db, "select request_id, overdue, refused from app.passport_access_flags(@asOf) where worker_id = @w",
            r => (Key: r.GetGuid(0), Value: (r.GetBoolean(1), r.GetBoolean(2))), ct, ("w", workerId), ("asOf", asOf))).ToDictionary(x => x.Key, x => x.Value);
}
