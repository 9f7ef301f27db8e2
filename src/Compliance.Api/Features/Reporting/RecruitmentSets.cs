using Compliance.Api.Features.Foundation;
using Compliance.Api.Features.Recruitment;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Reporting;

/// <summary>A worker as reported: no employee reference (the employer's identifier of a person stays off the feed).</summary>
[SupplierScoped]
public sealed class WorkerRow
{
    public Guid Id { get; set; }

    public Guid SupplierId { get; set; }

    public Guid SiteId { get; set; }

    public required string Nationality { get; set; }

    public required string Gender { get; set; }

    public int BirthYear { get; set; }

    public required string PreferredLanguage { get; set; }

    public required string Channel { get; set; }

    public Guid? AgencyId { get; set; }

    public bool SubAgentUsed { get; set; }

    public required string RecruitedInCountry { get; set; }

    public DateOnly HiredOn { get; set; }

    public DateOnly? ArrivedOn { get; set; }

    public DateOnly? WorkPermitExpiresOn { get; set; }

    public required string Status { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public SiteRow? Site { get; set; }

    public Agency? Agency { get; set; }

    public List<FeeRow>? Fees { get; set; }
}

/// <summary>The columns every worker record shares, and its worker for <c>$expand</c>.</summary>
[SupplierScoped]
public abstract class WorkerRecordRow
{
    public Guid Id { get; set; }

    public Guid SupplierId { get; set; }

    public Guid SiteId { get; set; }

    public Guid WorkerId { get; set; }

    public DateTimeOffset RecordedAt { get; set; }

    public WorkerRow? Worker { get; set; }
}

public sealed class FeeRow : WorkerRecordRow
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
}

public sealed class ReimbursementRow : WorkerRecordRow
{
    public decimal Amount { get; set; }

    public required string Currency { get; set; }

    public DateOnly PaidOn { get; set; }
}

/// <summary>A declaration; <c>Contradicted</c> when the worker has a worker-paid fee although the declaration says no fees.</summary>
public sealed class DeclarationRow : WorkerRecordRow
{
    public required string Kind { get; set; }

    public required string Language { get; set; }

    public DateOnly SignedOn { get; set; }

    public bool PaidNoFees { get; set; }

    public bool HoldsOwnPassport { get; set; }

    public bool ContractExplained { get; set; }

    public required string TemplateVersion { get; set; }

    public bool Contradicted { get; set; }
}

public sealed class ContractRow : WorkerRecordRow
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

/// <summary>Who holds a passport from when; never a passport number, never the free-text note.</summary>
public sealed class PassportCustodyRow : WorkerRecordRow
{
    public required string Holder { get; set; }

    public DateOnly Since { get; set; }

    /// <summary>For employer safekeeping: whether the worker agreed in writing.</summary>
    public bool? AgreedInWriting { get; set; }
}

public sealed class PassportAccessRequestRow : WorkerRecordRow
{
    public DateTimeOffset RequestedAt { get; set; }

    public DateTimeOffset? ReturnedAt { get; set; }

    public DateTimeOffset? RefusedAt { get; set; }

    /// <summary>Returned within 24 hours of the request (BRIEF §5).</summary>
    public bool HonouredWithin24h { get; set; }
}

public sealed class AgenciesController(ComplianceDbContext db) : ReportingController<Agency>(db);

