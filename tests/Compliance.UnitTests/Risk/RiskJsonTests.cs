using System.Text.Json;
using System.Text.Json.Serialization;
using Compliance.Api.Features.Risk.Assessment;
using Compliance.Domain.Reference;
using Compliance.Domain.Risk;

namespace Compliance.UnitTests.Risk;

/// <summary>
/// Stored assessments are read back by the API, reporting and dossiers: the generated serializer must write exactly
/// what the reflection-based one with the same options (Web defaults, camelCase string enums) always wrote.
/// </summary>
public class RiskJsonTests
{
    private static readonly JsonSerializerOptions Reflection = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static TheoryData<string> Sites => new() { nameof(CaseStudies.Paula), nameof(CaseStudies.Santi), "everything" };

    [Theory]
    [MemberData(nameof(Sites))]
    public void Generated_WritesTheSameBytesAsReflection(string site)
    {
        var assessment = RiskModel.Assess(site switch
        {
            nameof(CaseStudies.Paula) => CaseStudies.Paula,
            nameof(CaseStudies.Santi) => CaseStudies.Santi,
            _ => Everything(),
        });

        Assert.NotEmpty(assessment.Evidence);
        Assert.Equal(
            JsonSerializer.Serialize(assessment.Evidence, Reflection),
            JsonSerializer.Serialize(assessment.Evidence, RiskJson.Default.IReadOnlyListRiskEvidence));
        Assert.Equal(
            JsonSerializer.Serialize(assessment.Discrepancies, Reflection),
            JsonSerializer.Serialize(assessment.Discrepancies, RiskJson.Default.IReadOnlyListDiscrepancy));
    }

    [Fact]
    public void Generated_WritesEnumsAsCamelCaseStringsAndEveryField()
    {
        var assessment = RiskModel.Assess(Everything());

        var json = JsonSerializer.Serialize(assessment.Evidence, RiskJson.Default.IReadOnlyListRiskEvidence);

        Assert.Contains("\"measure\":\"percentOfWorkers\"", json, StringComparison.Ordinal);
        Assert.Contains("\"strength\":\"strong\"", json, StringComparison.Ordinal);
        Assert.Contains("\"floor\":\"critical\"", json, StringComparison.Ordinal);
        Assert.Contains("\"sources\":{\"employer\":", json, StringComparison.Ordinal);
        Assert.NotEmpty(assessment.Discrepancies);
        Assert.Equal(
            JsonSerializer.Serialize(new[] { "recruitment", "grievance" }, Reflection),
            JsonSerializer.Serialize<IReadOnlyList<string>>(["recruitment", "grievance"], RiskJson.Default.IReadOnlyListString));
    }

    // Every count set and every indicator reported, audited and overdue, so every rule, strength, floor and
    // discrepancy kind is written.
    private static SiteEvidence Everything()
    {
        var evidence = new SiteEvidence
        {
            ActiveWorkers = 333,
            GrievancesLast90Days = Indicators.All.ToDictionary(i => i, _ => 2),
            OpenCriticalGrievances = Indicators.All.ToDictionary(i => i, _ => 1),
            OpenAuditFindings = Indicators.All.Skip(3).ToDictionary(i => i, _ => new AuditFindings(1, FindingSeverity.Major, 2)),
        };
        evidence = Evidence.WithEveryCount(evidence, 7);

        return evidence;
    }
}
