using System.Globalization;
using Compliance.Api.Features.Risk.Assessment;
using Compliance.Api.Infrastructure.Templates;
using Compliance.Domain.Reference;
using Compliance.Domain.Risk;

namespace Compliance.Api.Features.Risk.Escalations;

/// <summary>Something a dossier deliberately leaves out, and why; every dossier lists these.</summary>
public sealed record Withheld(string What, string Why);

/// <summary>
/// One evidence item as the dossier shows it: numbers pre-formatted invariantly, words as in the model. A withheld
/// count (<see cref="RiskDisclosure"/>) is null here, shown as "fewer than 5" in the Markdown and listed in
/// <see cref="Withheld"/>.
/// </summary>
public sealed record DossierEvidence(string Indicator, string IndicatorName, string RuleId, string? Measured, string Measure, string Threshold, int Weight, string Strength, int Points, string Floor, int EmployerRecords, int? WorkerRecords, int AuditRecords, string Explanation, IReadOnlyList<WithheldCount> Withheld);

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
    /// <summary>
    /// A site dossier from the disclosed evidence (<see cref="RiskDisclosure"/>: worker-derived counts below the
    /// tenant's k withheld), less every item about permits or immigration status (<see cref="RiskRules.ImmigrationStatusRules"/>,
    /// DNH-6), which stays in the score and level. <c>withheld</c> lists what this dossier actually left out.
    /// </summary>
    public static DossierModel ForSite(
        Guid escalationId, AssessedSite site, RiskAssessment assessment, DisclosedAssessment disclosed, string period, DateTimeOffset assessedAt,
        string destinationKind, string jurisdiction)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        ArgumentNullException.ThrowIfNull(disclosed);
        var evidence = disclosed.Evidence.Where(e => !RiskRules.ImmigrationStatusRules.Contains(e.RuleId)).ToList();
        var punishable = disclosed.Evidence.Count - evidence.Count;
        var smallCounts = evidence.Count(e => e.Withheld is not null);
        var withheld = new List<Withheld>();
        if (evidence.Any(e => e.Sources.Worker is not 0))
        {
            withheld.Add(new("Worker testimony (grievance narratives and messages)", "A site-level dossier carries counts of grievances per indicator, never what workers wrote. Testimony leaves the product only when the worker consented to this kind of destination (DNH-5)."));
        }

        if (smallCounts > 0)
        {
            // The words the assessment showed, under the k it was disclosed with.
            var shown = evidence.SelectMany(e => e.Withheld ?? []).Select(w => w.Shown).First();
            withheld.Add(new(
                Invariant($"Worker-derived counts below {RiskDisclosure.MinimumCellSizeOf(shown) ?? RiskDisclosure.DefaultMinimumCellSize} ({smallCounts} evidence line(s))"),
                Invariant($"Shown as \"{shown}\": smaller counts could single out who reported (DNH-4). The score and level use the true counts.")));
        }

        if (evidence.Any(e => e.Sources.Employer > 0) || punishable > 0)
        {
            withheld.Add(new("Worker identifiers (names, employee references, passport or other document numbers)", "The evidence is counts per indicator, which identify no worker (BRIEF §7)."));
        }

        if (punishable > 0)
        {
            withheld.Add(new("Evidence that could expose workers to punishment", "It counts in the score and level above but is never itemised in a dossier (DNH-6)."));
        }

        if (evidence.Any(e => e.Sources.Audit > 0))
        {
            withheld.Add(new("Audit finding free text", "Auditors' descriptions can name people; the dossier carries indicator codes, severities and counts instead."));
        }

        return new(
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
            [.. evidence.Select(e => e.Indicator).Distinct()],
            [.. evidence.Select(ToDossier)],
            disclosed.Discrepancies,
            SiteEvidenceGatherer.Sources,
            withheld);
    }

    /// <summary>The JSON body (with the Markdown part inside it) for a site-level escalation.</summary>
    public string RenderSite(DossierModel model)
    {
        var markdown = templates.Render("escalation/site-dossier.md.sbn", model);
        return templates.Render("escalation/site-dossier.json.sbn", new { Dossier = model, Markdown = markdown });
    }

    private static DossierEvidence ToDossier(DisclosedEvidence e) => new(
        e.Indicator,
        Indicators.Names[e.Indicator],
        e.RuleId,
        e.Measured?.ToString(CultureInfo.InvariantCulture),
        e.Measure.ToString(),
        e.Threshold.ToString(CultureInfo.InvariantCulture),
        e.Weight,
        e.Strength.ToString().ToLowerInvariant(),
        e.Points,
        RiskLevels.Code(e.Floor),
        e.Sources.Employer,
        e.Sources.Worker,
        e.Sources.Audit,
        e.Explanation,
        e.Withheld ?? []);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
