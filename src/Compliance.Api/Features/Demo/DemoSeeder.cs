using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Compliance.Api.Features.Enforcement;
using Compliance.Api.Features.Foundation;
using Compliance.Api.Features.Handling;
using Compliance.Api.Features.People;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Compliance.Api.Features.Demo;

/// <summary>
/// Development only: on a database with no tenants, seeds a demo tenant (one supplier, two sites) with one demo key per
/// tenant role, and a demo NGO (verified, linked to the tenant) whose admin and case handler are people with a password
/// and an authenticator already enrolled; the office mints the demo case-handler key, as issue #18 wants (a tenant
/// cannot). Passwords and keys derive from a seed kept beside the embedded cluster, and the authenticator keys are read
/// back from the identity store, so the same credentials print after a restart; with a configured server they print
/// once, at seeding. Everything is written in one transaction, through the same code the API uses (roster, accounts).
/// </summary>
public sealed class DemoSeeder(IServiceScopeFactory scopes, DatabaseConnections connections, NpgsqlDataSource dataSource, TimeProvider clock)
{
    public static readonly Guid DemoTenantId = new("00000000-0000-7000-8000-00000000de30");

    public const string OfficeName = "Demo Workers' Support NGO (demo data)";

    /// <summary>The office's people: who, with which role, under which email (fixed, so a restart finds them again).</summary>
    internal static readonly IReadOnlyList<DemoPerson> OfficePeople =
    [
        new("office admin", "ngo-admin@demo.invalid", "Demo NGO admin (demo data)", Roles.OfficeAdmin),
        new("case handler", "case-handler@demo.invalid", "Demo case handler (demo data)", Roles.CaseHandler),
    ];

    /// <summary>The demo tenant's people (issue #19's console): employer-side roles, password only (they never read testimony).</summary>
    internal static readonly IReadOnlyList<DemoPerson> TenantPeople =
    [
        new("owner", "owner@demo.invalid", "Demo owner (demo data)", Roles.Owner),
        new("compliance officer", "compliance@demo.invalid", "Demo compliance officer (demo data)", Roles.Compliance),
        new("auditor", "auditor@demo.invalid", "Demo auditor (demo data)", Roles.Auditor),
    ];

    /// <summary>Demo reports, so the console has cases in several languages and a critical site to explain.</summary>
    internal static readonly IReadOnlyList<NewGrievance> DemoReports =
    [
        new("ne", ["cannot-leave", "documents-held"], "एजेन्टले मेरो राहदानी राखेको छ र हामीलाई होस्टलबाट बाहिर जान दिँदैन। (demo data)", new Dictionary<string, bool> { ["ngo"] = true }),
        new("vi", ["pay-deducted", "owe-money"], "Công ty trừ tiền lương để trả nợ phí môi giới mỗi tháng. (demo data)", new Dictionary<string, bool> { ["ngo"] = true, ["labour-authority"] = true }),
        new("bn", ["too-many-hours"], "আমরা প্রতিদিন চৌদ্দ ঘণ্টা কাজ করি, ছুটি নেই। (demo data)", new Dictionary<string, bool>()),
    ];

    internal sealed record DemoPerson(string Label, string Email, string DisplayName, string Role);

    public async Task SeedAndPrintAsync(CancellationToken ct)
    {
        var seed = connections.Embedded is { } embedded
            ? Encoding.UTF8.GetBytes(await DatabaseBootstrap.ReadOrCreateSecretAsync(Path.Combine(Path.GetDirectoryName(embedded.DataDirectory)!, "demo-keys.seed"), ct))
            : RandomNumberGenerator.GetBytes(32);
        await SeedAndPrintAsync(seed, reprintExisting: connections.Embedded is not null, Console.Out, ct);
    }

