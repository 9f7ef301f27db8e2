using Compliance.Api.Features.Recruitment;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Effectiveness;

/// <summary>
/// A remedy a case handler recorded on a case (migration 026): office-only like referrals, append-only. The employer
/// side counts remedies by kind and money by currency (k-suppressed) and never sees a row, so never the link from a
/// case to a worker's reimbursement or passport record.
/// </summary>
public sealed class CaseRemedy : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid GrievanceId { get; set; }

    public Guid OfficeId { get; set; }

    public required string Kind { get; set; }

    public decimal? Amount { get; set; }

    public string? Currency { get; set; }

    public Guid? ReimbursementId { get; set; }

    public Guid? CustodyId { get; set; }

    public DateOnly RecordedOn { get; set; }
}

internal sealed class CaseRemedyConfiguration : IEntityTypeConfiguration<CaseRemedy>
{
    public void Configure(EntityTypeBuilder<CaseRemedy> builder)
    {
        builder.ToTable("case_remedies");
        builder.HasOne<Grievance>().WithMany().HasForeignKey(r => r.GrievanceId);
    }
}

/// <summary>A remedy as the office sees it.</summary>
public sealed record RemedyView(Guid Id, string Kind, decimal? Amount, string? Currency, Guid? ReimbursementId, Guid? CustodyId, DateOnly RecordedOn);

/// <param name="Kind">One of <see cref="EffectivenessMetrics.RemedyKinds"/>.</param>
/// <param name="Amount">Money paid, with <paramref name="Currency"/> (ISO 4217); both or neither.</param>
/// <param name="ReimbursementId">For <c>fee-reimbursed</c>: the tenant's reimbursement record it paid.</param>
/// <param name="CustodyId">For <c>passport-returned</c>: the tenant's passport custody record of the return.</param>
public sealed record RemedyRequest(string? Kind, decimal? Amount, string? Currency, Guid? ReimbursementId, Guid? CustodyId) : IValidatable
{
    public void Validate(Validator v)
    {
        v.OneOf("kind", Kind, EffectivenessMetrics.RemedyKinds);
        if (Amount is not null || Currency is not null)
        {
            Money.Validate(v, "amount", Amount, "currency", Currency);
        }

        v.Check(ReimbursementId is null || Kind == "fee-reimbursed", "reimbursementId", "Only a 'fee-reimbursed' remedy links a reimbursement.");
        v.Check(CustodyId is null || Kind == "passport-returned", "custodyId", "Only a 'passport-returned' remedy links a passport custody record.");
    }
}

/// <summary>Records and lists a case's remedies, for an office's handlers only (as notes and referrals in <see cref="Casework"/>).</summary>
public sealed class RemedyRecords(ComplianceDbContext db, TimeProvider clock)
{
    public async Task<CaseResult<RemedyView>> RecordAsync(Guid id, RemedyRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (db.Tenant.OfficeId is not Guid office || !await db.Set<Grievance>().AnyAsync(g => g.Id == id, ct))
        {
            return CaseProblem.NotFound;
        }

        if (request.ReimbursementId is Guid r && !await db.Set<Reimbursement>().AnyAsync(x => x.Id == r, ct))
        {
            return CaseProblem.Invalid("reimbursementId", "No reimbursement record of this tenant has that id.");
        }

        if (request.CustodyId is Guid c && !await db.Set<PassportCustody>().AnyAsync(x => x.Id == c, ct))
        {
            return CaseProblem.Invalid("custodyId", "No passport custody record of this tenant has that id.");
        }

        var remedy = new CaseRemedy
        {
            // Time-ordered so a day's remedies list in the order recorded; only the office ever sees a remedy's id.
            Id = Guid.CreateVersion7(),
            GrievanceId = id,
            OfficeId = office,
            Kind = request.Kind!,
            Amount = request.Amount,
            Currency = request.Amount is null ? null : request.Currency,
            ReimbursementId = request.ReimbursementId,
            CustodyId = request.CustodyId,
            RecordedOn = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime),
        };
        db.Add(remedy);
        await db.SaveChangesAsync(ct);
        return View(remedy);
    }

    public async Task<CaseResult<IReadOnlyList<RemedyView>>> ListAsync(Guid id, CancellationToken ct)
    {
        if (db.Tenant.OfficeId is null || !await db.Set<Grievance>().AnyAsync(g => g.Id == id, ct))
        {
            return CaseProblem.NotFound;
        }

        var rows = await db.Set<CaseRemedy>().AsNoTracking().Where(r => r.GrievanceId == id).OrderBy(r => r.RecordedOn).ThenBy(r => r.Id).ToListAsync(ct);
        return new CaseResult<IReadOnlyList<RemedyView>>([.. rows.Select(View)], null);
    }

    private static RemedyView View(CaseRemedy r) => new(r.Id, r.Kind, r.Amount, r.Currency, r.ReimbursementId, r.CustodyId, r.RecordedOn);
}
