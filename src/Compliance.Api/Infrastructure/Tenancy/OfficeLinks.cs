using Compliance.Api.Infrastructure.Database;
using Npgsql;

namespace Compliance.Api.Infrastructure.Tenancy;

/// <summary>
/// Which tenants an office may work on now: its accepted, unended links (migration 020). Each call runs on its own
/// short connection, so it can be asked before the request's transaction (and its scope) exists.
/// </summary>
public sealed class OfficeLinks(NpgsqlDataSource dataSource)
{
    /// <summary>True while <paramref name="officeId"/>'s link to <paramref name="tenantId"/> is accepted and not ended (bypass 6, <c>app.office_link_live</c>).</summary>
    public async Task<bool> IsLiveAsync(Guid officeId, Guid tenantId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("select app.office_link_live(@o, @t)");
        cmd.Parameters.AddWithValue("o", officeId);
        cmd.Parameters.AddWithValue("t", tenantId);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    /// <summary>The tenants of the office's live links, read under the office's own scope (row-level security applies).</summary>
    public async Task<IReadOnlyList<Guid>> LiveTenantsAsync(Guid officeId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await TenantSql.SetOfficeAsync(connection, tx, officeId, ct);
        await using var cmd = new NpgsqlCommand(
            "select tenant_id from handling_links where office_id = @o and accepted_at is not null and ended_at is null order by accepted_at, tenant_id",
            connection,
            tx);
        cmd.Parameters.AddWithValue("o", officeId);
        var tenants = new List<Guid>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                tenants.Add(reader.GetGuid(0));
            }
        }

        await tx.CommitAsync(ct);
        return tenants;
    }

    /// <summary>
    /// The tenant an office's request works on: the one it names (when its link is live), else the only live link's
    /// tenant, else none (office-only scope). <see cref="TenantChoice.Refused"/> when it names one it may not work on.
    /// </summary>
    public async Task<TenantChoice> ChooseAsync(Guid officeId, string? named, CancellationToken ct)
    {
        if (!string.IsNullOrWhiteSpace(named))
        {
            return Guid.TryParse(named, out var tenant) && await IsLiveAsync(officeId, tenant, ct)
                ? new TenantChoice(tenant, Refused: false)
                : new TenantChoice(null, Refused: true);
        }

        var live = await LiveTenantsAsync(officeId, ct);
        return new TenantChoice(live.Count == 1 ? live[0] : null, Refused: false);
    }
}

/// <param name="TenantId">The tenant to work on, or null for the office's own scope.</param>
/// <param name="Refused">The request named a tenant the office has no live link with: answer 404.</param>
public sealed record TenantChoice(Guid? TenantId, bool Refused);
