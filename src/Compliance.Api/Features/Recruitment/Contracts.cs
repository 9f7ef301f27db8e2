using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Compliance.Domain.Reference;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Recruitment;

/// <summary>One version of a worker's contract. Versions are kept; a later one with worse terms is substitution (FL02).</summary>
[SupplierScoped]
public sealed class Contract : WorkerRecord
{
    public int Version { get; set; }

    public required string Language { get; set; }

    public DateOnly SignedOn { get; set; }

    public required string SignedInCountry { get; set; }

    public bool SignedBeforeDeparture { get; set; }

    public decimal WageAmount { get; set; }

    public required string WageCurrency { get; set; }

    public decimal HoursPerWeek { get; set; }

    public int TermMonths { get; set; }
}

internal sealed class ContractConfiguration : IEntityTypeConfiguration<Contract>
{
    public void Configure(EntityTypeBuilder<Contract> builder) => builder.ToTable("contracts");
}

public sealed record MoneyRequest(decimal? Amount, string? Currency);

public sealed record ContractRequest(
    string? Language, DateOnly? SignedOn, string? SignedInCountry, bool? SignedBeforeDeparture, MoneyRequest? MonthlyWage,
    decimal? HoursPerWeek, int? TermMonths) : IValidatable
{
    public void Validate(Validator v)
    {
        if (v.Required("language", Language, 35))
        {
            v.Check(Languages.IsBcp47(Language), "language", "Must be a BCP-47 language tag (e.g. ne or ms-MY).");
        }

        v.Required("signedOn", SignedOn);
        v.Country("signedInCountry", SignedInCountry);
        v.Required("signedBeforeDeparture", SignedBeforeDeparture);
        if (v.Required("monthlyWage", MonthlyWage))
        {
            Money.Validate(v, "monthlyWage.amount", MonthlyWage!.Amount, "monthlyWage.currency", MonthlyWage.Currency);
        }

        v.Range("hoursPerWeek", HoursPerWeek, 1, 168);
        v.Range("termMonths", TermMonths, 1, 120);
    }
}

public sealed record ContractView(
    Guid Id, Guid WorkerId, int Version, string Language, DateOnly SignedOn, string SignedInCountry, bool SignedBeforeDeparture,
    MoneyRequest MonthlyWage, decimal HoursPerWeek, int TermMonths, IReadOnlyDictionary<string, FlagView> Flags, DateTimeOffset RecordedAt)
{
    public static ContractView From(Contract c, (bool Substituted, bool LanguageMismatch) flags) => new(
        c.Id, c.WorkerId, c.Version, c.Language, c.SignedOn, c.SignedInCountry, c.SignedBeforeDeparture, new MoneyRequest(c.WageAmount, c.WageCurrency),
        c.HoursPerWeek, c.TermMonths,
        new Dictionary<string, FlagView>
        {
            ["substituted"] = new(flags.Substituted, Indicators.Deception),
            ["languageMismatch"] = new(flags.LanguageMismatch, Indicators.Deception),
        },
        c.RecordedAt);
}

public static class ContractsApi
{
    public static void MapContracts(this RouteGroupBuilder workers)
    {
        workers.MapPost("/{id:guid}/contracts", CreateAsync).RequireAuthorization(Policies.EmployerWrite).WithSummary("Record a new contract version (versions are kept).");
        workers.MapGet("/{id:guid}/contracts", ListAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("List contract versions with substitution and language-mismatch flags.");
    }

    private static async Task<Results<Created<ContractView>, NotFound>> CreateAsync(Guid id, ContractRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (await WorkersApi.FindAsync(db, id, ct) is not { } worker)
        {
            return TypedResults.NotFound();
        }

        var version = await db.Set<Contract>().Where(c => c.WorkerId == id).MaxAsync(c => (int?)c.Version, ct) ?? 0;
        var contract = new Contract
        {
            Version = version + 1,
            Language = request.Language!,
            SignedOn = request.SignedOn!.Value,
            SignedInCountry = request.SignedInCountry!,
            SignedBeforeDeparture = request.SignedBeforeDeparture!.Value,
            WageAmount = request.MonthlyWage!.Amount!.Value,
            WageCurrency = request.MonthlyWage.Currency!,
            HoursPerWeek = request.HoursPerWeek!.Value,
            TermMonths = request.TermMonths!.Value,
        }.For<Contract>(worker, clock.GetUtcNow());
        db.Add(contract);
        await db.SaveChangesAsync(ct);
        var flags = await FlagsAsync(db, id, ct);
        return TypedResults.Created($"/api/v1/workers/{id}/contracts/{contract.Id}", ContractView.From(contract, flags[contract.Id]));
    }

    private static async Task<Results<Ok<Paged<ContractView>>, NotFound>> ListAsync(Guid id, [AsParameters] PageQuery paging, ComplianceDbContext db, CancellationToken ct)
    {
        if (await WorkersApi.FindAsync(db, id, ct) is null)
        {
            return TypedResults.NotFound();
        }

        var flags = await FlagsAsync(db, id, ct);
        var query = db.Set<Contract>().AsNoTracking().Where(c => c.WorkerId == id).OrderBy(c => c.Version);
        return TypedResults.Ok(await query.ToPagedAsync(paging, c => ContractView.From(c, flags[c.Id]), ct));
    }

    /// <summary>Per-contract flags from <c>app.contract_flags()</c>, the same definition the worker flags use.</summary>
    private static async Task<Dictionary<Guid, (bool Substituted, bool LanguageMismatch)>> FlagsAsync(ComplianceDbContext db, Guid workerId, CancellationToken ct) =>
        (await TenantSql.RowsAsync(db, "select contract_id, substituted, language_mismatch from app.contract_flags() where worker_id = @w",
            r => (Key: r.GetGuid(0), Value: (r.GetBoolean(1), r.GetBoolean(2))), ct, ("w", workerId))).ToDictionary(x => x.Key, x => x.Value);
}
