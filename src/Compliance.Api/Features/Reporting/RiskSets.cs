using Compliance.Api.Features.Risk;
using Compliance.Api.Features.Risk.Assessment;
using Compliance.Api.Features.Risk.Audits;
using Compliance.Api.Features.Risk.Escalations;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Authorization;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Reporting;

[SupplierScoped]
public sealed class FindingRow
{
    public Guid Id { get; set; }

    public Guid AuditId { get; set; }

    public Guid SiteId { get; set; }

    public Guid SupplierId { get; set; }

    public required string Indicator { get; set; }

    public required string Severity { get; set; }

    public required string Description { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public Audit? Audit { get; set; }

    public List<CorrectiveActionRow>? CorrectiveActions { get; set; }
}

[SupplierScoped]
public sealed class CorrectiveActionRow
{
    public Guid Id { get; set; }

    public Guid FindingId { get; set; }

    public Guid SiteId { get; set; }

    public Guid SupplierId { get; set; }

    public required string Description { get; set; }

    public DateOnly DueOn { get; set; }

    public required string Status { get; set; }

    public DateOnly? ClosedOn { get; set; }

    public string? VerificationNote { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }

    public FindingRow? Finding { get; set; }
}

/// <summary>A stored assessment with its evidence, discrepancies and sources as JSON text.</summary>
[SupplierScoped]
public sealed class RiskAssessmentRow
{
    public Guid Id { get; set; }

    public Guid SiteId { get; set; }

    public Guid SupplierId { get; set; }

    public required string Period { get; set; }

    public int Score { get; set; }

    public required string Level { get; set; }

    public required string ModelVersion { get; set; }

    public int PointsTotal { get; set; }

    public required string Floor { get; set; }

    [StoredDocument]
    public required string Evidence { get; set; }

    [StoredDocument]
    public required string Discrepancies { get; set; }

    [StoredDocument]
    public required string Sources { get; set; }

    public DateTimeOffset AssessedAt { get; set; }
}

/// <summary>An escalation's metadata and delivery status; never its body, never a case id.</summary>
[SupplierScoped]
public sealed class EscalationRow
{
    public Guid Id { get; set; }

    public required string SubjectKind { get; set; }

    public Guid SiteId { get; set; }

    public Guid SupplierId { get; set; }

    public Guid DestinationId { get; set; }

    public Guid? AssessmentId { get; set; }

    public required string Period { get; set; }

    public required string Level { get; set; }

    public required string ModelVersion { get; set; }

    public required string Status { get; set; }

    public int AttemptCount { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }
}

/// <summary>One read of a case's testimony (DNH-12): which case, by which key, when. Never what.</summary>
public sealed class NarrativeAccessLogRow
{
    public Guid Id { get; set; }

    public Guid CaseId { get; set; }

    public Guid? ApiKeyId { get; set; }

    /// <summary>The reader's display name (or key name) when they read; null for a system read (issue #18).</summary>
    public string? ReaderName { get; set; }

    /// <summary>The handling office the reader belonged to when they read.</summary>
    public string? ReaderOffice { get; set; }

