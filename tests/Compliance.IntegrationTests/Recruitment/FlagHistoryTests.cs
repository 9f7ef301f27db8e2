using System.Text.Json.Nodes;
using Compliance.IntegrationTests.Infrastructure;
using static Compliance.IntegrationTests.Recruitment.RecruitmentData;

namespace Compliance.IntegrationTests.Recruitment;

/// <summary>
/// Flags read from a history (contract versions, passport custody records): which earlier records count and which
/// record is current. Pins the definitions of migration 002 that later set-based rewrites must keep.
/// </summary>
public class FlagHistoryTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task ContractSubstitution_ComparesWithEveryEarlierVersion_NotOnlyThePreviousOne()
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync();
        Assert.False(await SubstitutedAsync(tenant, worker, ContractBody(wage: 2000m, hours: 48m, term: 24)));
        Assert.True(await SubstitutedAsync(tenant, worker, ContractBody(wage: 1500m, hours: 48m, term: 24)));

        // Better than version 2 but still below version 1's wage: substituted.
        Assert.True(await SubstitutedAsync(tenant, worker, ContractBody(wage: 1800m, hours: 48m, term: 24)));

        // Hours and term are compared with the lowest earlier value, whichever version had it.
        var hours = await tenant.CreateWorkerAsync();
        Assert.False(await SubstitutedAsync(tenant, hours, ContractBody(hours: 40m, term: 12)));
        Assert.True(await SubstitutedAsync(tenant, hours, ContractBody(hours: 60m, term: 12)));
        Assert.True(await SubstitutedAsync(tenant, hours, ContractBody(hours: 50m, term: 12)));
        Assert.False(await SubstitutedAsync(tenant, hours, ContractBody(hours: 40m, term: 12)));
        Assert.True(await SubstitutedAsync(tenant, hours, ContractBody(hours: 40m, term: 18)));
        Assert.True((await tenant.WorkerAsync(hours)).Flag("contractSubstituted"));
    }

    [Fact]
    public async Task ContractSubstitution_ComparesWagesOnlyInTheSameCurrency()
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync();
        Assert.False(await SubstitutedAsync(tenant, worker, ContractBody(wage: 2000m)));
        Assert.False(await SubstitutedAsync(tenant, worker, ContractBody(wage: 400m).With(c => c["monthlyWage"]!["currency"] = "USD")));
        Assert.False((await tenant.WorkerAsync(worker)).Flag("contractSubstituted"));

        // Below the earlier MYR wage, though above the USD one in between.
        Assert.True(await SubstitutedAsync(tenant, worker, ContractBody(wage: 1900m)));
        Assert.True((await tenant.WorkerAsync(worker)).Flag("contractSubstituted"));
    }

    [Fact]
    public async Task PassportHolder_IsTheLatestSince_ThenTheLatestRecorded_AndIgnoresFutureRecords()
    {
        var tenant = await factory.CreateTenantAsync();
        var worker = await tenant.CreateWorkerAsync();
        await CustodyAsync(tenant, worker, "agency", "2025-03-01");

        // Recorded later but effective earlier: the agency still holds it.
        await CustodyAsync(tenant, worker, "worker", "2025-02-01");
        Assert.True((await tenant.WorkerAsync(worker)).Flag("passportHeldByOther"));

        // Same day, recorded later: the later record wins.
        await CustodyAsync(tenant, worker, "worker", "2025-03-01");
        Assert.False((await tenant.WorkerAsync(worker)).Flag("passportHeldByOther"));

        // Effective after today: not yet the holder.
        var tomorrow = DateOnly.FromDateTime(factory.Clock.GetUtcNow().UtcDateTime).AddDays(1);
        await CustodyAsync(tenant, worker, "employer-safekeeping", tomorrow.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture), writtenConsent: true);
        var flags = await tenant.WorkerAsync(worker);
        Assert.False(flags.Flag("passportHeldByOther"));
        Assert.False(flags.GetProperty("facts").GetProperty("passportSafekeepingWithConsent").GetBoolean());
    }

    private static async Task<bool> SubstitutedAsync(TestTenant tenant, Guid worker, JsonObject contract)
    {
        var created = await Http.JsonAsync(await tenant.Owner.PostAsync($"/api/v1/workers/{worker}/contracts", Json(contract)), 201);
        return created.GetProperty("flags").GetProperty("substituted").GetProperty("raised").GetBoolean();
    }

    private async Task CustodyAsync(TestTenant tenant, Guid worker, string holder, string since, bool? writtenConsent = null)
    {
        // Each record a second after the previous one, so recorded_at orders them.
        factory.Clock.Advance(TimeSpan.FromSeconds(1));
        var body = new JsonObject { ["holder"] = holder, ["since"] = since };
        if (writtenConsent is not null)
        {
            body["writtenConsent"] = writtenConsent;
        }

        await tenant.PostAsync(worker, "passport-custody", body);
    }
}
