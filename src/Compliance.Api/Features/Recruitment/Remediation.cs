using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Features.Recruitment;

/// <summary>Section <c>Recruitment</c>.</summary>
public sealed class RecruitmentOptions
{
    public const string Section = "Recruitment";

    /// <summary>Days after a worker-paid fee is recorded by which it must be paid back.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 3650)]
    public int ReimbursementDueDays { get; set; } = 90;
}

/// <summary>A payment made back to a worker for fees they paid.</summary>
[SupplierScoped]
public sealed class Reimbursement : WorkerRecord
{
    public decimal Amount { get; set; }

    public required string Currency { get; set; }

    public DateOnly PaidOn { get; set; }

    public required string Reference { get; set; }
}

internal sealed class ReimbursementConfiguration : IEntityTypeConfiguration<Reimbursement>
{
    public void Configure(EntityTypeBuilder<Reimbursement> builder) => builder.ToTable("reimbursements");
}

public sealed record ReimbursementRequest(decimal? Amount, string? Currency, DateOnly? PaidOn, string? Reference) : IValidatable
{
    public void Validate(Validator v)
    {
        Money.Validate(v, "amount", Amount, "currency", Currency);
        v.Required("paidOn", PaidOn);
        v.Required("reference", Reference, 200);
    }
}

public sealed record ReimbursementView(Guid Id, Guid WorkerId, decimal Amount, string Currency, DateOnly PaidOn, string Reference, DateTimeOffset RecordedAt)
{
    public static ReimbursementView From(Reimbursement r) => new(r.Id, r.WorkerId, r.Amount, r.Currency, r.PaidOn, r.Reference, r.RecordedAt);
}

/// <summary>Owed, reimbursed and outstanding in one currency; due on the date the oldest unpaid fee falls due.</summary>
public sealed record CurrencyBalance(string Currency, decimal Owed, decimal Reimbursed, decimal Outstanding, DateOnly? DueOn, bool Overdue);

public sealed record RemediationView(Guid WorkerId, bool Settled, IReadOnlyList<CurrencyBalance> Balances);

/// <summary>The remediation ledger: pure arithmetic over worker-paid fees and reimbursements.</summary>
public static class RemediationLedger
{
    /// <param name="fees">Worker-paid fees: currency, amount, when recorded.</param>
    /// <param name="reimbursements">Payments back: currency, amount.</param>
    /// <remarks>Reimbursements settle the oldest fees first, so the due date is that of the oldest fee not yet covered.</remarks>
    public static List<CurrencyBalance> Balances(
        IEnumerable<(string Currency, decimal Amount, DateTimeOffset RecordedAt)> fees,
        IEnumerable<(string Currency, decimal Amount)> reimbursements,
        int dueDays,
        DateTimeOffset now)
    {
        var paid = reimbursements.GroupBy(r => r.Currency).ToDictionary(g => g.Key, g => g.Sum(r => r.Amount), StringComparer.Ordinal);
        var result = new List<CurrencyBalance>();
        foreach (var group in fees.GroupBy(f => f.Currency).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var owed = group.Sum(f => f.Amount);
            var reimbursed = paid.GetValueOrDefault(group.Key);
            DateOnly? dueOn = null;
            var covered = reimbursed;
            foreach (var fee in group.OrderBy(f => f.RecordedAt))
            {
                if (covered >= fee.Amount)
                {
                    covered -= fee.Amount;
                    continue;
                }

                dueOn = DateOnly.FromDateTime(fee.RecordedAt.UtcDateTime).AddDays(dueDays);
                break;
            }

            var outstanding = owed - reimbursed;
            result.Add(new CurrencyBalance(group.Key, owed, reimbursed, outstanding, outstanding > 0 ? dueOn : null,
                outstanding > 0 && dueOn < DateOnly.FromDateTime(now.UtcDateTime)));
        }

        return result;
    }
}

public static class RemediationApi
{
    public static void MapRemediation(this RouteGroupBuilder workers)
    {
        workers.MapPost("/{id:guid}/reimbursements", CreateAsync).RequireAuthorization(Policies.EmployerWrite).WithSummary("Record a payment back to the worker, in the currency of the fees it repays.");
        workers.MapGet("/{id:guid}/reimbursements", ListAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("List reimbursements to a worker.");
        workers.MapGet("/{id:guid}/remediation", GetAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("Owed, reimbursed and outstanding per currency, with the due date.");
    }

    private static async Task<Results<Created<ReimbursementView>, NotFound, ValidationProblem>> CreateAsync(
        Guid id, ReimbursementRequest request, ComplianceDbContext db, TimeProvider clock, IOptions<RecruitmentOptions> options, CancellationToken ct)
    {
        if (await WorkersApi.FindAsync(db, id, ct) is not { } worker)
        {
            return TypedResults.NotFound();
        }

        var now = clock.GetUtcNow();
        var balance = (await LedgerAsync(db, id, options.Value, now, ct)).SingleOrDefault(b => b.Currency == request.Currency);
        if (balance is null || request.Amount > balance.Outstanding)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]>
            {
                ["amount"] = [$"Exceeds the outstanding balance in {request.Currency} ({balance?.Outstanding ?? 0}). Record reimbursements in the currency of the fees they repay."],
            });
        }