public sealed class WorkersController(ComplianceDbContext db) : ReportingController<WorkerRow>(db)
{
    /// <summary>Site and agency are left joins on their keys (see <see cref="WorkerRecordController{TRow}.Workers"/> for why).</summary>
    protected override IQueryable<WorkerRow> Rows() =>
        from w in Db.Set<Worker>().AsNoTracking()
        join site in Db.Set<Site>().AsNoTracking() on w.SiteId equals site.Id into sites
        from s in sites.DefaultIfEmpty()
        join agency in Db.Set<Agency>().AsNoTracking() on w.AgencyId equals (Guid?)agency.Id into agencies
        from a in agencies.DefaultIfEmpty()
        select new WorkerRow
        {
            Id = w.Id,
            SupplierId = w.SupplierId,
            SiteId = w.SiteId,
            Nationality = w.Nationality,
            Gender = w.Gender,
            BirthYear = w.BirthYear,
            PreferredLanguage = w.PreferredLanguage,
            Channel = w.Channel,
            AgencyId = w.AgencyId,
            SubAgentUsed = w.SubAgentUsed,
            RecruitedInCountry = w.RecruitedInCountry,
            HiredOn = w.HiredOn,
            ArrivedOn = w.ArrivedOn,
            WorkPermitExpiresOn = w.WorkPermitExpiresOn,
            Status = w.Status,
            CreatedAt = w.CreatedAt,
            Site = s == null ? null : new SiteRow
            {
                Id = s.Id,
                SupplierId = s.SupplierId,
                Name = s.Name,
                CountryCode = s.CountryCode,
                Sector = s.Sector,
                WorkerHousing = s.WorkerHousing,
                CreatedAt = s.CreatedAt,
                UpdatedAt = s.UpdatedAt,
            },
            Agency = a,
            Fees = Db.Set<Fee>().AsNoTracking().Where(f => f.WorkerId == w.Id).Select(f => new FeeRow
            {
                Id = f.Id,
                SupplierId = f.SupplierId,
                SiteId = f.SiteId,
                WorkerId = f.WorkerId,
                RecordedAt = f.RecordedAt,
                Category = f.Category,
                Amount = f.Amount,
                Currency = f.Currency,
                PaidBy = f.PaidBy,
                PaidTo = f.PaidTo,
                PaidOn = f.PaidOn,
                PaidInCountry = f.PaidInCountry,
                FinancedByLoan = f.FinancedByLoan,
                LoanInterestRatePercent = f.LoanInterestRatePercent,
            }).ToList(),
        };
}

/// <summary>Worker records expand to their worker; the worker lookup is only made when <c>$expand=Worker</c> asks.</summary>
public abstract class WorkerRecordController<TRow>(ComplianceDbContext db) : ReportingController<TRow>(db)
    where TRow : WorkerRecordRow
{
    /// <summary>The worker of a record, flat (its own navigations are not reachable from here); EF inlines it.</summary>
    private static readonly System.Linq.Expressions.Expression<Func<Worker, WorkerRow>> FlatWorker = w => new WorkerRow
    {
        Id = w.Id,
        SupplierId = w.SupplierId,
        SiteId = w.SiteId,
        Nationality = w.Nationality,
        Gender = w.Gender,
        BirthYear = w.BirthYear,
        PreferredLanguage = w.PreferredLanguage,
        Channel = w.Channel,
        AgencyId = w.AgencyId,
        SubAgentUsed = w.SubAgentUsed,
        RecruitedInCountry = w.RecruitedInCountry,
        HiredOn = w.HiredOn,
        ArrivedOn = w.ArrivedOn,
        WorkPermitExpiresOn = w.WorkPermitExpiresOn,
        Status = w.Status,
        CreatedAt = w.CreatedAt,
    };

    /// <summary>
    /// Every record set left-joins this on the worker's key, not a correlated <c>FirstOrDefault</c>: EF translates the
    /// latter to a ROW_NUMBER window over every worker (866 ms p50 on 200,000 workers); unexpanded, PostgreSQL drops the join.
    /// </summary>
    protected IQueryable<WorkerRow> Workers => Db.Set<Worker>().AsNoTracking().Select(FlatWorker);
}

public sealed class FeesController(ComplianceDbContext db) : WorkerRecordController<FeeRow>(db)
{
    protected override IQueryable<FeeRow> Rows() =>
        from f in Db.Set<Fee>().AsNoTracking()
        join worker in Workers on f.WorkerId equals worker.Id into workers
        from w in workers.DefaultIfEmpty()
        select new FeeRow
        {
            Id = f.Id,
            SupplierId = f.SupplierId,
            SiteId = f.SiteId,
            WorkerId = f.WorkerId,
            RecordedAt = f.RecordedAt,
            Category = f.Category,
            Amount = f.Amount,
            Currency = f.Currency,
            PaidBy = f.PaidBy,
            PaidTo = f.PaidTo,
            PaidOn = f.PaidOn,
            PaidInCountry = f.PaidInCountry,
            FinancedByLoan = f.FinancedByLoan,
            LoanInterestRatePercent = f.LoanInterestRatePercent,
            Worker = w,
        };
}

