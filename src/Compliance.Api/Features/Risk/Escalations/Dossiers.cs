using System.Globalization;
using Compliance.Api.Features.Risk.Assessment;
using Compliance.Api.Infrastructure.Templates;
using Compliance.Domain.Reference;
using Compliance.Domain.Risk;

namespace Compliance.Api.Features.Risk.Escalations;

/// <summary>Something a dossier deliberately leaves out, and why; every dossier lists these.</summary>
public sealed record Withheld(string What, string Why);

/// <summary>One evidence item as the dossier shows it: numbers pre-formatted invariantly, words as in the model.</summary>
public sealed record DossierEvidence(string Indicator, string IndicatorName, string RuleId, string Measured, string Measure, string Threshold, int Weight, string Strength, int Points, string Floor, int EmployerRecords, int WorkerRecords, int AuditRecords, string Explanation);

/// <summary>
/// What every dossier template receives. A grievance-level dossier (after the worker-voice merge) adds its own
/// template pair and fills <see cref="Testimony"/> only from <c>TestimonyReader.ReadForDestinationAsync</c>, which
/// returns nothing unless the worker consented to this destination kind (DNH-5); everything else is shared.
/// </summary>
public sealed record DossierModel(
    Guid EscalationId,
    string Subject,
    string Period,
    string AssessedOn,
    Guid SiteId,
    string SiteName,
    string SiteCountry,
    string Sector,
    Guid SupplierId,
    string SupplierName,
    string DestinationKind,
    string Jurisdiction,
    int Score,
    string Level,
    string ModelVersion,
    int PointsTotal,
    string Floor,
    IReadOnlyList<string> Indicators,
    IReadOnlyList<DossierEvidence> Evidence,
    IReadOnlyList<Discrepancy> Discrepancies,
    IReadOnlyList<string> SourcesAssessed,
    IReadOnlyList<Withheld> Withheld,
    string? Testimony = null);

/// <summary>
/// Renders escalation dossiers from <c>templates/escalation/</c>: a Markdown part for people, embedded in the JSON
/// body that is signed and delivered. The body is rendered once, stored with the escalation and re-sent unchanged on
/// every retry, so the signature and the <c>Idempotency-Key</c> always describe the same dossier.
/// </summary>
public sealed class DossierRenderer(TemplateStore templates)
{
    /// <summary>What a site-level dossier never carries, whatever the destination (DNH-5, DNH-6, BRIEF §7).</summary>
    public static readonly IReadOnlyList<Withheld> SiteWithheld =
    [
        new("Worker testimony (grievance narratives and messages)", "A site-level dossier carries employer-side records, audit evidence and counts only. Testimony leaves the product only when the worker consented to this kind of destination (DNH-5)."),
        new("Worker identifiers (names, employee references, passport or permit numbers)", "Never included: the evidence is counts per indicator, which identify no worker (BRIEF §7)."),
        new("Immigration or migration status", "Never included: status is not evidence against a worker and must not expose anyone to punishment (DNH-6)."),
        new("Audit finding free text", "Auditors' descriptions can name people; the dossier carries indicator codes, severities and counts instead."),
    ];

    public static DossierModel ForSite(Guid escalationId, AssessedSite site, RiskAssessment assessment, string period, DateTimeOffset assessedAt, string destinationKind, string jurisdiction) => new(
        escalationId,
        "site",
        period,
        assessedAt.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        site.Id,
        site.Name,
        site.CountryCode,
        site.Sector,
        site.SupplierId,
        site.SupplierName,
        destinationKind,
        jurisdiction,
        assessment.Score,
        assessment.LevelCode,
        assessment.ModelVersion,
        assessment.PointsTotal,
        RiskLevels.Code(assessment.Floor),
        [.. assessment.Evidence.Select(e => e.Indicator).Distinct()],
        [.. assessment.Evidence.Select(ToDossier)],
        assessment.Discrepancies,
        SiteEvidenceGatherer.Sources,
        SiteWithheld);

    /// <summary>The JSON body (with the Markdown part inside it) for a site-level escalation.</summary>
    public string RenderSite(DossierModel model)
    {
        var markdown = templates.Render("escalation/site-dossier.md.sbn", model);
        return templates.Render("escalation/site-dossier.json.sbn", new { Dossier = model, Markdown = markdown });
    }

    private static DossierEvidence ToDossier(RiskEvidence e) => new(
        e.Indicator,
        Indicators.Names[e.Indicator],
        e.RuleId,
        e.Measured.ToString(CultureInfo.InvariantCulture),
        e.Measure.ToString(),
        e.Threshold.ToString(CultureInfo.InvariantCulture),
        e.Weight,
        e.Strength.ToString().ToLowerInvariant(),
        e.Points,
        RiskLevels.Code(e.Floor),
        e.Sources.Employer,
        e.Sources.Worker,
        e.Sources.Audit,
        e.Explanation);
}