        var reimbursement = new Reimbursement { Amount = request.Amount!.Value, Currency = request.Currency!, PaidOn = request.PaidOn!.Value, Reference = request.Reference!.Trim() }
            .For<Reimbursement>(worker, now);
        db.Add(reimbursement);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/workers/{id}/reimbursements/{reimbursement.Id}", ReimbursementView.From(reimbursement));
    }

    private static async Task<Results<Ok<Paged<ReimbursementView>>, NotFound>> ListAsync(Guid id, [AsParameters] PageQuery paging, ComplianceDbContext db, CancellationToken ct)
    {
        if (await WorkersApi.FindAsync(db, id, ct) is null)
        {
            return TypedResults.NotFound();
        }

        var query = db.Set<Reimbursement>().AsNoTracking().Where(r => r.WorkerId == id).OrderBy(r => r.PaidOn).ThenBy(r => r.Id);
        return TypedResults.Ok(await query.ToPagedAsync(paging, ReimbursementView.From, ct));
    }

    private static async Task<Results<Ok<RemediationView>, NotFound>> GetAsync(Guid id, ComplianceDbContext db, TimeProvider clock, IOptions<RecruitmentOptions> options, CancellationToken ct)
    {
        if (await WorkersApi.FindAsync(db, id, ct) is null)
        {
            return TypedResults.NotFound();
        }

        var balances = await LedgerAsync(db, id, options.Value, clock.GetUtcNow(), ct);
        return TypedResults.Ok(new RemediationView(id, balances.All(b => b.Outstanding <= 0), balances));
    }

    private static async Task<List<CurrencyBalance>> LedgerAsync(ComplianceDbContext db, Guid workerId, RecruitmentOptions options, DateTimeOffset now, CancellationToken ct) =>
        await LedgersAsync(db, workerId, options, now, ct) is [var ledger] ? ledger.Balances : [];

    /// <summary>
    /// Remediation owed and repaid per supplier and currency: each worker's ledger (the same arithmetic as
    /// <c>GET /workers/{id}/remediation</c>), summed over the supplier's workers who paid a fee. For the console.
    /// </summary>
    internal static async Task<List<SupplierRemediation>> BySupplierAsync(ComplianceDbContext db, RecruitmentOptions options, DateTimeOffset now, CancellationToken ct)
    {
        var ledgers = await LedgersAsync(db, workerId: null, options, now, ct);
        return [.. ledgers
            .SelectMany(l => l.Balances.Select(b => (l.SupplierId, Balance: b)))
            .GroupBy(x => (x.SupplierId, x.Balance.Currency))
            .Select(g => new SupplierRemediation(
                g.Key.SupplierId,
                g.Key.Currency,
                g.Count(),
                g.Sum(x => x.Balance.Owed),
                g.Sum(x => x.Balance.Reimbursed),
                g.Sum(x => x.Balance.Outstanding),
                g.Count(x => x.Balance.Overdue),
                g.Min(x => x.Balance.DueOn)))
            .OrderBy(r => r.SupplierId).ThenBy(r => r.Currency, StringComparer.Ordinal)];
    }

    /// <summary>The ledger of one worker, or of every worker the caller may see (<paramref name="workerId"/> null), with each worker's supplier.</summary>
    private static async Task<List<(Guid WorkerId, Guid SupplierId, List<CurrencyBalance> Balances)>> LedgersAsync(
        ComplianceDbContext db, Guid? workerId, RecruitmentOptions options, DateTimeOffset now, CancellationToken ct)
    {
        var fees = await (
            from f in db.Set<Fee>().AsNoTracking()
            join w in db.Set<Worker>().AsNoTracking() on f.WorkerId equals w.Id
            where (workerId == null || f.WorkerId == workerId) && f.PaidBy == FeeVocabulary.Worker
            select new { f.WorkerId, w.SupplierId, f.Currency, f.Amount, f.RecordedAt }).ToListAsync(ct);
        var paid = (await db.Set<Reimbursement>().AsNoTracking().Where(r => workerId == null || r.WorkerId == workerId)
            .Select(r => new { r.WorkerId, r.Currency, r.Amount }).ToListAsync(ct)).ToLookup(r => r.WorkerId);
        return [.. fees.GroupBy(f => (f.WorkerId, f.SupplierId)).Select(g => (
            g.Key.WorkerId,
            g.Key.SupplierId,
            RemediationLedger.Balances(
                g.Select(f => (f.Currency, f.Amount, f.RecordedAt)), paid[g.Key.WorkerId].Select(r => (r.Currency, r.Amount)), options.ReimbursementDueDays, now)))];
    }
}

/// <summary>One supplier's remediation in one currency, over its workers who paid a fee.</summary>
/// <param name="WorkersOwed">Workers with a worker-paid fee in this currency.</param>
/// <param name="WorkersOverdue">Of those, workers whose outstanding balance is past its due date.</param>
/// <param name="EarliestDueOn">The earliest due date of an outstanding balance; null when all is repaid.</param>
public sealed record SupplierRemediation(
    Guid SupplierId, string Currency, int WorkersOwed, decimal Owed, decimal Reimbursed, decimal Outstanding, int WorkersOverdue, DateOnly? EarliestDueOn);
