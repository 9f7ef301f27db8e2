using System.Globalization;
using System.Text.Json;
using Compliance.Api.Features.Foundation;
using Compliance.Api.Features.Recruitment;
using Compliance.Api.Features.Risk.Assessment;
using Compliance.Api.Features.Risk.Audits;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Database;
using Compliance.Domain.Reference;
using Compliance.Domain.Risk;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Enforcement;

/// <summary>The facts about one site over a period, grouped so each regime can place them under its own headings.</summary>
public sealed record SiteFacts(
    Guid SiteId,
    IReadOnlyList<Fact> Producer,
    IReadOnlyList<Fact> Products,
    IReadOnlyList<Fact> Indicators,
    IReadOnlyList<Fact> Discrepancies,
    IReadOnlyList<Fact> WorkerReported,
    IReadOnlyList<Fact> Fees,
    IReadOnlyList<Fact> Passports,
    IReadOnlyList<Fact> Contracts,
    IReadOnlyList<Fact> Audits,
    IReadOnlyList<Fact> RiskHistory,
    IReadOnlyList<Guid> Cases,
    bool SmallCountsWithheld,
    bool PermitEvidenceDropped)
{
    /// <summary>Facts about how the goods were produced there: anything beyond who the producer is and what it makes.</summary>
    public bool HasProductionFacts =>
        Indicators.Count + WorkerReported.Count + Fees.Count + Passports.Count + Contracts.Count + Audits.Count + RiskHistory.Count > 0;
}

