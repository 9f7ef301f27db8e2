using System.Runtime.CompilerServices;
using System.Xml.Linq;
using Compliance.Api.Features.Reporting;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.OData.Edm;

namespace Compliance.IntegrationTests.Reporting;

/// <summary>
/// The EDM is a contract with Excel and Power BI and a wall around testimony: any change to <c>$metadata</c> fails
/// until the committed snapshot is updated on purpose, and no testimony vocabulary may ever appear in it.
/// </summary>
public class MetadataTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    /// <summary>Words that must never name a type, set or property of the feed (DNH: testimony stays out of reporting).</summary>
    private static readonly string[] Forbidden =
        ["narrative", "message", "receipt", "consent", "grievance", "testimony", "transcript", "reply", "replies", "dossier", "passportnumber",
         "permitnumber", "employeereference", "intakecode", "keyhash", "tenantid", "phone", "contact"];

    /// <summary>
    /// Aggregates (counts, clocks), the access log (who read which case, when) and the roster (who can read testimony)
    /// are the only grievance-derived things the feed may carry.
    /// </summary>
    private static readonly string[] AllowedExceptions = ["GrievanceStatistics", "NarrativeAccessLog", "TestimonyAccessRoster"];

    [Fact]
    public async Task Metadata_MatchesTheCommittedSnapshot()
    {
        var tenant = await factory.CreateTenantAsync();
        var auditor = await tenant.ClientAsync("auditor");
        var response = await auditor.GetAsync("/odata/$metadata");
        await Http.EnsureStatusAsync(response, 200);
        var actual = XDocument.Parse(await response.Content.ReadAsStringAsync()).ToString() + "\n";

        var snapshot = SnapshotPath();
        if (!File.Exists(snapshot) || File.ReadAllText(snapshot) != actual)
        {
            File.WriteAllText(snapshot + ".received", actual);
            Assert.Fail($"$metadata changed. Review {snapshot}.received and, if intended, move it over the snapshot.");
        }
    }

    [Fact]
    public void NoTestimonyWordNamesAnyTypeSetOrProperty()
    {
        var model = ReportingSets.Build().Edm;
        var names = new List<string>();
        names.AddRange(model.EntityContainer.Elements.Select(e => e.Name));
        foreach (var type in model.SchemaElements.OfType<IEdmStructuredType>())
        {
            names.Add(((IEdmSchemaElement)type).Name);
            names.AddRange(type.DeclaredProperties.Select(p => p.Name));
        }

        var offending = names.Where(n => !AllowedExceptions.Contains(n)
            && Forbidden.Any(f => n.Replace("_", string.Empty, StringComparison.Ordinal).Contains(f, StringComparison.OrdinalIgnoreCase))).ToList();

        Assert.NotEmpty(names);
        Assert.Empty(offending);
    }

    [Fact]
    public async Task MetadataText_HasNoTestimonyWord()
    {
        var tenant = await factory.CreateTenantAsync();
        var xml = await (await tenant.ClientAsync("compliance")).GetStringAsync("/odata/$metadata");

        foreach (var word in Forbidden)
        {
            Assert.DoesNotContain(word, AllowedExceptions.Aggregate(xml, (text, allowed) => text.Replace(allowed, string.Empty, StringComparison.Ordinal)), StringComparison.OrdinalIgnoreCase);
        }
    }

    private static string SnapshotPath([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "metadata.snapshot.xml");
}
