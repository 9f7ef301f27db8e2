using System.Globalization;
using Compliance.Api.Features.Foundation;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Database;
using Compliance.Domain.Reference;
using Compliance.Domain.Risk;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Enforcement;

/// <summary>The outcome of making a dossier: the stored row, or what the regime's source requires and is missing.</summary>
public sealed record MakeResult(Dossier? Dossier, IDictionary<string, string[]>? Missing);

/// <summary>
/// Makes a frozen dossier in the request's transaction: gathers each site's facts, checks the regime's completeness
/// (nothing is written when something is missing), builds the body, canonicalises, hashes and signs it.
/// </summary>
public sealed class DossierMaker(ComplianceDbContext db, DossierEvidence evidence, TestimonyReader testimony, DossierSigningKeys keys, TimeProvider clock)
{
    public const string Format = "compliance-dossier/1";

    public async Task<MakeResult> MakeAsync(DossiersApi.DossierRequest request, CancellationToken ct)
    {
        var ids = request.SiteIds!.Distinct().Order().ToList();
        var sites = await db.Set<Site>().AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, ct);
        var unknown = ids.Where(id => !sites.ContainsKey(id)).ToList();
        if (unknown.Count > 0)
        {
            return new(null, new Dictionary<string, string[]> { ["siteIds"] = [.. unknown.Select(id => $"Unknown site {id}.")] });
        }

        var from = request.PeriodFrom!.Value;
        var to = request.PeriodTo!.Value;
        var k = await WorkerVoiceSettingsApi.MinimumCellSizeAsync(db, ct);
        var facts = new List<SiteFacts>();
        foreach (var id in ids)
        {
            facts.Add(await evidence.GatherAsync(id, from, to, k, ct));
        }

        var regime = DossierRegime.For(request.Regime!);
        var missing = regime.Missing(request.StatementOfReasons, [.. facts.Select(f => (sites[f.SiteId], f))]);
        if (missing.Count > 0)
        {
            return new(null, missing.ToDictionary(m => m.Key, m => m.Value.ToArray()));
        }

        var reasons = request.StatementOfReasons!.Trim();
        var reasonsFact = new Fact("request", "Statement of reasons (written by the submitting team)", reasons, [new SourceRef("request", "statementOfReasons", CanonicalJson.Sha256(System.Text.Encoding.UTF8.GetBytes(reasons)))]);
        var commitments = request.ConsentedTestimony == true
            ? await testimony.CommitForDossierAsync([.. facts.SelectMany(f => f.Cases)], DestinationKinds.TradeAuthority, ct)
            : [];
        var testimonySection = DossierTestimony.Section(
            request.ConsentedTestimony == true, commitments, k, testimony.DossierAggregateSalt(DossierTestimony.Context(regime.Code, ids, from, to)));
        var body = new DossierBody(
            Format,
            regime.Code,
            regime.Title,
            regime.Authority,
            regime.Filing,
            new DossierPeriod(Day(from), Day(to)),
            [.. ids.Select(id => id.ToString())],
            RiskModel.Version,
            regime.Sections(reasonsFact, facts),
            testimonySection,
            Withheld(request.ConsentedTestimony == true, facts, k));
        var bytes = CanonicalJson.Serialize(body);
        var dossier = new Dossier
        {
            Id = Guid.CreateVersion7(),
            Regime = regime.Code,
            SiteIds = [.. ids],
            PeriodFrom = from,
            PeriodTo = to,
            CanonicalJson = System.Text.Encoding.UTF8.GetString(bytes),
            Sha256 = CanonicalJson.Sha256(bytes),
            Signature = Convert.ToBase64String(keys.Sign(bytes)),
            KeyId = keys.CurrentKeyId,
            CreatedAt = clock.GetUtcNow(),
        };
        db.Add(dossier);
        await db.SaveChangesAsync(ct);
        return new(dossier, null);
    }

    private static List<WithheldItem> Withheld(bool testimonyRequested, List<SiteFacts> facts, int k)
    {
        var withheld = new List<WithheldItem>
        {
            testimonyRequested
                ? new("The words of consented testimony", "Employer-side roles never read testimony (DNH-4): the body carries one commitment per consented case (or, below k cases, one aggregate commitment, so that their number does not show), and the handling office exports the words with their salts, each checkable against the signed body. Cases whose worker has not consented to trade authorities (or withdrew consent) are left out entirely (DNH-5).")
                : new("Worker testimony", "Not requested for this dossier: worker reports appear only as counts per indicator (DNH-5)."),
            new("Immigration, work-permit or residence status of any worker", "Never included (DNH-6, non-punishment)" + (facts.Any(f => f.PermitEvidenceDropped) ? ": permit evidence counted in the risk score and level but is not itemised here." : ".")),
            new("Worker names, employee references, passport or other document numbers, and any other worker identifier", "The dossier counts records; it never names or numbers a worker (BRIEF §7)."),
            new("Grievance case references, receipts and case ids", "Either would let a receiver reach a worker's case (DNH-1, DNH-9); worker-reported counts cite a digest of the counted cases instead."),
            new("The narrative access log", "Who read testimony and when is an internal accountability record (DNH-12), not evidence about production."),
            new("Free text of fee and custody notes, audit findings and corrective actions", "Such text can name people; indicator codes, severities, statuses and dates are given instead."),
        };
        if (facts.Any(f => f.SmallCountsWithheld))
        {
            withheld.Add(new(
                $"Worker-derived counts below {k.ToString(CultureInfo.InvariantCulture)}",
                $"Shown as \"{RiskDisclosure.FewerThan(k)}\": a smaller count could single out who reported (DNH-4)."));
        }

        return withheld;
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