/// <summary>
/// Reads a site's evidence over a period from the product's own records, in the request's tenant transaction, and turns
/// it into facts, each carrying the id and hash of every record it came from. Everything is ordered by id, so the same
/// records always give the same facts. Worker-derived counts below the tenant's k (5 unless raised) are shown as "fewer than k" (DNH-4); nothing about
/// permits or immigration status (DNH-6), no employee reference, name or document number, no free text that could name
/// a person (fee and custody notes, finding descriptions), and nothing of the narrative access log is ever read into a fact.
/// </summary>
public sealed class DossierEvidence(ComplianceDbContext db)
{
    /// <param name="k">The tenant's minimum cell size (<see cref="WorkerVoiceSettingsApi.MinimumCellSizeAsync"/>).</param>
    public async Task<SiteFacts> GatherAsync(Guid siteId, DateOnly from, DateOnly to, int k, CancellationToken ct)
    {
        var s = siteId.ToString();
        var start = new DateTimeOffset(from.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var end = new DateTimeOffset(to.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var site = await db.Set<Site>().AsNoTracking().SingleAsync(x => x.Id == siteId, ct);
        var supplier = await db.Set<Supplier>().AsNoTracking().SingleAsync(x => x.Id == site.SupplierId, ct);

        List<Fact> producer =
        [
            new(s, "Producer (supplier)", supplier.Name, [Ref("suppliers", supplier.Id, supplier)]),
            new(s, "Place of production (site)", $"{site.Name}, {site.CountryCode.Trim()} ({site.Sector})" + (site.OsId is null ? string.Empty : $", Open Supply Hub id {site.OsId}"), [Ref("sites", site.Id, site)]),
        ];

        var products = await db.Set<SiteProduct>().AsNoTracking().Where(p => p.SiteId == siteId).OrderBy(p => p.Id).ToListAsync(ct);
        var productFacts = products.Select(p => new Fact(
            s,
            $"Product: HS {p.HsCode}",
            p.Description + (p.Brands is null ? string.Empty : $"; brands: {p.Brands}") + (p.Buyers is null ? string.Empty : $"; buyers: {p.Buyers}"),
            [Ref("site_products", p.Id, p)])).ToList();

        var (indicators, discrepancies, history, small, permit) = await RiskAsync(s, siteId, start, end, ct);
        var (reported, cases, smallReported) = await GrievancesAsync(s, siteId, from, to, k, ct);

        return new SiteFacts(
            siteId, producer, productFacts, indicators, discrepancies, reported,
            await FeesAsync(s, siteId, from, to, ct),
            await PassportsAsync(s, siteId, start, end, to, ct),
            await ContractsAsync(s, siteId, to, ct),
            await AuditsAsync(s, siteId, from, to, ct),
            history, cases, small || smallReported, permit);
    }

    private async Task<(List<Fact> Indicators, List<Fact> Discrepancies, List<Fact> History, bool Small, bool Permit)> RiskAsync(
        string s, Guid siteId, DateTimeOffset start, DateTimeOffset end, CancellationToken ct)
    {
        var assessments = await db.Set<SiteRiskAssessment>().AsNoTracking()
            .Where(a => a.SiteId == siteId && a.AssessedAt >= start && a.AssessedAt < end)
            .OrderBy(a => a.AssessedAt).ThenBy(a => a.Id).ToListAsync(ct);
        var history = assessments.Select(a => new Fact(
            s, $"Risk level assessed on {Day(a.AssessedAt)}", $"{a.Level} (score {Num(a.Score)}, model {a.ModelVersion})", [Ref("risk_assessments", a.Id, a)])).ToList();
        if (assessments.Count == 0)
        {
            return ([], [], history, false, false);
        }

        var latest = assessments[^1];
        var source = Ref("risk_assessments", latest.Id, latest);
        var evidence = JsonSerializer.Deserialize(latest.Evidence, RiskJson.Default.IReadOnlyListDisclosedEvidence) ?? [];
        var kept = evidence.Where(e => !RiskRules.ImmigrationStatusRules.Contains(e.RuleId)).ToList();
        var indicators = kept.Select(e => new Fact(
            s,
            $"{e.Indicator} {Indicators.Names[e.Indicator]}: rule {e.RuleId}",
            $"measured {(e.Measured is { } m ? m.ToString(CultureInfo.InvariantCulture) : Shown(e, "measured"))} against threshold {e.Threshold.ToString(CultureInfo.InvariantCulture)}; "
                + $"weight {Num(e.Weight)}, {e.Strength.ToString().ToLowerInvariant()}, {Num(e.Points)} points; sources: {Num(e.Sources.Employer)} employer, "
                + $"{(e.Sources.Worker is { } w ? Num(w) : Shown(e, "sources.worker"))} worker, {Num(e.Sources.Audit)} audit record(s); model {latest.ModelVersion}",
            [source])).ToList();
        var discrepancies = (JsonSerializer.Deserialize(latest.Discrepancies, RiskJson.Default.IReadOnlyListDiscrepancy) ?? [])
            .Select(d => new Fact(s, $"Discrepancy flag: {d.Code} ({d.Indicator})", d.Explanation, [source])).ToList();
        return (indicators, discrepancies, history, kept.Any(e => e.Withheld is { Count: > 0 }), kept.Count < evidence.Count);
    }

    /// <summary>What the assessment showed for a withheld count ("fewer than k" under the k it was disclosed with).</summary>
    private static string Shown(DisclosedEvidence e, string field) =>
        e.Withheld?.FirstOrDefault(w => w.Field == field)?.Shown ?? RiskDisclosure.FewerThan(RiskDisclosure.DefaultMinimumCellSize);

    private async Task<(List<Fact> Reported, List<Guid> Cases, bool Small)> GrievancesAsync(string s, Guid siteId, DateOnly from, DateOnly to, int k, CancellationToken ct)
    {
        // Whole calendar months around the period, as the grievance statistics count them, so two dossiers over periods
        // a day apart cannot be subtracted to date one report.
        var (monthStart, monthEnd) = Months(from, to);
        var cases = await db.Set<Grievance>().AsNoTracking()
            .Where(g => g.SiteId == siteId && !g.HeldForReview && g.ReceivedAt >= monthStart && g.ReceivedAt < monthEnd)
            .OrderBy(g => g.Id)
            .Select(g => new { g.Id, g.Indicators, Deleted = g.TestimonyDeletedAt != null })
            .ToListAsync(ct);
        var reported = new List<Fact>();
        var small = false;
        foreach (var group in cases.SelectMany(c => c.Indicators.Select(i => (Indicator: i, c.Id))).GroupBy(x => x.Indicator).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var count = group.Count();
            small |= count < k;

            // The counted cases are named by a digest of their ids, never one by one: a case id is no business of the receiver.
            var digest = CanonicalJson.Sha256(CanonicalJson.Serialize(group.Select(x => x.Id.ToString()).Order(StringComparer.Ordinal).ToList()));
            reported.Add(new Fact(
                s,
                $"Worker-reported {group.Key} {Indicators.Names.GetValueOrDefault(group.Key, group.Key)} ({Day(monthStart)} to {Day(monthEnd.AddDays(-1))})",
                count < k ? RiskDisclosure.FewerThan(k) : $"{Num(count)} report(s)",
                [new SourceRef("grievances", $"count:{s}:{group.Key}", digest)]));
        }

        // Every case of the window; whether its words may be committed to is decided by TestimonyReader alone (DNH-5).
        return (reported, [.. cases.Where(c => !c.Deleted).Select(c => c.Id)], small);
    }

    private async Task<List<Fact>> FeesAsync(string s, Guid siteId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var fees = await db.Set<Fee>().AsNoTracking()
            .Where(f => f.SiteId == siteId && f.PaidBy == "worker" && f.PaidOn >= from && f.PaidOn <= to)
            .OrderBy(f => f.Id).ToListAsync(ct);
        if (fees.Count == 0)
        {
            return [];
        }

        var facts = new List<Fact>
        {
            new(s, "Workers who paid recruitment-related fees", Num(fees.Select(f => f.WorkerId).Distinct().Count()), Refs("fees", fees)),
        };
        foreach (var currency in fees.GroupBy(f => f.Currency.Trim()).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            facts.Add(new(s, $"Fees paid by workers, total in {currency.Key}", Money(currency.Sum(f => f.Amount), currency.Key), Refs("fees", currency)));
        }

        foreach (var to2 in fees.GroupBy(f => f.PaidTo).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var totals = string.Join("; ", to2.GroupBy(f => f.Currency.Trim()).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => Money(g.Sum(f => f.Amount), g.Key)));
            facts.Add(new(s, $"Fees paid by workers to: {to2.Key}", $"{Num(to2.Count())} payment(s): {totals}", Refs("fees", to2)));
        }

        var loans = fees.Where(f => f.FinancedByLoan).ToList();
        if (loans.Count > 0)
        {
            var rates = loans.Where(f => f.LoanInterestRatePercent is not null).Select(f => f.LoanInterestRatePercent!.Value).Distinct().Order()
                .Select(r => r.ToString(CultureInfo.InvariantCulture) + " %").ToList();
            facts.Add(new(s, "Fees financed by loans", $"{Num(loans.Count)} payment(s) by {Num(loans.Select(f => f.WorkerId).Distinct().Count())} worker(s); interest: {(rates.Count == 0 ? "not recorded" : string.Join(", ", rates))}", Refs("fees", loans)));
        }

        return facts;
    }

    private async Task<List<Fact>> PassportsAsync(string s, Guid siteId, DateTimeOffset start, DateTimeOffset end, DateOnly to, CancellationToken ct)
    {
        var facts = new List<Fact>();
        var custody = await db.Set<PassportCustody>().AsNoTracking()
            .Where(c => c.SiteId == siteId && c.Since <= to)
            .OrderBy(c => c.Id).ToListAsync(ct);
        var current = custody.GroupBy(c => c.WorkerId)
            .Select(g => g.OrderByDescending(c => c.Since).ThenByDescending(c => c.RecordedAt).ThenByDescending(c => c.Id).First())
            .Where(c => c.Holder != "worker").OrderBy(c => c.Id).ToList();
        if (current.Count > 0)
        {
            var byHolder = string.Join(", ", current.GroupBy(c => c.Holder).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => $"{g.Key}: {Num(g.Count())}"));
            facts.Add(new(s, "Passports held by someone other than the worker at the end of the period", $"{Num(current.Count)} ({byHolder})", Refs("passport_custody", current)));
        }

        var requests = await db.Set<PassportAccessRequest>().AsNoTracking()
            .Where(r => r.SiteId == siteId && r.RequestedAt >= start && r.RequestedAt < end)
            .OrderBy(r => r.Id).ToListAsync(ct);
        var late = requests.Where(r => r.RefusedAt is not null || r.ReturnedAt is null || r.ReturnedAt > r.RequestedAt.AddHours(24)).ToList();
        if (requests.Count > 0)
        {
            facts.Add(new(s, "Passport access requests not honoured within 24 hours", $"{Num(late.Count)} of {Num(requests.Count)} (refused: {Num(late.Count(r => r.RefusedAt is not null))})", Refs("passport_access_requests", requests)));
        }

        return facts;
    }

