using System.Net.Http.Json;
using System.Text.Json;

namespace Compliance.IntegrationTests.Infrastructure;

/// <summary>
/// The reusable isolation check: a resource created by one tenant is a 404 for another tenant's key on read,
/// update and delete, and never appears in the other tenant's list or its count.
/// </summary>
public static class CrossTenant
{
    /// <param name="other">A client of the other tenant (or another supplier) with enough rights to try.</param>
    /// <param name="resourceUrl">The resource's own URL, e.g. <c>/api/v1/sites/{id}</c>.</param>
    /// <param name="updateBody">A valid body for PUT/PATCH, or null when the resource has no update.</param>
    /// <param name="listUrl">The list that would show it, or null when there is none.</param>
    public static async Task AssertInvisibleAsync(HttpClient other, string resourceUrl, Guid id, object? updateBody, string? listUrl, HttpMethod? updateMethod = null, bool hasDelete = true)
    {
        await Http.AssertProblemAsync(await other.GetAsync(resourceUrl), 404);
        if (updateBody is not null)
        {
            var update = new HttpRequestMessage(updateMethod ?? HttpMethod.Put, resourceUrl) { Content = JsonContent.Create(updateBody) };
            await Http.AssertProblemAsync(await other.SendAsync(update), 404);
        }

        if (hasDelete)
        {
            await Http.AssertProblemAsync(await other.DeleteAsync(resourceUrl), 404);
        }

        if (listUrl is not null)
        {
            var list = await Http.JsonAsync(await other.GetAsync(listUrl));
            var items = list.GetProperty("items").EnumerateArray().ToList();
            Assert.DoesNotContain(items, i => i.GetProperty("id").GetGuid() == id);
            Assert.Equal(items.Count, list.GetProperty("totalCount").GetInt32());
        }
    }
}
