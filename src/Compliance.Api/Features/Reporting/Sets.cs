using Compliance.Api.Features.Enforcement;
using Compliance.Api.Features.Foundation;
using Compliance.Api.Features.Recruitment;
using Compliance.Api.Features.Risk.Audits;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Reporting;

/// <summary>Every entity set of the feed, in one place: one line here and one controller below per set.</summary>
public static class ReportingSets
{
    public static ReportingModel Build() => new ReportingModelBuilder()
        .Set<Supplier>("Suppliers")
        .Set<SiteRow>("Sites", expand: ["Supplier"])
        .Set<SiteProduct>("SiteProducts")
        .Set<Agency>("Agencies")
        .Set<WorkerRow>("Workers", expand: ["Site", "Agency", "Fees"])
        .Set<FeeRow>("Fees", expand: ["Worker"])
        .Set<ReimbursementRow>("Reimbursements", expand: ["Worker"])
        .Set<DeclarationRow>("Declarations", expand: ["Worker"])
        .Set<ContractRow>("Contracts", expand: ["Worker"])
        .Set<PassportCustodyRow>("PassportCustody", expand: ["Worker"])
        .Set<PassportAccessRequestRow>("PassportAccessRequests", expand: ["Worker"])
        .Set<Audit>("Audits")
        .Set<FindingRow>("Findings", expand: ["Audit", "CorrectiveActions"])
        .Set<CorrectiveActionRow>("CorrectiveActions", expand: ["Finding", "Finding/Audit"])
        .Set<RiskAssessmentRow>("RiskAssessments", tenantReportsOnly: true)
        .Set<EscalationRow>("Escalations", tenantReportsOnly: true)
        .Set<NarrativeAccessLogRow>("NarrativeAccessLog", tenantReportsOnly: true)
        .Set<GrievanceStatisticsRow>("GrievanceStatistics", tenantReportsOnly: true)
        .Set<TestimonyAccessRosterRow>("TestimonyAccessRoster", tenantReportsOnly: true)
        .Set<EffectivenessMetricRow>("EffectivenessMetrics", tenantReportsOnly: true, refusesApply: true)
        .Build();
}

public sealed class SuppliersController(ComplianceDbContext db) : ReportingController<Supplier>(db);

public sealed class SiteProductsController(ComplianceDbContext db) : ReportingController<SiteProduct>(db);

/// <summary>A site as reported: no intake code (the worker path's routing key stays off the feed), plus its supplier for <c>$expand</c>.</summary>
[SupplierScoped]
public sealed class SiteRow
{
    public Guid Id { get; set; }

    public Guid SupplierId { get; set; }

    public required string Name { get; set; }

    public required string CountryCode { get; set; }

    public required string Sector { get; set; }

    public bool WorkerHousing { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public Supplier? Supplier { get; set; }
}

public sealed class SitesController(ComplianceDbContext db) : ReportingController<SiteRow>(db)
{
    protected override IQueryable<SiteRow> Rows() => Db.Set<Site>().AsNoTracking().Select(s => new SiteRow
    {
        Id = s.Id,
        SupplierId = s.SupplierId,
        Name = s.Name,
        CountryCode = s.CountryCode,
        Sector = s.Sector,
        WorkerHousing = s.WorkerHousing,
        CreatedAt = s.CreatedAt,
        UpdatedAt = s.UpdatedAt,
        Supplier = Db.Set<Supplier>().AsNoTracking().FirstOrDefault(p => p.Id == s.SupplierId),
    });
}