    private async Task<List<Fact>> ContractsAsync(string s, Guid siteId, DateOnly to, CancellationToken ct)
    {
        var contracts = await db.Set<Contract>().AsNoTracking().Where(c => c.SiteId == siteId && c.SignedOn <= to).OrderBy(c => c.Id).ToListAsync(ct);
        if (contracts.Count == 0)
        {
            return [];
        }

        var workerIds = contracts.Select(c => c.WorkerId).Distinct().ToList();
        var languages = await db.Set<Worker>().AsNoTracking().Where(w => workerIds.Contains(w.Id)).Select(w => new { w.Id, w.PreferredLanguage }).ToDictionaryAsync(w => w.Id, w => w.PreferredLanguage, ct);
        var substituted = contracts.GroupBy(c => c.WorkerId)
            .Where(g => g.Count() > 1 && g.OrderBy(c => c.Version).Skip(1).Any(c => Terms(c) != Terms(g.OrderBy(x => x.Version).First())))
            .SelectMany(g => g).OrderBy(c => c.Id).ToList();
        var foreign = contracts.Where(c => languages.TryGetValue(c.WorkerId, out var l) && !string.Equals(l, c.Language, StringComparison.OrdinalIgnoreCase)).ToList();
        var afterArrival = contracts.Where(c => !c.SignedBeforeDeparture).ToList();
        return
        [
            new(s, "Contracts recorded", $"{Num(contracts.Count)} for {Num(workerIds.Count)} worker(s)", Refs("contracts", contracts)),
            new(s, "Workers whose contract was substituted by one with different terms", Num(substituted.Select(c => c.WorkerId).Distinct().Count()), Refs("contracts", Or(substituted, contracts))),
            new(s, "Contracts not in the worker's own language", Num(foreign.Count), Refs("contracts", Or(foreign, contracts))),
            new(s, "Contracts signed only after departure from the home country", Num(afterArrival.Count), Refs("contracts", Or(afterArrival, contracts))),
        ];
    }

