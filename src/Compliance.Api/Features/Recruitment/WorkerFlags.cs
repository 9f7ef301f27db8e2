using System.Globalization;
using System.Text;
using Compliance.Api.Infrastructure.Database;
using Compliance.Domain.Reference;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Compliance.Api.Features.Recruitment;

/// <summary>A worker flag: its API name, its column in <c>app.worker_flags</c>, and the indicator it evidences.</summary>
public sealed record FlagDefinition(string Name, string Column, string Indicator);

/// <summary>A raised or clear flag as the API shows it.</summary>
public sealed record FlagView(bool Raised, string Indicator);

/// <summary>One row of <c>app.worker_flags(as_of)</c>.</summary>
public sealed record WorkerFlagRow(Guid WorkerId, IReadOnlyDictionary<string, bool> Flags, bool SignedZeroFeeDeclaration, bool PassportSafekeepingWithConsent)
{
    public IReadOnlyDictionary<string, FlagView> View() =>
        WorkerFlags.All.ToDictionary(f => f.Name, f => new FlagView(Flags[f.Name], f.Indicator));
}

/// <summary>
/// The API's worker flags. Each is defined once, in SQL (<c>app.worker_flags</c>, migration 002), which the risk
/// job also aggregates; this class only names them and reads the function.
/// </summary>
public static class WorkerFlags
{
    public static readonly IReadOnlyList<FlagDefinition> All =
    [
        new("paidRecruitmentFees", "paid_recruitment_fees", Indicators.DebtBondage),
        new("feesFinancedByLoan", "fees_financed_by_loan", Indicators.DebtBondage),
        new("outstandingRemediation", "outstanding_remediation", Indicators.DebtBondage),
        new("declarationContradicted", "declaration_contradicted", Indicators.Deception),
        new("contractSubstituted", "contract_substituted", Indicators.Deception),
        new("contractLanguageMismatch", "contract_language_mismatch", Indicators.Deception),
        new("passportHeldByOther", "passport_held_by_other", Indicators.RetentionOfIdentityDocuments),
        new("passportAccessOverdue", "passport_access_overdue", Indicators.RetentionOfIdentityDocuments),
        new("passportReturnRefused", "passport_return_refused", Indicators.RetentionOfIdentityDocuments),
        new("underAgeAtHire", "under_age_at_hire", Indicators.ChildUnder18),
        new("underAgeNow", "under_age_now", Indicators.ChildUnder18),
        new("workPermitExpired", "work_permit_expired", Indicators.AbuseOfVulnerability),
        new("agencyUnlicensedOrBlacklisted", "agency_unlicensed_or_blacklisted", Indicators.Deception),
        new("subAgentUsed", "sub_agent_used", Indicators.Deception),
    ];

    public static IEnumerable<string> Names => All.Select(f => f.Name);

    /// <summary>Flags of the given workers as of <paramref name="asOf"/>, in the request's transaction (tenant and supplier set).</summary>
    public static async Task<Dictionary<Guid, WorkerFlagRow>> ForWorkersAsync(ComplianceDbContext db, IReadOnlyCollection<Guid> workerIds, DateTimeOffset asOf, CancellationToken ct)
    {
        // One lateral lookup per id: "worker_id = any(@ids)" is not pushed into the function's grouped subqueries,
        // so it computed the flags of every worker of the tenant. "offset 0" keeps the subquery from being pulled
        // up, so "worker_id = i.id" reaches every index as in a single-worker read.
        await using var cmd = await TenantSql.CommandAsync(
            db,
            "select f.* from unnest(@ids) as i(id) cross join lateral (select * from app.worker_flags(@asOf) x where x.worker_id = i.id offset 0) f",
            ct);
        cmd.Parameters.AddWithValue("asOf", asOf);
        cmd.Parameters.AddWithValue("ids", workerIds.ToArray());
        var rows = new Dictionary<Guid, WorkerFlagRow>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var row = Read(reader);
            rows[row.WorkerId] = row;
        }

        return rows;
    }

    /// <summary>One page of worker ids matching the filter, ordered by employee reference, with the total count.</summary>
    public static async Task<(List<Guid> Ids, int Total)> PageAsync(ComplianceDbContext db, WorkerFilter filter, int page, int size, DateTimeOffset asOf, CancellationToken ct)
    {
        // app.worker_flags has exactly one row per worker, so it is joined only when a flag filters the page: the
        // flags of every worker of the tenant are computed only for a flag filter (seconds at 200,000 workers).
        var flagged = filter.Flag is { Length: > 0 };
        var sql = new StringBuilder(flagged
            ? "select w.id, count(*) over () from app.worker_flags(@asOf) f join workers w on w.tenant_id = f.tenant_id and w.id = f.worker_id where true"
            : "select w.id, count(*) over () from workers w where true");
        await using var cmd = await TenantSql.CommandAsync(db, string.Empty, ct);
        if (flagged)
        {
            cmd.Parameters.AddWithValue("asOf", asOf);
        }
        void Equal(string column, object? value, string name)
        {
            if (value is not null)
            {
                sql.Append(CultureInfo.InvariantCulture, $" and {column} = @{name}");
                cmd.Parameters.AddWithValue(name, value);
            }
        }

        Equal("w.site_id", filter.SiteId, "site");
        Equal("w.supplier_id", filter.SupplierId, "supplier");
        Equal("w.nationality", filter.Nationality, "nationality");
        Equal("w.status", filter.Status, "status");
        foreach (var name in filter.Flag ?? [])
        {
            // Column names come from the fixed catalog, never from the request.
            sql.Append(CultureInfo.InvariantCulture, $" and f.{All.Single(f => f.Name == name).Column}");
        }

        sql.Append(" order by w.employee_ref, w.id limit @limit offset @offset");
        cmd.Parameters.AddWithValue("limit", size);
        cmd.Parameters.AddWithValue("offset", (page - 1) * size);
        cmd.CommandText = sql.ToString();
        var ids = new List<Guid>();
        var total = 0;
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetGuid(0));
            total = (int)reader.GetInt64(1);
        }

        if (ids.Count == 0 && page > 1)
        {
            await reader.CloseAsync();
            cmd.CommandText = sql.ToString().Replace("limit @limit offset @offset", "limit 1", StringComparison.Ordinal);
            await using var again = await cmd.ExecuteReaderAsync(ct);
            total = await again.ReadAsync(ct) ? (int)again.GetInt64(1) : 0;
        }

        return (ids, total);
    }

    private static WorkerFlagRow Read(NpgsqlDataReader reader) => new(
        reader.GetGuid(reader.GetOrdinal("worker_id")),
        All.ToDictionary(f => f.Name, f => reader.GetBoolean(reader.GetOrdinal(f.Column))),
        reader.GetBoolean(reader.GetOrdinal("signed_zero_fee_declaration")),
        reader.GetBoolean(reader.GetOrdinal("passport_safekeeping_with_consent")));
}
