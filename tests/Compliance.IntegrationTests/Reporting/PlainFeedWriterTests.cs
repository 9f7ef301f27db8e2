using System.Net.Http.Headers;
using Compliance.Api.Features.Reporting;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.OData.Edm;
using Microsoft.OData.ModelBuilder;

namespace Compliance.IntegrationTests.Reporting;

/// <summary>
/// <see cref="PlainFeedWriter"/> writes plain pages instead of the OData library's serializer; its output must be the
/// library's, byte for byte, with the same headers. Every entity set is read twice, from the same data: by this app
/// and by the same app with the direct writer switched off.
/// </summary>
public class PlainFeedWriterTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    private static readonly ReportingModel Model = ReportingSets.Build();

    public static TheoryData<string> Sets() => [.. Model.Sets.Select(s => s.Name)];

    [Fact]
    public void TheSetsAuditorsPageThroughMost_AreWrittenDirectly()
    {
        string[] direct = ["Suppliers", "Sites", "Agencies", "Workers", "Fees", "Reimbursements", "Declarations", "Contracts", "PassportCustody", "CorrectiveActions", "Audits", "Findings"];

        Assert.All(direct, name => Assert.True(CanWrite(name), $"{name} is not written directly"));
    }

    [Theory]
    [MemberData(nameof(Sets))]
    public async Task EverySet_IsWrittenAsTheLibraryWritesIt(string set)
    {
        var (direct, library) = await ClientsAsync();
        var key = Model.Edm.EntityContainer.FindEntitySet(set).EntityType.Key().First().Name;

        foreach (var query in new[] { string.Empty, "?$count=true", $"?$count=true&$orderby={key} desc&$top=1", "?$skip=1000" })
        {
            await AssertSameAsync(direct, library, $"/odata/{set}{query}");
        }
    }

    [Fact]
    public async Task PagesWithNextLinks_AwkwardText_AndEveryAcceptedMediaType_AreWrittenAsTheLibraryWritesThem()
    {
        var tenant = await factory.CreateTenantAsync();
        var supplier = await tenant.CreateSupplierAsync();
        await ReportingData.InsertSitesAsync(factory, tenant.TenantId, supplier, 120);
        await factory.ScalarAsync<long>(
            """
            with changed as (
              update sites set name = @name where id = (select id from sites where tenant_id = @t order by id limit 1) returning 1)
            select count(*) from changed
            """,
            ("t", tenant.TenantId), ("name", "Ŝite \"quoted\" <b>&amp; 'x' \\ tab\t nl\n 中文 नेपाली ไทย 😀 \u0001"));
        var key = await tenant.KeyAsync("auditor");
        var direct = factory.Client(key);
        var library = LibraryClient(key);

        foreach (var accept in new[] { null, "application/json", "*/*", "application/json;odata.metadata=minimal" })
        {
            direct.DefaultRequestHeaders.Accept.Clear();
            library.DefaultRequestHeaders.Accept.Clear();
            if (accept is not null)
            {
                direct.DefaultRequestHeaders.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
                library.DefaultRequestHeaders.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(accept));
            }

            await AssertSameAsync(direct, library, "/odata/Sites?$count=true");
            await AssertSameAsync(direct, library, "/odata/Sites?$orderby=Name desc,CreatedAt&$top=110");
            await AssertSameAsync(direct, library, "/odata/Sites?$filter=WorkerHousing eq true&$count=true&$skip=10");
        }
    }

    private static bool CanWrite(string setName)
    {
        var set = Model.Edm.EntityContainer.FindEntitySet(setName);
        var clr = Model.Edm.GetAnnotationValue<ClrTypeAnnotation>(set.EntityType)!.ClrType;
        return PlainFeedWriter.CanWrite(set.EntityType, clr);
    }

    private async Task<(HttpClient Direct, HttpClient Library)> ClientsAsync()
    {
        var tenant = await factory.CreateTenantAsync();
        await tenant.SeedReportingAsync();
        var key = await tenant.KeyAsync("auditor");
        return (factory.Client(key), LibraryClient(key));
    }

    private HttpClient LibraryClient(string key)
    {
        var library = factory.WithWebHostBuilder(b => b.UseSetting("Reporting:WritePlainPagesDirectly", "false"))
            .CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });
        library.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return library;
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) ? string.Join(",", values) : null;

    private static async Task AssertSameAsync(HttpClient direct, HttpClient library, string url)
    {
        using var ours = await direct.GetAsync(url);
        using var theirs = await library.GetAsync(url);
        var accept = direct.DefaultRequestHeaders.Accept.ToString();

        Assert.Equal(theirs.StatusCode, ours.StatusCode);
        Assert.Equal(theirs.Content.Headers.ContentType?.ToString(), ours.Content.Headers.ContentType?.ToString());
        Assert.Equal(Header(theirs, "OData-Version"), Header(ours, "OData-Version"));
        Assert.True(
            (await theirs.Content.ReadAsStringAsync()) == (await ours.Content.ReadAsStringAsync()),
            $"{url} (Accept: {accept})\nlibrary: {await theirs.Content.ReadAsStringAsync()}\ndirect:  {await ours.Content.ReadAsStringAsync()}");
    }
}
