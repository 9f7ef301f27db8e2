using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Generated;

/// <summary>
/// The OpenAPI document is the API's reference (served at <c>/openapi/v1.json</c>, committed as <c>docs/openapi.json</c>
/// so a reader of the repository sees it too): any change to a route, a summary, a tag or a schema fails here until the
/// committed copy is updated on purpose, so the docs never drift from the code.
/// </summary>
public class OpenApiSnapshotTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task OpenApiDocument_MatchesTheCommittedCopyInDocs()
    {
        var response = await factory.Client().GetAsync("/openapi/v1.json");
        await Http.EnsureStatusAsync(response, 200);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
        document.Remove("servers"); // the test server's address, not part of the contract
        var actual = document.ToJsonString(new JsonSerializerOptions { WriteIndented = true }) + "\n";

        Assert.Contains("/api/v1/intake/{intakeCode}/grievances", actual, StringComparison.Ordinal);
        var committed = CommittedPath();
        if (!File.Exists(committed) || File.ReadAllText(committed) != actual)
        {
            File.WriteAllText(committed + ".received", actual);
            Assert.Fail($"The OpenAPI document changed. Review {committed}.received and, if intended, move it over {committed}.");
        }
    }

    private static string CommittedPath([CallerFilePath] string source = "") =>
        Path.GetFullPath(Path.Combine(Path.GetDirectoryName(source)!, "..", "..", "..", "docs", "openapi.json"));
}
