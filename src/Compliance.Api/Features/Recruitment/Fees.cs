using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Recruitment;

/// <summary>A payment related to a worker's recruitment. Under the Employer Pays Principle a worker-paid fee is owed back.</summary>
[SupplierScoped]
public sealed class Fee : WorkerRecord
{
    public required string Category { get; set; }

    public decimal Amount { get; set; }

    public required string Currency { get; set; }

    public required string PaidBy { get; set; }

    public required string PaidTo { get; set; }

    public DateOnly PaidOn { get; set; }

    public required string PaidInCountry { get; set; }

    public bool FinancedByLoan { get; set; }

    public decimal? LoanInterestRatePercent { get; set; }

    public string? Note { get; set; }

    public static Fee From(FeeRequest r) => new()
    {
        Category = r.Category!,
        Amount = r.Amount!.Value,
        Currency = r.Currency!,
        PaidBy = r.PaidBy!,
        PaidTo = r.PaidTo!,
        PaidOn = r.PaidOn!.Value,
        PaidInCountry = r.PaidInCountry!,
        FinancedByLoan = r.FinancedByLoan!.Value,
        LoanInterestRatePercent = r.LoanInterestRatePercent,
        Note = r.Note?.Trim(),
    };
}

internal sealed class FeeConfiguration : IEntityTypeConfiguration<Fee>
{
    public void Configure(EntityTypeBuilder<Fee> builder) => builder.ToTable("fees");
}

public static class FeeVocabulary
{
    public const string Worker = "worker";
    public static readonly IReadOnlyList<string> Categories = ["recruitment", "visa", "medical", "travel", "training", "levy", "deposit", "document", "other"];
    public static readonly IReadOnlyList<string> PaidBy = [Worker, "employer"];
    public static readonly IReadOnlyList<string> PaidTo = ["agency", "sub-agent", "employer", "government", "other"];
}

/// <summary>A fee as written through the API or as one fee group of a CSV import row.</summary>
public sealed record FeeRequest(
    string? Category, decimal? Amount, string? Currency, string? PaidBy, string? PaidTo, DateOnly? PaidOn,
    string? PaidInCountry, bool? FinancedByLoan, decimal? LoanInterestRatePercent, string? Note) : IValidatable
{
    public void Validate(Validator v)
    {
        v.OneOf("category", Category, FeeVocabulary.Categories);
        Money.Validate(v, "amount", Amount, "currency", Currency);
        v.OneOf("paidBy", PaidBy, FeeVocabulary.PaidBy);
        v.OneOf("paidTo", PaidTo, FeeVocabulary.PaidTo);
        v.Required("paidOn", PaidOn);
        v.Country("paidInCountry", PaidInCountry);
        if (v.Required("financedByLoan", FinancedByLoan))
        {
            v.Check(FinancedByLoan == true || LoanInterestRatePercent is null, "loanInterestRatePercent", "Only when financedByLoan is true.");
        }

        v.Range("loanInterestRatePercent", LoanInterestRatePercent, 0, 1000, required: false);
        v.Optional("note", Note, 1000);
    }
}

public sealed record FeeView(
    Guid Id, Guid WorkerId, string Category, decimal Amount, string Currency, string PaidBy, string PaidTo, DateOnly PaidOn,
    string PaidInCountry, bool FinancedByLoan, decimal? LoanInterestRatePercent, string? Note, DateTimeOffset RecordedAt)
{
    public static FeeView From(Fee f) => new(
        f.Id, f.WorkerId, f.Category, f.Amount, f.Currency, f.PaidBy, f.PaidTo, f.PaidOn, f.PaidInCountry, f.FinancedByLoan,
        f.LoanInterestRatePercent, f.Note, f.RecordedAt);
}

public static class FeesApi
{
    public static void MapFees(this RouteGroupBuilder workers)
    {
        workers.MapPost("/{id:guid}/fees", CreateAsync).RequireAuthorization(Policies.EmployerWrite).WithSummary("Record a recruitment-related fee paid by the worker or the employer.");
        workers.MapGet("/{id:guid}/fees", ListAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("List a worker's fees, oldest payment first.");
    }

    private static async Task<Results<Created<FeeView>, NotFound>> CreateAsync(Guid id, FeeRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (await WorkersApi.FindAsync(db, id, ct) is not { } worker)
        {
            return TypedResults.NotFound();
        }

        var fee = Fee.From(request).For<Fee>(worker, clock.GetUtcNow());
        db.Add(fee);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/workers/{id}/fees/{fee.Id}", FeeView.From(fee));
    }

    private static async Task<Results<Ok<Paged<FeeView>>, NotFound>> ListAsync(Guid id, [AsParameters] PageQuery paging, ComplianceDbContext db, CancellationToken ct)
    {
        if (await WorkersApi.FindAsync(db, id, ct) is null)
        {
            return TypedResults.NotFound();
        }

        var query = db.Set<Fee>().AsNoTracking().Where(f => f.WorkerId == id).OrderBy(f => f.PaidOn).ThenBy(f => f.Id);
        return TypedResults.Ok(await query.ToPagedAsync(paging, FeeView.From, ct));
    }
}