public sealed class ReimbursementsController(ComplianceDbContext db) : WorkerRecordController<ReimbursementRow>(db)
{
    protected override IQueryable<ReimbursementRow> Rows() =>
        from r in Db.Set<Reimbursement>().AsNoTracking()
        join worker in Workers on r.WorkerId equals worker.Id into workers
        from w in workers.DefaultIfEmpty()
        select new ReimbursementRow
        {
            Id = r.Id,
            SupplierId = r.SupplierId,
            SiteId = r.SiteId,
            WorkerId = r.WorkerId,
            RecordedAt = r.RecordedAt,
            Amount = r.Amount,
            Currency = r.Currency,
            PaidOn = r.PaidOn,
            Worker = w,
        };
}

public sealed class DeclarationsController(ComplianceDbContext db) : WorkerRecordController<DeclarationRow>(db)
{
    protected override IQueryable<DeclarationRow> Rows() =>
        from d in Db.Set<Declaration>().AsNoTracking()
        join worker in Workers on d.WorkerId equals worker.Id into workers
        from w in workers.DefaultIfEmpty()
        select new DeclarationRow
        {
            Id = d.Id,
            SupplierId = d.SupplierId,
            SiteId = d.SiteId,
            WorkerId = d.WorkerId,
            RecordedAt = d.RecordedAt,
            Kind = d.Kind,
            Language = d.Language,
            SignedOn = d.SignedOn,
            PaidNoFees = d.PaidNoFees,
            HoldsOwnPassport = d.HoldsOwnPassport,
            ContractExplained = d.ContractExplained,
            TemplateVersion = d.TemplateVersion,
            Contradicted = d.PaidNoFees && Db.Set<Fee>().Any(f => f.WorkerId == d.WorkerId && f.PaidBy == "worker"),
            Worker = w,
        };
}

public sealed class ContractsController(ComplianceDbContext db) : WorkerRecordController<ContractRow>(db)
{
    protected override IQueryable<ContractRow> Rows() =>
        from c in Db.Set<Contract>().AsNoTracking()
        join worker in Workers on c.WorkerId equals worker.Id into workers
        from w in workers.DefaultIfEmpty()
        select new ContractRow
        {
            Id = c.Id,
            SupplierId = c.SupplierId,
            SiteId = c.SiteId,
            WorkerId = c.WorkerId,
            RecordedAt = c.RecordedAt,
            Version = c.Version,
            Language = c.Language,
            SignedOn = c.SignedOn,
            SignedInCountry = c.SignedInCountry,
            SignedBeforeDeparture = c.SignedBeforeDeparture,
            WageAmount = c.WageAmount,
            WageCurrency = c.WageCurrency,
            HoursPerWeek = c.HoursPerWeek,
            TermMonths = c.TermMonths,
            Worker = w,
        };
}

public sealed class PassportCustodyController(ComplianceDbContext db) : WorkerRecordController<PassportCustodyRow>(db)
{
    protected override IQueryable<PassportCustodyRow> Rows() =>
        from p in Db.Set<PassportCustody>().AsNoTracking()
        join worker in Workers on p.WorkerId equals worker.Id into workers
        from w in workers.DefaultIfEmpty()
        select new PassportCustodyRow
        {
            Id = p.Id,
            SupplierId = p.SupplierId,
            SiteId = p.SiteId,
            WorkerId = p.WorkerId,
            RecordedAt = p.RecordedAt,
            Holder = p.Holder,
            Since = p.Since,
            AgreedInWriting = p.WrittenConsent,
            Worker = w,
        };
}

public sealed class PassportAccessRequestsController(ComplianceDbContext db) : WorkerRecordController<PassportAccessRequestRow>(db)
{
    protected override IQueryable<PassportAccessRequestRow> Rows() =>
        from p in Db.Set<PassportAccessRequest>().AsNoTracking()
        join worker in Workers on p.WorkerId equals worker.Id into workers
        from w in workers.DefaultIfEmpty()
        select new PassportAccessRequestRow
        {
            Id = p.Id,
            SupplierId = p.SupplierId,
            SiteId = p.SiteId,
            WorkerId = p.WorkerId,
            RecordedAt = p.RecordedAt,
            RequestedAt = p.RequestedAt,
            ReturnedAt = p.ReturnedAt,
            RefusedAt = p.RefusedAt,
            HonouredWithin24h = p.ReturnedAt != null && p.ReturnedAt <= p.RequestedAt.AddHours(24),
            Worker = w,
        };
}
