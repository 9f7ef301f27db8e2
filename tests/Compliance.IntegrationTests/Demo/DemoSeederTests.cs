using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Compliance.Api.Features.Demo;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.IntegrationTests.Demo;

/// <summary>
/// The Development demo (issue #18): its testimony readers come from a verified demo NGO linked to the demo tenant,
/// never from a key the tenant minted; what it prints works, goes to the console only, and prints the same again after
/// a restart. The seeder runs here on the class's own empty database, with a seed of its own.
/// </summary>
public class DemoSeederTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task DemoTenant_HasAVerifiedLinkedOffice_WhosePrintedKeyAndPeopleReadGrievances_AndARestartPrintsTheSame()
    {
        var seed = RandomNumberGenerator.GetBytes(32);
        var seeder = ActivatorUtilities.CreateInstance<DemoSeeder>(factory.Services);
        using var console = new StringWriter();
        await seeder.SeedAndPrintAsync(seed, reprintExisting: true, console, CancellationToken.None);
        var printed = console.ToString();

        // Tenant keys for employer-side roles, and one case-handler key: the office's.
        Assert.Single(Regex.Matches(printed, "case-handler +key:"));
        var owner = factory.Client(Printed(printed, "owner"));
        var handler = factory.Client(Printed(printed, "case-handler"));
        var officeId = await factory.ScalarAsync<Guid>("select id from handling_offices where name = @n", ("n", DemoSeeder.OfficeName));
        Assert.Equal(0L, await factory.ScalarAsync<long>("select count(*) from api_keys where role = 'case-handler' and office_id is distinct from @o", ("o", officeId)));

        // The owner sees one accepted link to a verified NGO.
        var links = await Http.JsonAsync(await owner.GetAsync("/api/v1/handling-links"));
        var link = Assert.Single(links.GetProperty("items").EnumerateArray());
        Assert.Equal(DemoSeeder.DemoTenantId, link.GetProperty("tenantId").GetGuid());
        Assert.Equal(DemoSeeder.OfficeName, link.GetProperty("officeName").GetString());
        Assert.Equal("independent-ngo", link.GetProperty("officeKind").GetString());
        Assert.True(link.GetProperty("officeVerified").GetBoolean());
        Assert.Equal("accepted", link.GetProperty("state").GetString());

        // A worker files at a demo site; the printed handler key reads the case.
        var sites = await Http.JsonAsync(await owner.GetAsync("/api/v1/sites"));
        var intakeCode = sites.GetProperty("items")[0].GetProperty("intakeCode").GetString();
        var filed = await Http.JsonAsync(
            await factory.Client().PostAsJsonAsync($"/api/v1/intake/{intakeCode}/grievances", new { language = "en", categories = new[] { "owe-money" }, narrative = "demo narrative 5521" }),
            201);
        var list = await Http.JsonAsync(await handler.GetAsync("/api/v1/grievances"));
        var id = list.GetProperty("items").EnumerateArray()
            .Single(g => g.GetProperty("caseReference").GetString() == filed.GetProperty("caseReference").GetString()).GetProperty("id").GetGuid();
        Assert.Equal("demo narrative 5521", (await Http.JsonAsync(await handler.GetAsync($"/api/v1/grievances/{id}"))).GetProperty("narrative").GetString());
        Assert.Contains((int)(await owner.GetAsync($"/api/v1/grievances/{id}")).StatusCode, new[] { 403, 404 });

        // The printed people sign in with their password and a code from their printed authenticator key.
        var people = new PersonSessions(factory);
        var (handlerEmail, handlerPassword, handlerTotp) = PrintedPerson(printed, "case handler");
        var (adminEmail, adminPassword, adminTotp) = PrintedPerson(printed, "office admin");
        var handlerSession = await people.SignInAsync(handlerEmail, handlerPassword, handlerTotp);
        Assert.Equal("demo narrative 5521", (await Http.JsonAsync(await handlerSession.GetAsync($"/api/v1/grievances/{id}"))).GetProperty("narrative").GetString());
        var adminSession = await people.SignInAsync(adminEmail, adminPassword, adminTotp);
        var office = await Http.JsonAsync(await adminSession.GetAsync("/api/v1/office"));
        Assert.Equal(officeId, office.GetProperty("id").GetGuid());
        Assert.True(office.GetProperty("verified").GetBoolean());

        // The console opens on the demo reports (issue #19): the handler's inbox lists each, in its language; the demo
        // tenant's people sign in with the printed password (password only: they never read testimony).
        var inbox = await handlerSession.GetStringAsync("/console/cases");
        foreach (var report in DemoSeeder.DemoReports)
        {
            Assert.Contains($"<td>{report.Language} · web</td>", inbox, StringComparison.Ordinal);
        }

        var tenantPasswords = new List<string>();
        foreach (var who in DemoSeeder.TenantPeople)
        {
            var match = Regex.Match(printed, $@"^DEMO {who.Label}: email {Regex.Escape(who.Email)}  password (\S+)$", RegexOptions.Multiline);
            Assert.True(match.Success, $"No demo {who.Label} in: {printed}");
            tenantPasswords.Add(match.Groups[1].Value);
            await people.SignInAsync(who.Email, match.Groups[1].Value);
        }

        // The roster tells the tenant how the office came to read, through the same rows real offices write.
        var roster = await Http.JsonAsync(await owner.GetAsync("/api/v1/testimony-access-roster?pageSize=200"));
        var changes = roster.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("change").GetString()).ToList();
        foreach (var change in new[] { "office-created", "office-verified", "link-requested", "link-accepted", "key-created" })
        {
            Assert.Contains(change, changes);
        }

        Assert.Equal(2, changes.Count(c => c == "account-created"));
        Assert.Equal(2, changes.Count(c => c == "account-two-factor"));

        // Console only, never the log; and a restart (the same seed) prints exactly the same, without seeding again.
        foreach (var secret in new[] { Printed(printed, "owner"), Printed(printed, "case-handler"), handlerPassword, handlerTotp, adminPassword, adminTotp }.Concat(tenantPasswords))
        {
            Assert.DoesNotContain(factory.Logs.Lines, line => line.Contains(secret, StringComparison.Ordinal));
        }

        using var restarted = new StringWriter();
        await seeder.SeedAndPrintAsync(seed, reprintExisting: true, restarted, CancellationToken.None);
        Assert.Equal(printed, restarted.ToString());
        using var configuredServer = new StringWriter();
        await seeder.SeedAndPrintAsync(seed, reprintExisting: false, configuredServer, CancellationToken.None);
        Assert.Empty(configuredServer.ToString());
        Assert.Equal(1L, await factory.CountRowsAsync("tenants"));
    }

    /// <summary>
    /// The demo exists only in Development, where the container validates scopes and every registration on build: the
    /// host must build there (a singleton holding a scoped service once stopped it before anything was seeded).
    /// </summary>
    [Fact]
    public async Task App_BuildsInDevelopment_WhereTheDemoIsSeeded()
    {
        await using var development = factory.WithWebHostBuilder(b => b.UseEnvironment("Development"));
        var environment = development.Services.GetRequiredService<IWebHostEnvironment>();
        Assert.Equal("Development", environment.EnvironmentName);
    }

    private static string Printed(string printed, string role)
    {
        var match = Regex.Match(printed, $@"^DEMO {Regex.Escape(role)} +key: (\S+)", RegexOptions.Multiline);
        Assert.True(match.Success, $"No demo {role} key in: {printed}");
        return match.Groups[1].Value;
    }

    private static (string Email, string Password, string AuthenticatorKey) PrintedPerson(string printed, string label)
    {
        var match = Regex.Match(printed, $@"^DEMO {label}: email (\S+)  password (\S+)  authenticator key ([A-Z2-7]+)$", RegexOptions.Multiline);
        Assert.True(match.Success, $"No demo {label} in: {printed}");
        return (match.Groups[1].Value, match.Groups[2].Value, match.Groups[3].Value);
    }
}