    /// <summary>Seeds when there is no tenant yet; else, when <paramref name="reprintExisting"/>, prints the demo tenant's credentials again.</summary>
    internal async Task SeedAndPrintAsync(byte[] seed, bool reprintExisting, TextWriter console, CancellationToken ct)
    {
        await using (var cmd = dataSource.CreateCommand("select count(*) from app.tenant_ids()"))
        {
            var tenants = (long)(await cmd.ExecuteScalarAsync(ct))!;
            if (tenants > 0)
            {
                if (reprintExisting && await DemoTenantExistsAsync(ct))
                {
                    await AddTenantPeopleAsync(seed, ct);
                    Print(console, seed, await AuthenticatorKeysAsync(ct));
                }

                return;
            }
        }

        await SeedAsync(seed, ct);
        await AddTenantPeopleAsync(seed, ct);
        await FileDemoReportsAsync(ct);
        Print(console, seed, await AuthenticatorKeysAsync(ct));
    }

    /// <summary>The demo tenant's people, each created once (a demo seeded before the console gains them on restart).</summary>
    private async Task AddTenantPeopleAsync(byte[] seed, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
        var accounts = scope.ServiceProvider.GetRequiredService<PersonAccounts>();
        foreach (var who in TenantPeople)
        {
            if (await users.FindByEmailAsync(who.Email) is null)
            {
                var created = await accounts.CreateWithPasswordAsync(who.Email, who.DisplayName, DemoPassword(seed, who), Membership.OfTenant(who.Role, DemoTenantId), ct);
                _ = created.Person ?? throw new InvalidOperationException(
                    $"The demo {who.Label} could not be created: {string.Join("; ", created.Errors.Select(e => e.Code))}");
            }
        }
    }

    /// <summary>
    /// Files the demo reports at the first demo site through the worker's own intake path, then assesses the tenant's
    /// sites, so the console opens on real cases and an explained risk level.
    /// </summary>
    private async Task FileDemoReportsAsync(CancellationToken ct)
    {
        Guid siteId;
        await using (var scope = scopes.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenantId);
            var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
            await using var tx = await db.Database.BeginTransactionAsync(ct);
            siteId = await db.Set<Site>().OrderBy(x => x.Name).Where(x => x.WorkerHousing).Select(x => x.Id).FirstAsync(ct);
            await tx.CommitAsync(ct);
        }

        foreach (var report in DemoReports)
        {
            await using var scope = scopes.CreateAsyncScope();
            await scope.ServiceProvider.GetRequiredService<WorkerIntake>().FileAsync(DemoTenantId, siteId, report, ct);
        }