    /// <summary>The day of the read (UTC), never the time (DNH-3, issue 16 hole 4).</summary>
    public DateOnly ReadAt { get; set; }
}

public sealed class AuditsController(ComplianceDbContext db) : ReportingController<Audit>(db);

public sealed class FindingsController(ComplianceDbContext db) : ReportingController<FindingRow>(db)
{
    protected override IQueryable<FindingRow> Rows() => Db.Set<AuditFinding>().AsNoTracking().Select(f => new FindingRow
    {
        Id = f.Id,
        AuditId = f.AuditId,
        SiteId = f.SiteId,
        SupplierId = f.SupplierId,
        Indicator = f.Indicator,
        Severity = f.Severity,
        Description = f.Description,
        CreatedAt = f.CreatedAt,
        Audit = Db.Set<Audit>().AsNoTracking().FirstOrDefault(a => a.Id == f.AuditId),
        CorrectiveActions = Db.Set<CorrectiveAction>().AsNoTracking().Where(c => c.FindingId == f.Id).Select(c => new CorrectiveActionRow
        {
            Id = c.Id,
            FindingId = c.FindingId,
            SiteId = c.SiteId,
            SupplierId = c.SupplierId,
            Description = c.Description,
            DueOn = c.DueOn,
            Status = c.Status,
            ClosedOn = c.ClosedOn,
            VerificationNote = c.VerificationNote,
            CreatedAt = c.CreatedAt,
            UpdatedAt = c.UpdatedAt,
        }).ToList(),
    });
}

public sealed class CorrectiveActionsController(ComplianceDbContext db) : ReportingController<CorrectiveActionRow>(db)
{
    protected override IQueryable<CorrectiveActionRow> Rows() => Db.Set<CorrectiveAction>().AsNoTracking().Select(c => new CorrectiveActionRow
    {
        Id = c.Id,
        FindingId = c.FindingId,
        SiteId = c.SiteId,
        SupplierId = c.SupplierId,
        Description = c.Description,
        DueOn = c.DueOn,
        Status = c.Status,
        ClosedOn = c.ClosedOn,
        VerificationNote = c.VerificationNote,
        CreatedAt = c.CreatedAt,
        UpdatedAt = c.UpdatedAt,
        Finding = Db.Set<AuditFinding>().AsNoTracking().Where(f => f.Id == c.FindingId).Select(f => new FindingRow
        {
            Id = f.Id,
            AuditId = f.AuditId,
            SiteId = f.SiteId,
            SupplierId = f.SupplierId,
            Indicator = f.Indicator,
            Severity = f.Severity,
            Description = f.Description,
            CreatedAt = f.CreatedAt,
            Audit = Db.Set<Audit>().AsNoTracking().FirstOrDefault(a => a.Id == f.AuditId),
        }).FirstOrDefault(),
    });
}

/// <summary>
/// Owner, compliance and auditor keys only: assessments carry grievance-derived evidence, and supplier HR is the
/// employer itself (BRIEF §2: suppliers get no grievance data). Supplier keys get 403, as on the REST routes.
/// </summary>
[Authorize(Policy = Policies.TenantReports)]
public sealed class RiskAssessmentsController(ComplianceDbContext db) : ReportingController<RiskAssessmentRow>(db)
{
    protected override IQueryable<RiskAssessmentRow> Rows() => Db.Set<SiteRiskAssessment>().AsNoTracking().Select(a => new RiskAssessmentRow
    {
        Id = a.Id,
        SiteId = a.SiteId,
        SupplierId = a.SupplierId,
        Period = a.Period,
        Score = a.Score,
        Level = a.Level,
        ModelVersion = a.ModelVersion,
        PointsTotal = a.PointsTotal,
        Floor = a.Floor,
        Evidence = a.Evidence,
        Discrepancies = a.Discrepancies,
        Sources = a.Sources,
        AssessedAt = a.AssessedAt,
    });
}

/// <summary>Owner, compliance and auditor keys only: an escalation exists because of a level that grievances can raise.</summary>
[Authorize(Policy = Policies.TenantReports)]
public sealed class EscalationsController(ComplianceDbContext db) : ReportingController<EscalationRow>(db)
{
    protected override IQueryable<EscalationRow> Rows() => Db.Set<Escalation>().AsNoTracking().Select(e => new EscalationRow
    {
        Id = e.Id,
        SubjectKind = e.SubjectKind,
        SiteId = e.SiteId,
        SupplierId = e.SupplierId,
        DestinationId = e.DestinationId,
        AssessmentId = e.AssessmentId,
        Period = e.Period,
        Level = e.Level,
        ModelVersion = e.ModelVersion,
        Status = e.Status,
        AttemptCount = e.AttemptCount,
        CreatedAt = e.CreatedAt,
        DeliveredAt = e.DeliveredAt,
    });
}

/// <summary>Owner, compliance and auditor keys only, as the REST log (supplier keys get 403).</summary>
[Authorize(Policy = Policies.TenantReports)]
public sealed class NarrativeAccessLogController(ComplianceDbContext db) : ReportingController<NarrativeAccessLogRow>(db)
{
    protected override IQueryable<NarrativeAccessLogRow> Rows() => Db.Set<NarrativeAccess>().AsNoTracking().Select(a => new NarrativeAccessLogRow
    {
        Id = a.Id,
        CaseId = a.GrievanceId,
        ApiKeyId = a.ApiKeyId,
        ReaderName = a.ReaderName,
        ReaderOffice = a.ReaderOffice,
        ReadAt = DateOnly.FromDateTime(a.ReadAt.UtcDateTime),
    });
}
