using Compliance.Domain.Reference;
using Compliance.Domain.Risk;

namespace Compliance.UnitTests.Risk;

/// <summary>Evidence the SQL could only produce by a bug is rejected, never clamped: clamping could understate risk.</summary>
public class SiteEvidenceTests
{
    public static TheoryData<string> EveryCount => [.. Evidence.IntProperties.Select(p => p.Name)];

    [Theory]
    [MemberData(nameof(EveryCount))]
    public void Validate_ANegativeCountInAnyField_IsRejected(string property)
    {
        var site = Evidence.With(new SiteEvidence { ActiveWorkers = 10 }, property, -1);

        var error = Assert.Throws<ArgumentException>(site.Validate);

        Assert.Contains("negative", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(EveryCount))]
    public void Validate_ZeroInEveryField_IsAccepted(string property)
    {
        var site = Evidence.With(Evidence.WithEveryCount(new SiteEvidence { ActiveWorkers = 10 }, 1), property, 0);

        site.Validate();
        Assert.NotNull(RiskModel.Assess(site));
    }

    [Fact]
    public void Validate_EmptyEvidence_IsAccepted() => new SiteEvidence().Validate();

    [Fact]
    public void Validate_ZeroCountsUnderKnownIndicators_AreAccepted()
    {
        var site = new SiteEvidence
        {
            GrievancesLast90Days = Indicators.All.ToDictionary(i => i, _ => 0),
            OpenCriticalGrievances = Indicators.All.ToDictionary(i => i, _ => 0),
            OpenAuditFindings = Indicators.All.ToDictionary(i => i, _ => new AuditFindings(0, FindingSeverity.None, 0)),
        };

        site.Validate();
        Assert.Empty(RiskModel.Assess(site).Evidence);
    }

    public static TheoryData<string, SiteEvidence> UnknownIndicators => new()
    {
        { nameof(SiteEvidence.GrievancesLast90Days), new() { GrievancesLast90Days = new Dictionary<string, int> { ["FL01"] = 1, ["FL12"] = 1 } } },
        { nameof(SiteEvidence.OpenCriticalGrievances), new() { OpenCriticalGrievances = new Dictionary<string, int> { ["fl05"] = 1 } } },
        { nameof(SiteEvidence.OpenAuditFindings), new() { OpenAuditFindings = new Dictionary<string, AuditFindings> { ["XX01"] = new(1, FindingSeverity.Minor) } } },
    };

    [Theory]
    [MemberData(nameof(UnknownIndicators))]
    public void Validate_AnUnknownIndicatorInAnyKeyedCount_IsRejectedAndNamed(string field, SiteEvidence site)
    {
        var error = Assert.Throws<ArgumentException>(site.Validate);

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.Contains("Unknown indicator", error.Message, StringComparison.Ordinal);
    }

    public static TheoryData<string, SiteEvidence> NegativeKeyedCounts => new()
    {
        { nameof(SiteEvidence.GrievancesLast90Days), new() { GrievancesLast90Days = new Dictionary<string, int> { ["FL01"] = 1, ["FL02"] = -1 } } },
        { nameof(SiteEvidence.OpenCriticalGrievances), new() { OpenCriticalGrievances = new Dictionary<string, int> { ["FL05"] = -3 } } },
        { nameof(SiteEvidence.OpenAuditFindings), new() { OpenAuditFindings = new Dictionary<string, AuditFindings> { ["FL10"] = new(-1, FindingSeverity.Minor) } } },
        { nameof(SiteEvidence.OpenAuditFindings), new() { OpenAuditFindings = new Dictionary<string, AuditFindings> { ["FL10"] = new(1, FindingSeverity.Minor, -1) } } },
    };

    [Theory]
    [MemberData(nameof(NegativeKeyedCounts))]
    public void Validate_ANegativeKeyedCount_IsRejectedAndNamed(string field, SiteEvidence site)
    {
        var error = Assert.Throws<ArgumentException>(site.Validate);

        Assert.Contains(field, error.Message, StringComparison.Ordinal);
        Assert.Contains("Negative", error.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => RiskModel.Assess(site));
    }
}