        await using (var scope = scopes.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<Risk.Assessment.RiskAssessmentJob>().RunAsync(DemoTenantId, ct);
        }
    }

    private async Task SeedAsync(byte[] seed, CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var services = scope.ServiceProvider;
        var db = services.GetRequiredService<ComplianceDbContext>();
        var issuer = services.GetRequiredService<ApiKeyIssuer>();
        var roster = services.GetRequiredService<TestimonyRoster>();
        var now = clock.GetUtcNow();

        // The transaction is scoped to the tenant and the office, so both sides' rows pass row-level security, as an
        // office admin's request on a linked tenant is; the office is written before anything that references it.
        var office = HandlingOfficesApi.NewOffice(OfficeName, OfficeKinds.IndependentNgo, "MY", "help@ngo.demo.invalid", internalTenant: null, clock);
        office.VerifiedAt = now;
        services.GetRequiredService<TenantContext>().SetForOffice(DemoTenantId, office.Id, personId: null, apiKeyId: null, Roles.OfficeAdmin);
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Add(new Tenant { TenantId = DemoTenantId, Name = "Demo Brand (demo data)", ContactEmail = "compliance@demo.invalid", CreatedAt = now });
        await db.SaveChangesAsync(ct);

        // No EF navigations are mapped, so parents are saved before the rows that reference them.
        var supplier = new Supplier { Id = Guid.CreateVersion7(), Name = "Demo Gloves Sdn Bhd", CountryCode = "MY", RegistrationNumber = "DEMO-0001", CreatedAt = now, UpdatedAt = now };
        db.Add(supplier);
        await db.SaveChangesAsync(ct);
        var siteIds = new List<(Guid Id, Guid SupplierId)>();
        foreach (var (name, housing) in new[] { ("Klang factory", true), ("Ipoh factory", false) })
        {
            siteIds.Add((Guid.CreateVersion7(), supplier.Id));
            db.Add(new Site
            {
                Id = siteIds[^1].Id,
                SupplierId = supplier.Id,
                Name = name,
                CountryCode = "MY",
                Sector = "rubber-gloves",
                WorkerHousing = housing,
                IntakeCode = IntakeCodes.New(),
                CreatedAt = now,
                UpdatedAt = now,
            });
        }

        await db.SaveChangesAsync(ct);

        // What the sites make, so an enforcement dossier (CBP, EU, BAFA) can be made from the demo at once.
        foreach (var (id, supplierId) in siteIds)
        {
            db.Add(new SiteProduct
            {
                Id = Guid.CreateVersion7(),
                SiteId = id,
                SupplierId = supplierId,
                Description = "Nitrile examination gloves, powder-free (demo data)",
                HsCode = "4015190000",
                Brands = "Demo Brand",
                CreatedAt = now,
            });
        }

        await db.SaveChangesAsync(ct);

        // The tenant's own keys: employer-side roles only (Roles.Tenant); testimony readers come from the office below.
        foreach (var role in Roles.Tenant)
        {
            DateTimeOffset? expires = role == Roles.Auditor ? now.AddDays(365) : null;
            await issuer.IssueAsync($"demo {role}", role, role == Roles.Supplier ? supplier.Id : null, expires, ct, DemoSecret(seed, role));
        }

        db.Add(office);
        roster.Append(office.Id, tenantId: null, RosterChanges.OfficeCreated, office.Name, RosterActors.System);
        roster.Append(office.Id, tenantId: null, RosterChanges.OfficeVerified, office.Name, RosterActors.System);
        await db.SaveChangesAsync(ct);
        db.Add(new HandlingLink { Id = Guid.CreateVersion7(), TenantId = DemoTenantId, OfficeId = office.Id, RequestedAt = now, AcceptedAt = now });
        roster.Append(office.Id, DemoTenantId, RosterChanges.LinkRequested, office.Name, RosterActors.System);
        roster.Append(office.Id, DemoTenantId, RosterChanges.LinkAccepted, office.Name, RosterActors.System);
        await db.SaveChangesAsync(ct);

        // The office's people join this transaction (as an office's signup does); their roster rows come from the
        // registered IPersonEvents (account created, two factors on), written by the same code as for real people.
        var accounts = services.GetRequiredService<PersonAccounts>();
        var users = services.GetRequiredService<UserManager<Person>>();
        var events = services.GetRequiredService<IPersonEvents>();
        await accounts.EnlistAsync((NpgsqlConnection)db.Database.GetDbConnection(), (NpgsqlTransaction)transaction.GetDbTransaction(), ct);
        foreach (var who in OfficePeople)
        {
            var created = await accounts.CreateWithPasswordAsync(who.Email, who.DisplayName, DemoPassword(seed, who), Membership.OfOffice(who.Role, office.Id), ct);
            var person = created.Person ?? throw new InvalidOperationException(
                $"The demo {who.Label} could not be created: {string.Join("; ", created.Errors.Select(e => e.Code))}");
            Ensure(await users.ResetAuthenticatorKeyAsync(person), who);
            Ensure(await users.SetTwoFactorEnabledAsync(person, true), who);
            await events.TwoFactorEnabledAsync(person, ct);
        }

        // The demo handler key: minted for (office, tenant) as the office's own endpoint mints one.
        var (handlerKey, _) = await issuer.IssueAsync("demo case-handler", Roles.CaseHandler, supplierId: null, expiresAt: null, ct, DemoSecret(seed, Roles.CaseHandler), office.Id);
        roster.Append(office.Id, DemoTenantId, RosterChanges.KeyCreated, handlerKey.Name, RosterActors.System);
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
    }

    private static void Ensure(IdentityResult result, DemoPerson who)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException($"Enrolling the demo {who.Label}'s authenticator failed: {string.Join("; ", result.Errors.Select(e => e.Code))}");
        }
    }

    private async Task<bool> DemoTenantExistsAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("select exists (select 1 from app.tenant_ids() t where t = @id)");
        cmd.Parameters.AddWithValue("id", DemoTenantId);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The office people's authenticator keys, as stored (null for one a demo seeded before offices existed lacks).</summary>
    private async Task<IReadOnlyList<string?>> AuthenticatorKeysAsync(CancellationToken ct)
    {
        await using var scope = scopes.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<Person>>();
        var keys = new List<string?>();
        foreach (var who in OfficePeople)
        {
            ct.ThrowIfCancellationRequested();
            keys.Add(await users.FindByEmailAsync(who.Email) is { } person ? await users.GetAuthenticatorKeyAsync(person) : null);
        }

        return keys;
    }

    private static byte[] DemoSecret(byte[] seed, string role) => HMACSHA256.HashData(seed, Encoding.UTF8.GetBytes("demo-key:" + role));

    /// <summary>Four groups of five lowercase hex digits: 80 bits from the seed, typable, and within Identity's rules.</summary>
    internal static string DemoPassword(byte[] seed, DemoPerson who)
    {
        var hex = Convert.ToHexStringLower(HMACSHA256.HashData(seed, Encoding.UTF8.GetBytes("demo-password:" + who.Email)));
        return string.Join('-', Enumerable.Range(0, 4).Select(i => hex.Substring(i * 5, 5)));
    }

    /// <summary>Demo credentials go to the console on purpose (never to the log): they are the newcomer's way in.</summary>
    private static void Print(TextWriter console, byte[] seed, IReadOnlyList<string?> authenticatorKeys)
    {
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("=== DEMO TENANT (development only, demo data, not for production) ===");
        text.AppendLine(CultureInfo.InvariantCulture, $"tenant id: {DemoTenantId}");
        foreach (var role in Roles.Tenant)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"DEMO {role,-13} key: {ApiKeySecrets.FromSecret(DemoSecret(seed, role)).Key}");
        }

        if (authenticatorKeys.All(k => k is null))
        {
            text.AppendLine("(this demo tenant predates handling offices: remove the embedded cluster's folder to seed the demo NGO)");
        }
        else
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"--- handling office: {OfficeName}, verified, linked to the demo tenant ---");
            text.AppendLine(CultureInfo.InvariantCulture, $"DEMO {Roles.CaseHandler,-13} key: {ApiKeySecrets.FromSecret(DemoSecret(seed, Roles.CaseHandler)).Key} (minted by the office)");
            for (var i = 0; i < OfficePeople.Count; i++)
            {
                var who = OfficePeople[i];
                text.AppendLine(CultureInfo.InvariantCulture, $"DEMO {who.Label}: email {who.Email}  password {DemoPassword(seed, who)}  authenticator key {authenticatorKeys[i]}");
            }

            text.AppendLine("sign in at /console/sign-in; a code for the second factor: oathtool --totp -b <authenticator key>");
        }

        text.AppendLine("--- the demo tenant's people (console, password only: they never read testimony) ---");
        foreach (var who in TenantPeople)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"DEMO {who.Label}: email {who.Email}  password {DemoPassword(seed, who)}");
        }

        text.AppendLine("=====================================================================");
        console.Write(text.ToString());
        console.Flush();
    }
}

public static class DemoSeederExtensions
{
    /// <summary>Seeds demo data once the host has started, only in Development.</summary>
    public static void SeedDemoData(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment() || !app.Configuration.GetValue("Demo:Enabled", true))
        {
            return;
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var seeder = ActivatorUtilities.CreateInstance<DemoSeeder>(app.Services);
            seeder.SeedAndPrintAsync(app.Lifetime.ApplicationStopping).GetAwaiter().GetResult();
        });
    }
}