    private async Task<List<Fact>> AuditsAsync(string s, Guid siteId, DateOnly from, DateOnly to, CancellationToken ct)
    {
        var audits = await db.Set<Audit>().AsNoTracking().Where(a => a.SiteId == siteId && a.EndedOn >= from && a.StartedOn <= to).OrderBy(a => a.Id).ToListAsync(ct);
        var auditIds = audits.Select(a => a.Id).ToList();
        var findings = await db.Set<AuditFinding>().AsNoTracking().Where(f => auditIds.Contains(f.AuditId)).OrderBy(f => f.Id).ToListAsync(ct);
        var findingIds = findings.Select(f => f.Id).ToList();
        var actions = await db.Set<CorrectiveAction>().AsNoTracking().Where(c => findingIds.Contains(c.FindingId)).OrderBy(c => c.Id).ToListAsync(ct);
        var facts = new List<Fact>();
        foreach (var a in audits)
        {
            facts.Add(new(s, $"Audit ({a.Kind}) {Day(a.StartedOn)} to {Day(a.EndedOn)}", $"by {a.AuditorOrganisation}; {Num(a.WorkersInterviewed)} workers interviewed; {Num(findings.Count(f => f.AuditId == a.Id))} finding(s)", [Ref("audits", a.Id, a)]));
        }

        foreach (var f in findings)
        {
            facts.Add(new(s, $"Audit finding {f.Indicator} {Indicators.Names.GetValueOrDefault(f.Indicator, f.Indicator)}", $"severity {f.Severity}", [Ref("audit_findings", f.Id, f)]));
        }

        foreach (var c in actions)
        {
            var finding = findings.Single(f => f.Id == c.FindingId);
            var overdue = c.Status == "open" && c.DueOn < to;
            facts.Add(new(s, $"Corrective action for finding {finding.Indicator}", $"{c.Status}, due {Day(c.DueOn)}{(overdue ? ", overdue" : string.Empty)}", [Ref("corrective_actions", c.Id, c)]));
        }

        var late = actions.Where(c => c.Status == "open" && c.DueOn < to).ToList();
        if (actions.Count > 0)
        {
            facts.Add(new(s, "Corrective actions overdue at the end of the period", Num(late.Count), Refs("corrective_actions", Or(late, actions))));
        }

        return facts;
    }

    /// <summary>The records a count was taken from: those counted, or (for a zero) all those looked at.</summary>
    private static List<T> Or<T>(List<T> counted, List<T> lookedAt) => counted.Count > 0 ? counted : lookedAt;

    private static (decimal, string, decimal, int, string) Terms(Contract c) => (c.WageAmount, c.WageCurrency.Trim(), c.HoursPerWeek, c.TermMonths, c.Language);

    /// <summary>The first day of <paramref name="from"/>'s month to the first day after <paramref name="to"/>'s month, UTC.</summary>
    public static (DateTimeOffset Start, DateTimeOffset End) Months(DateOnly from, DateOnly to) =>
        (new DateTimeOffset(from.Year, from.Month, 1, 0, 0, 0, TimeSpan.Zero), new DateTimeOffset(to.Year, to.Month, 1, 0, 0, 0, TimeSpan.Zero).AddMonths(1));

    private static SourceRef Ref<T>(string table, Guid id, T record) => new(table, id.ToString(), CanonicalJson.RecordHash(record));

    private static List<SourceRef> Refs<T>(string table, IEnumerable<T> records)
        where T : WorkerRecord, Infrastructure.Tenancy.ITenantOwned =>
        [.. records.OrderBy(r => r.Id).Select(r => Ref(table, r.Id, r))];

    private static List<SourceRef> Refs(string table, IEnumerable<CorrectiveAction> records) =>
        [.. records.OrderBy(r => r.Id).Select(r => Ref(table, r.Id, r))];

    private static string Num(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Money(decimal amount, string currency) => $"{amount.ToString(CultureInfo.InvariantCulture)} {currency}";

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
