using Compliance.Api.Features.Reporting;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.OData.Edm;

namespace Compliance.IntegrationTests.Reporting;

/// <summary>
/// Generated from the EDM: every entity set, alone and along every allow-listed <c>$expand</c> path. Another
/// tenant's auditor never sees a row (or an id) of tenant A, a supplier key never sees another supplier's rows,
/// and <c>@odata.count</c> always equals the rows returned over all pages. New sets are picked up automatically.
/// </summary>
public class GeneratedIsolationTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private static readonly ReportingModel Model = ReportingSets.Build();

    public static TheoryData<string, string> SetsAndExpandPaths()
    {
        var data = new TheoryData<string, string>();
        foreach (var set in Model.Sets)
        {
            data.Add(set.Name, string.Empty);
            foreach (var path in set.ExpandPaths)
            {
                data.Add(set.Name, path);
            }
        }

        return data;
    }

    [Fact]
    public void EveryEdmEntitySetIsARegisteredReportingSet()
    {
        var edmSets = Model.Edm.EntityContainer.EntitySets().Select(s => s.Name).Order().ToList();

        Assert.Equal(Model.Sets.Select(s => s.Name).Order().ToList(), edmSets);
    }

    [Theory]
    [MemberData(nameof(SetsAndExpandPaths))]
    public async Task OtherTenantsAuditor_NeverSeesTenantARows_AndCountMatchesRows(string set, string expand)
    {
        var a = await factory.CreateTenantAsync();
        await a.SeedReportingAsync();
        var b = await factory.CreateTenantAsync();
        await b.SeedReportingAsync();
        var aIds = await KeysOfEverySetAsync(a.Owner);
        var auditorB = factory.Client(await b.KeyAsync("auditor"));

        var seen = await auditorB.GetAllAsync(Url(set, expand));

        Assert.NotEmpty(seen.Rows);
        Assert.Equal(seen.Rows.Count, seen.Count);
        Assert.Empty(seen.AllGuids().Intersect(aIds));
    }

    [Theory]
    [MemberData(nameof(SetsAndExpandPaths))]
    public async Task SupplierKey_NeverSeesAnotherSuppliersRows_AndCountMatchesRows(string set, string expand)
    {
        var seeded = await (await factory.CreateTenantAsync()).SeedReportingAsync();
        var owner = seeded.Tenant.Owner;
        var otherSuppliersKeys = new HashSet<Guid>();
        foreach (var scoped in Model.Sets.Where(s => s.SupplierProperty is not null && !s.TenantReportsOnly))
        {
            var rows = await owner.GetAllAsync($"/odata/{scoped.Name}?$filter={scoped.SupplierProperty} eq {seeded.SecondSupplier}");
            Assert.True(rows.Rows.Count > 0, $"Seed rows of the second supplier into {scoped.Name} (ReportingFeed.SeedReportingAsync).");
            otherSuppliersKeys.UnionWith(GuidKeysOf(scoped.Name).SelectMany(k => rows.Keys(k)));
        }

        var supplier = factory.Client(await seeded.Tenant.KeyAsync("supplier", seeded.FirstSupplier));
        if (Model.Find(set)!.TenantReportsOnly)
        {
            await Http.EnsureStatusAsync(await supplier.GetAsync(Url(set, expand)), 403);
            return;
        }

        var seen = await supplier.GetAllAsync(Url(set, expand));

        Assert.NotEmpty(seen.Rows);
        Assert.Equal(seen.Rows.Count, seen.Count);
        Assert.Empty(seen.AllGuids().Intersect(otherSuppliersKeys));
    }

    /// <summary>The Guid parts of a set's key (a composite key such as GrievanceStatistics' carries its site id).</summary>
    private static IEnumerable<string> GuidKeysOf(string set) =>
        Model.Edm.EntityContainer.FindEntitySet(set).EntityType.Key().Where(k => k.Type.IsGuid()).Select(k => k.Name);

    private static string Url(string set, string expand) =>
        $"/odata/{set}?$count=true" + (expand.Length == 0 ? string.Empty : "&$expand=" + ReportingFeed.ExpandOption(expand));

    private static async Task<ISet<Guid>> KeysOfEverySetAsync(HttpClient owner)
    {
        var keys = new HashSet<Guid>();
        foreach (var set in Model.Sets)
        {
            var rows = await owner.GetAllAsync($"/odata/{set.Name}");
            Assert.True(rows.Rows.Count > 0, $"Seed rows into {set.Name} (ReportingFeed.SeedReportingAsync).");
            keys.UnionWith(GuidKeysOf(set.Name).SelectMany(k => rows.Keys(k)));
        }

        return keys;
    }
}
