using System.Reflection;
using Compliance.Domain.Reference;
using Compliance.Domain.Risk;

namespace Compliance.UnitTests.Risk;

/// <summary>Builders for site evidence, so tests read as the story they encode.</summary>
internal static class Evidence
{
    /// <summary>
    /// Per-indicator grievance counts from categories as a worker would tick them, mapped through
    /// <see cref="GrievanceCategories"/> exactly as the evidence SQL is meant to.
    /// </summary>
    public static Dictionary<string, int> Grievances(params (string Category, int Count)[] filed)
    {
        var counts = new Dictionary<string, int>();
        foreach (var (category, count) in filed)
        {
            foreach (var indicator in GrievanceCategories.IndicatorsOf(category))
            {
                counts[indicator] = counts.GetValueOrDefault(indicator) + count;
            }
        }

        return counts;
    }

    /// <summary>Open critical grievances per indicator: only the critical categories among those filed.</summary>
    public static Dictionary<string, int> OpenCritical(params (string Category, int Count)[] filed) =>
        Grievances([.. filed.Where(f => GrievanceCategories.IsCritical(f.Category))]);

    /// <summary>Every plain count of <see cref="SiteEvidence"/>, found by reflection so a new field is covered without editing tests.</summary>
    public static IReadOnlyList<PropertyInfo> IntProperties { get; } =
        [.. typeof(SiteEvidence).GetProperties().Where(p => p.PropertyType == typeof(int)).OrderBy(p => p.Name, StringComparer.Ordinal)];

    /// <summary>A copy with one integer property changed; records are immutable to callers, not to reflection.</summary>
    public static SiteEvidence With(SiteEvidence evidence, string property, int value)
    {
        var copy = evidence with { };
        typeof(SiteEvidence).GetProperty(property)!.SetValue(copy, value);
        return copy;
    }

    /// <summary>A copy with every count but <see cref="SiteEvidence.ActiveWorkers"/> set to <paramref name="value"/>.</summary>
    public static SiteEvidence WithEveryCount(SiteEvidence evidence, int value)
    {
        foreach (var property in IntProperties.Where(p => p.Name != nameof(SiteEvidence.ActiveWorkers)))
        {
            evidence = With(evidence, property.Name, value);
        }

        return evidence;
    }

    /// <summary>A pseudo-random but reproducible site (fixed seed in the caller).</summary>
    public static SiteEvidence Random(Random random)
    {
        var evidence = new SiteEvidence
        {
            GrievancesLast90Days = RandomCounts(random),
            OpenCriticalGrievances = RandomCounts(random),
            OpenAuditFindings = Indicators.All
                .Where(_ => random.Next(4) == 0)
                .ToDictionary(i => i, _ => new AuditFindings(random.Next(4), (FindingSeverity)random.Next(4), random.Next(4))),
        };
        foreach (var property in IntProperties)
        {
            // Mostly zero, sometimes large, so both sparse and saturated sites are drawn.
            property.SetValue(evidence, random.Next(3) == 0 ? random.Next(0, 2000) : 0);
        }

        return evidence;
    }

    /// <summary>The same site with every count except the workforce grown by a random non-negative amount.</summary>
    public static SiteEvidence Grow(SiteEvidence evidence, Random random)
    {
        var grown = evidence with
        {
            GrievancesLast90Days = Indicators.All.ToDictionary(i => i, i => evidence.GrievancesLast90Days.GetValueOrDefault(i) + random.Next(3)),
            OpenCriticalGrievances = Indicators.All.ToDictionary(i => i, i => evidence.OpenCriticalGrievances.GetValueOrDefault(i) + random.Next(2)),
            OpenAuditFindings = Indicators.All.ToDictionary(i => i, i =>
            {
                var f = evidence.OpenAuditFindings.GetValueOrDefault(i) ?? new AuditFindings(0, FindingSeverity.None, 0);
                return new AuditFindings(f.Open + random.Next(2), (FindingSeverity)Math.Max((int)f.HighestSeverity, random.Next(4)), f.OverdueCorrectiveActions + random.Next(2));
            }),
        };
        foreach (var property in IntProperties.Where(p => p.Name != nameof(SiteEvidence.ActiveWorkers)))
        {
            property.SetValue(grown, (int)property.GetValue(grown)! + random.Next(0, 50));
        }

        return grown;
    }

    private static Dictionary<string, int> RandomCounts(Random random) =>
        Indicators.All.Where(_ => random.Next(3) == 0).ToDictionary(i => i, _ => random.Next(0, 6));
}
