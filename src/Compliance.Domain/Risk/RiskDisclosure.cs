using System.Globalization;
using System.Text.Json.Serialization;

namespace Compliance.Domain.Risk;

/// <summary>One evidence item as everyone outside case handling reads it (REST, OData, dossiers).</summary>
/// <param name="Measured">Null when it is a worker-derived count below the minimum cell size.</param>
/// <param name="Sources">Record counts; the worker count is null when below the minimum cell size.</param>
public sealed record DisclosedEvidence(
    string Indicator,
    string RuleId,
    decimal? Measured,
    Measure Measure,
    decimal Threshold,
    int Weight,
    Strength Strength,
    int Points,
    RiskLevel Floor,
    DisclosedSourceCounts Sources,
    string Explanation)
{
    /// <summary>Which counts of this line were withheld and what is shown instead; absent when none were.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<WithheldCount>? Withheld { get; init; }
}

/// <summary><see cref="SourceCounts"/> with the worker count null when it is below the minimum cell size.</summary>
public sealed record DisclosedSourceCounts(int Employer, int? Worker, int Audit);

/// <summary>A count left out of an evidence line: the field (e.g. <c>sources.worker</c>) and the words shown instead.</summary>
public sealed record WithheldCount(string Field, string Shown);

/// <summary>An assessment's evidence and discrepancies as disclosed to readers outside case handling.</summary>
public sealed record DisclosedAssessment(IReadOnlyList<DisclosedEvidence> Evidence, IReadOnlyList<Discrepancy> Discrepancies)
{
    /// <summary>Evidence lines with at least one count withheld.</summary>
    public int WithheldLines => Evidence.Count(e => e.Withheld is not null);
}

/// <summary>
/// The one projection from an assessment (true counts, an internal record) to what every reader outside case
/// handling gets: employer-side roles and auditors through REST and OData, and every dossier (issue 16, hole 2;
/// DNH-4). A worker-derived count from 1 to <c>minimumCellSize − 1</c> becomes null with the words "fewer than k",
/// in the measured value, the worker source count, the explanation and the discrepancy texts; each evidence line
/// lists what it withheld. Score, level, points, strength and floor are the model's, computed from the true counts:
/// a hard trigger still makes a site critical. The job stores this projection beside the assessment, and the read
/// paths map only the projection, so no reader can pick up the true counts by forgetting to call this.
/// </summary>
public static class RiskDisclosure
{
    /// <summary>The smallest worker-derived count shown (as grievance statistics, <c>StatisticsSuppression</c>).</summary>
    public const int DefaultMinimumCellSize = 5;

    private const string FewerThanPrefix = "fewer than ";

    public static string FewerThan(int minimumCellSize) => FewerThanPrefix + minimumCellSize.ToString(CultureInfo.InvariantCulture);

    /// <summary>The k a <see cref="FewerThan"/> text was written with, or null for any other text.</summary>
    public static int? MinimumCellSizeOf(string shown) =>
        shown is not null && shown.StartsWith(FewerThanPrefix, StringComparison.Ordinal)
        && int.TryParse(shown.AsSpan(FewerThanPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var k) ? k : null;

    public static DisclosedAssessment Disclose(RiskAssessment assessment, SiteEvidence evidence, int minimumCellSize = DefaultMinimumCellSize)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        ArgumentNullException.ThrowIfNull(evidence);
        var fewer = FewerThan(minimumCellSize);
        bool Small(int count) => count > 0 && count < minimumCellSize;

        var items = new List<DisclosedEvidence>(assessment.Evidence.Count);
        foreach (var e in assessment.Evidence)
        {
            var worker = e.Sources.Worker;
            if (!Small(worker))
            {
                items.Add(new DisclosedEvidence(
                    e.Indicator, e.RuleId, e.Measured, e.Measure, e.Threshold, e.Weight, e.Strength, e.Points, e.Floor,
                    new DisclosedSourceCounts(e.Sources.Employer, worker, e.Sources.Audit), e.Explanation));
                continue;
            }

            // A worker rule's measured value is its record count, and the explanation opens with it.
            var measuredIsWorkerCount = e.Sources.Employer == 0 && e.Sources.Audit == 0 && e.Measure == Measure.Count;
            var prefix = worker.ToString(CultureInfo.InvariantCulture) + " ";
            var explanation = e.Explanation.StartsWith(prefix, StringComparison.Ordinal) ? fewer + " " + e.Explanation[prefix.Length..] : e.Explanation;
            List<WithheldCount> withheld = measuredIsWorkerCount
                ? [new("measured", fewer), new("sources.worker", fewer)]
                : [new("sources.worker", fewer)];
            items.Add(new DisclosedEvidence(
                e.Indicator, e.RuleId, measuredIsWorkerCount ? null : e.Measured, e.Measure, e.Threshold, e.Weight, e.Strength, e.Points, e.Floor,
                new DisclosedSourceCounts(e.Sources.Employer, null, e.Sources.Audit), explanation)
            { Withheld = withheld });
        }

        var discrepancies = Discrepancies.Find(evidence, reports => Small(reports) ? fewer : reports.ToString(CultureInfo.InvariantCulture));
        return new DisclosedAssessment(items, discrepancies);
    }
}
