using Compliance.Api.Features.Foundation;
using Compliance.Api.Features.Recruitment;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Database;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Effectiveness;

/// <summary>The figures of one period: the tenant's, and one row per supplier or site when grouped.</summary>
public sealed record EffectivenessTable(EffectivenessPeriod Period, string? GroupBy, int MinimumCellSize, bool ReprisalFlag, GroupFigures Tenant, IReadOnlyList<GroupFigures> Groups);

/// <summary>Counts in SQL (<see cref="EffectivenessFacts"/>), suppresses in memory (<see cref="EffectivenessSuppression"/>): the one path of REST, OData, the review and the console.</summary>
public static class EffectivenessFigures
{
    public const string BySupplier = "supplier";
    public const string BySite = "site";

    public static readonly IReadOnlyList<string> GroupBys = [BySupplier, BySite];

    public const string Note =
        "Reports measure reporting, not prevalence. A null count means fewer than the minimum cell size, or none: the two are never told apart. " +
        "Figures use only site-months whose own cells are all 0 or at least the minimum, so they can be lower than the true counts. " +
        "Only complete months count; cases by month received, remedies by month recorded, survey answers by month answered. Days are whole calendar days (UTC).";

    /// <param name="period">A period already cut to complete months (<see cref="EffectivenessPeriod.Complete"/>).</param>
    public static async Task<EffectivenessTable> ComputeAsync(ComplianceDbContext db, EffectivenessPeriod period, string? groupBy, DateTimeOffset now, CancellationToken ct) =>
        (await LoadAsync(db, period, now, ct)).Table(period, groupBy);

    /// <summary>
    /// The facts of <paramref name="window"/> with the tenant's sites, suppliers and workers, read once: any period
    /// inside the window is then a choice of whole months (facts are per month), computed without another query.
    /// </summary>
    public static async Task<Loaded> LoadAsync(ComplianceDbContext db, EffectivenessPeriod window, DateTimeOffset now, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(window);
        var k = await WorkerVoiceSettingsApi.MinimumCellSizeAsync(db, ct);
        var facts = await EffectivenessFacts.QueryAsync(db, window, now, ct);
        var sites = await db.Set<Site>().AsNoTracking().OrderBy(s => s.Name).Select(s => new SiteOf(s.Id, s.SupplierId, s.Name)).ToListAsync(ct);
        var suppliers = await db.Set<Supplier>().AsNoTracking().OrderBy(s => s.Name).Select(s => new SupplierOf(s.Id, s.Name)).ToListAsync(ct);
        var workers = await db.Set<Worker>().AsNoTracking().Where(w => w.Status == WorkerStatus.Active)
            .GroupBy(w => w.SiteId).Select(g => new { SiteId = g.Key, Count = g.Count() }).ToDictionaryAsync(x => x.SiteId, x => x.Count, ct);
        return new Loaded(k, facts, sites, suppliers, workers);
    }

    public sealed record SiteOf(Guid Id, Guid SupplierId, string Name);

    public sealed record SupplierOf(Guid Id, string Name);

    /// <summary>What <see cref="LoadAsync"/> read.</summary>
    public sealed record Loaded(int K, IReadOnlyList<EffectivenessFact> Facts, IReadOnlyList<SiteOf> Sites, IReadOnlyList<SupplierOf> Suppliers, IReadOnlyDictionary<Guid, int> Workers)
    {
        /// <summary>The table of <paramref name="period"/> (inside the loaded window), grouped or not.</summary>
        public EffectivenessTable Table(EffectivenessPeriod period, string? groupBy)
        {
            ArgumentNullException.ThrowIfNull(period);
            var facts = Facts.Where(f => f.Month >= period.From && f.Month < period.To).ToList();
            int CountWorkers(IEnumerable<Guid> ids) => ids.Sum(id => Workers.GetValueOrDefault(id));
            var all = Sites.Select(s => s.Id).ToList();
            var tenant = EffectivenessSuppression.Compute(facts, new EffectivenessGroup("tenant", null, "All sites", all, CountWorkers(all)), K);
            List<EffectivenessGroup> groups = groupBy switch
            {
                BySupplier => [.. Suppliers.Select(p => (p, ids: Sites.Where(s => s.SupplierId == p.Id).Select(s => s.Id).ToList()))
                    .Select(x => new EffectivenessGroup(BySupplier, x.p.Id, x.p.Name, x.ids, CountWorkers(x.ids)))],
                BySite => [.. Sites.Select(s => new EffectivenessGroup(BySite, s.Id, s.Name, [s.Id], CountWorkers([s.Id])))],
                _ => [],
            };
            return new EffectivenessTable(
                period, groupBy, K, EffectivenessSuppression.ReprisalFlag(tenant, K), tenant, [.. groups.Select(g => EffectivenessSuppression.Compute(facts, g, K))]);
        }
    }
}
