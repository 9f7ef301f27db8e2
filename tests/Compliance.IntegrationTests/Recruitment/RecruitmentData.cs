using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Compliance.IntegrationTests.Infrastructure;

namespace Compliance.IntegrationTests.Recruitment;

/// <summary>Intent helpers for recruitment records, all through the public API.</summary>
public static class RecruitmentData
{
    public static JsonObject AgencyBody() => new()
    {
        ["name"] = $"Agency {Guid.NewGuid():N}",
        ["countryCode"] = "NP",
        ["licenceNumber"] = "L-123",
        ["licenceExpiresOn"] = "2030-01-01",
        ["blacklisted"] = false,
        ["subAgentsProhibited"] = true,
        ["lastDueDiligenceOn"] = "2025-06-01",
    };

    public static JsonObject WorkerBody(Guid siteId, Guid? agencyId = null) => new()
    {
        ["siteId"] = siteId,
        ["employeeRef"] = $"E-{Guid.NewGuid():N}",
        ["nationality"] = "NP",
        ["gender"] = "female",
        ["birthYear"] = 1995,
        ["preferredLanguage"] = "ne",
        ["recruitment"] = new JsonObject
        {
            ["channel"] = agencyId is null ? "direct" : "agency",
            ["agencyId"] = agencyId,
            ["subAgentUsed"] = false,
            ["recruitedInCountry"] = "NP",
            ["hiredOn"] = "2025-01-15",
            ["arrivedOn"] = "2025-02-01",
        },
        ["workPermitExpiresOn"] = "2030-01-01",
        ["status"] = "active",
    };

    public static JsonObject FeeBody(string paidBy = "worker", decimal amount = 1500m, string currency = "MYR") => new()
    {
        ["category"] = "recruitment",
        ["amount"] = amount,
        ["currency"] = currency,
        ["paidBy"] = paidBy,
        ["paidTo"] = "agency",
        ["paidOn"] = "2024-12-01",
        ["paidInCountry"] = "NP",
        ["financedByLoan"] = false,
    };

    public static JsonObject DeclarationBody(string language = "ne", bool paidNoFees = true) => new()
    {
        ["kind"] = "post-arrival",
        ["language"] = language,
        ["signedOn"] = "2025-02-02",
        ["paidNoFees"] = paidNoFees,
        ["holdsOwnPassport"] = true,
        ["contractExplained"] = true,
    };

    public static JsonObject ContractBody(string language = "ne", decimal wage = 1700m, decimal hours = 48m, int term = 24) => new()
    {
        ["language"] = language,
        ["signedOn"] = "2024-12-01",
        ["signedInCountry"] = "NP",
        ["signedBeforeDeparture"] = true,
        ["monthlyWage"] = new JsonObject { ["amount"] = wage, ["currency"] = "MYR" },
        ["hoursPerWeek"] = hours,
        ["termMonths"] = term,
    };

    public static JsonObject With(this JsonObject body, Action<JsonObject> change)
    {
        var copy = (JsonObject)body.DeepClone();
        change(copy);
        return copy;
    }

    public static StringContent Json(JsonNode body) => new(body.ToJsonString(), Encoding.UTF8, "application/json");

    public static async Task<Guid> CreateAgencyAsync(this TestTenant tenant, JsonObject? body = null) =>
        await Http.IdAsync(await tenant.Owner.PostAsync("/api/v1/agencies", Json(body ?? AgencyBody())));

    /// <summary>A worker at a new site (or <paramref name="siteId"/>), as the owner.</summary>
    public static async Task<Guid> CreateWorkerAsync(this TestTenant tenant, Guid? siteId = null, Action<JsonObject>? change = null, HttpClient? client = null)
    {
        siteId ??= (await tenant.CreateSiteAsync()).Id;
        var body = WorkerBody(siteId.Value);
        change?.Invoke(body);
        return await Http.IdAsync(await (client ?? tenant.Owner).PostAsync("/api/v1/workers", Json(body)));
    }

    public static async Task<Guid> PostAsync(this TestTenant tenant, Guid workerId, string path, JsonNode body) =>
        await Http.IdAsync(await tenant.Owner.PostAsync($"/api/v1/workers/{workerId}/{path}", Json(body)));

    public static async Task<JsonElement> WorkerAsync(this TestTenant tenant, Guid workerId) =>
        await Http.JsonAsync(await tenant.Owner.GetAsync($"/api/v1/workers/{workerId}"));

    public static bool Flag(this JsonElement worker, string name) => worker.GetProperty("flags").GetProperty(name).GetProperty("raised").GetBoolean();

    public static string Indicator(this JsonElement worker, string name) => worker.GetProperty("flags").GetProperty(name).GetProperty("indicator").GetString()!;

    public static async Task<JsonElement> PostJsonAsync(this HttpClient client, string url, object body, int expected = 200) =>
        await Http.JsonAsync(await client.PostAsJsonAsync(url, body), expected);
}
