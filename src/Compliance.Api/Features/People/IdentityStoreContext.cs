using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Identity.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore;
using Npgsql;

namespace Compliance.Api.Features.People;

/// <summary>
/// ASP.NET Core Identity's store over <c>people</c>, <c>person_claims</c>, <c>person_logins</c>,
/// <c>person_tokens</c> and <c>person_passkeys</c> (Identity's schema version 3, set in <see cref="PeopleModule"/>). It connects through <see cref="IdentityStoreDataSource"/>, whose connections carry
/// <c>app.identity_store = on</c>, the one setting under which row-level security shows every person (sign-in knows
/// an email before it knows a tenant). The SQL migration is the schema; there are no EF migrations. Mapped here, not
/// with <see cref="IEntityTypeConfiguration{TEntity}"/> classes, so <c>ComplianceDbContext</c> never picks it up.
/// </summary>
public sealed class IdentityStoreContext(DbContextOptions<IdentityStoreContext> options) : IdentityUserContext<Person, Guid>(options)
{
    protected override void OnModelCreating(ModelBuilder builder)
    {
        base.OnModelCreating(builder);
        builder.Entity<Person>().ToTable("people");
        builder.Entity<IdentityUserClaim<Guid>>().ToTable("person_claims");
        builder.Entity<IdentityUserLogin<Guid>>().ToTable("person_logins");
        builder.Entity<IdentityUserToken<Guid>>().ToTable("person_tokens");

        // Version 3's passkey entity: the credential id is the key, IdentityPasskeyData one owned JSON column (jsonb).
        builder.Entity<IdentityUserPasskey<Guid>>(b =>
        {
            b.ToTable("person_passkeys");
            b.OwnsOne(p => p.Data, d => d.ToJson("data"));
        });
    }
}

/// <summary>
/// The identity store's own pool (a named bypass, docs/architecture.md): the runtime role, with
/// <c>-c app.identity_store=on</c> in the connection's startup options. No other pool carries the setting.
/// </summary>
public sealed class IdentityStoreDataSource(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public NpgsqlDataSource DataSource { get; } = dataSource;

    public static IdentityStoreDataSource Build(string runtimeConnectionString)
    {
        var builder = new NpgsqlConnectionStringBuilder(runtimeConnectionString) { ApplicationName = "compliance-identity-store" };
        builder.Options = $"{builder.Options} -c app.identity_store=on".Trim();
        return new IdentityStoreDataSource(new NpgsqlDataSourceBuilder(builder.ConnectionString).Build());
    }

    public ValueTask DisposeAsync() => DataSource.DisposeAsync();
}
