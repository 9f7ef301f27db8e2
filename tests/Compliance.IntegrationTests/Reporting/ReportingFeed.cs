using System.Text.Json;
using Compliance.Api.Features.Reporting;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Reporting;

/// <summary>What one walk of a feed URL returned: every row over all pages, the advertised count and the page count.</summary>
public sealed record FeedResult(IReadOnlyList<JsonElement> Rows, long? Count, int Pages)
{
    /// <summary>Every GUID anywhere in the rows, expanded entities and foreign keys included.</summary>
    public ISet<Guid> AllGuids()
    {
        var found = new HashSet<Guid>();
        foreach (var row in Rows)
        {
            Collect(row, found);
        }

        return found;
    }

    public ISet<Guid> Keys(string key = "Id") => Rows.Select(r => r.GetProperty(key).GetGuid()).ToHashSet();

    private static void Collect(JsonElement e, HashSet<Guid> found)
    {
        switch (e.ValueKind)
        {
            case JsonValueKind.Object:
                foreach (var p in e.EnumerateObject())
                {
                    Collect(p.Value, found);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in e.EnumerateArray())
                {
                    Collect(item, found);
                }

                break;
            case JsonValueKind.String when Guid.TryParse(e.GetString(), out var g):
                found.Add(g);
                break;
        }
    }
}

/// <summary>Intent helpers for the OData feed.</summary>
public static class ReportingFeed
{
    /// <summary>Follows <c>@odata.nextLink</c> to the end (bounded, so a paging bug cannot loop forever).</summary>
    public static async Task<FeedResult> GetAllAsync(this HttpClient client, string url, int maxPages = 50)
    {
        var rows = new List<JsonElement>();
        long? count = null;
        var pages = 0;
        string? next = url;
        while (next is not null)
        {
            Assert.True(++pages <= maxPages, $"More than {maxPages} pages from {url}");
            var page = await Http.JsonAsync(await client.GetAsync(next));
            if (count is null && page.TryGetProperty("@odata.count", out var c))
            {
                count = c.GetInt64();
            }

            rows.AddRange(page.GetProperty("value").EnumerateArray().Select(r => r.Clone()));
            next = page.TryGetProperty("@odata.nextLink", out var link) ? link.GetString() : null;
        }

        return new FeedResult(rows, count, pages);
    }

    /// <summary><c>Worker/Site</c> → <c>Worker($expand=Site)</c>.</summary>
    public static string ExpandOption(string path)
    {
        var parts = path.Split('/');
        var option = parts[^1];
        for (var i = parts.Length - 2; i >= 0; i--)
        {
            option = $"{parts[i]}($expand={option})";
        }

        return option;
    }

    /// <summary>
    /// Gives a tenant rows in every entity set: two suppliers with two sites each. A set added to
    /// <see cref="ReportingSets"/> without seed data here fails the generated suite on purpose.
    /// </summary>
    public static async Task<SeededTenant> SeedReportingAsync(this TestTenant tenant)
    {
        var first = await tenant.CreateSupplierAsync();
        var second = await tenant.CreateSupplierAsync();
        foreach (var supplier in new[] { first, second })
        {
            await tenant.CreateSiteAsync(supplier);
            await tenant.CreateSiteAsync(supplier, sector: "garment");
        }

        return new SeededTenant(tenant, first, second);
    }
}

public sealed record SeededTenant(TestTenant Tenant, Guid FirstSupplier, Guid SecondSupplier);
