using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Compliance.Api.Features.Foundation;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Npgsql;

namespace Compliance.Api.Features.Demo;

/// <summary>
/// Development only: on a database with no tenants, seeds a demo tenant (one supplier, two sites) and prints one
/// demo key per role. Keys derive from a seed kept beside the embedded cluster, so the same keys print after a
/// restart; with a configured server the keys print once, at seeding.
/// </summary>
public sealed class DemoSeeder(IServiceScopeFactory scopes, DatabaseConnections connections, NpgsqlDataSource dataSource, TimeProvider clock)
{
    public static readonly Guid DemoTenantId = new("00000000-0000-7000-8000-00000000de30");

    public async Task SeedAndPrintAsync(CancellationToken ct)
    {
        var seed = connections.Embedded is { } embedded
            ? Encoding.UTF8.GetBytes(await DatabaseBootstrap.ReadOrCreateSecretAsync(Path.Combine(Path.GetDirectoryName(embedded.DataDirectory)!, "demo-keys.seed"), ct))
            : RandomNumberGenerator.GetBytes(32);

        await using (var cmd = dataSource.CreateCommand("select count(*) from app.tenant_ids()"))
        {
            var tenants = (long)(await cmd.ExecuteScalarAsync(ct))!;
            if (tenants > 0)
            {
                if (connections.Embedded is not null && await DemoTenantExistsAsync(ct))
                {
                    Print(seed, DemoTenantId);
                }

                return;
            }
        }

        await using var scope = scopes.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<ComplianceDbContext>();
        var issuer = scope.ServiceProvider.GetRequiredService<ApiKeyIssuer>();
        var now = clock.GetUtcNow();
        await using var transaction = await db.BeginTenantTransactionAsync(DemoTenantId, ct);
        db.Add(new Tenant { TenantId = DemoTenantId, Name = "Demo Brand (demo data)", ContactEmail = "compliance@demo.invalid", CreatedAt = now });
        await db.SaveChangesAsync(ct);

        // No EF navigations are mapped, so parents are saved before the rows that reference them.
        var supplier = new Supplier { Id = Guid.CreateVersion7(), Name = "Demo Gloves Sdn Bhd", CountryCode = "MY", RegistrationNumber = "DEMO-0001", CreatedAt = now, UpdatedAt = now };
        db.Add(supplier);
        await db.SaveChangesAsync(ct);
        foreach (var (name, housing) in new[] { ("Klang factory", true), ("Ipoh factory", false) })
        {
            db.Add(new Site
            {
                Id = Guid.CreateVersion7(),
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
        foreach (var role in Roles.All)
        {
            DateTimeOffset? expires = role == Roles.Auditor ? now.AddDays(365) : null;
            await issuer.IssueAsync($"demo {role}", role, role == Roles.Supplier ? supplier.Id : null, expires, ct, DemoSecret(seed, role));
        }

        await transaction.CommitAsync(ct);
        Print(seed, DemoTenantId);
    }

    private async Task<bool> DemoTenantExistsAsync(CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("select exists (select 1 from app.tenant_ids() t where t = @id)");
        cmd.Parameters.AddWithValue("id", DemoTenantId);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private static byte[] DemoSecret(byte[] seed, string role) => HMACSHA256.HashData(seed, Encoding.UTF8.GetBytes("demo-key:" + role));

    /// <summary>Demo keys go to the console on purpose (never to the log): they are the newcomer's way in.</summary>
    private static void Print(byte[] seed, Guid tenantId)
    {
        var text = new StringBuilder();
        text.AppendLine();
        text.AppendLine("=== DEMO TENANT (development only, demo data, not for production) ===");
        text.AppendLine(CultureInfo.InvariantCulture, $"tenant id: {tenantId}");
        foreach (var role in Roles.All)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"DEMO {role,-13} key: {ApiKeySecrets.FromSecret(DemoSecret(seed, role)).Key}");
        }

        text.AppendLine("=====================================================================");
        Console.Out.Write(text.ToString());
        Console.Out.Flush();
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
