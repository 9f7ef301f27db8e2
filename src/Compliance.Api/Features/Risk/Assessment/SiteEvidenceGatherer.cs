using Compliance.Domain.Risk;
using Npgsql;

namespace Compliance.Api.Features.Risk;

/// <summary>A site as the assessment job sees it.</summary>
public sealed record AssessedSite(Guid Id, Guid SupplierId, string Name, string CountryCode, string Sector, string SupplierName);

/// <summary>
/// Fills one <see cref="SiteEvidence"/> per site of a tenant with ONE set-based query per evidence source over all
/// the tenant's sites (never a query per site or per worker). Runs on a connection whose transaction is already
/// scoped to the tenant (<c>TenantSql.SetAsync</c>), so RLS bounds every query.
/// </summary>
/// <remarks>
/// Sources gathered today: <see cref="AuditSource"/>. Two more are one method each once their tables exist:
/// recruitment (aggregate <c>app.worker_flags(@asOf)</c> per site into the employer-side counts and
/// <c>ActiveWorkers</c>) and grievances (grievances by indicator over the last 90 days, open critical ones).
/// Until then those inputs are zero and <see cref="Sources"/> says so on every assessment.
/// </remarks>
public static class SiteEvidenceGatherer
{
    public const string AuditSource = "audit";

    /// <summary>The sources this build gathers; stamped on every assessment and dossier.</summary>
    public static readonly IReadOnlyList<string> Sources = [AuditSource];

    /// <summary>How far back an audit with zero findings still counts as "recent" (discrepancy signal only).</summary>
    public const int RecentAuditDays = 365;

    public static async Task<IReadOnlyList<AssessedSite>> SitesAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CancellationToken ct)
    {
        const string sql = """
            select s.id, s.supplier_id, s.name, s.country_code, s.sector, p.name
            from sites s join suppliers p on p.tenant_id = s.tenant_id and p.id = s.supplier_id
            order by s.id
            """;
        await using var cmd = new NpgsqlCommand(sql, connection, transaction);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var sites = new List<AssessedSite>();
        while (await reader.ReadAsync(ct))
        {
            sites.Add(new(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3).Trim(), reader.GetString(4), reader.GetString(5)));
        }

        return sites;
    }

    /// <summary>Evidence for every site in <paramref name="sites"/> as of <paramref name="today"/> (UTC day of the run).</summary>
    public static async Task<IReadOnlyDictionary<Guid, SiteEvidence>> GatherAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AssessedSite> sites, DateOnly today, CancellationToken ct)
    {
        var evidence = sites.ToDictionary(s => s.Id, _ => new SiteEvidence());
        await AddAuditEvidenceAsync(connection, transaction, evidence, today, ct);
        return evidence;
    }

    /// <summary>
    /// Audit source, one statement: open findings per site and indicator with their highest severity and overdue
    /// corrective actions, plus per site the recent audits that found nothing at all. A finding is open until it
    /// has corrective actions and all are verified; an action is overdue when still open after its due date.
    /// Severity: low and medium count as minor (1), high as major (2), critical as critical (3).
    /// </summary>
    private static async Task AddAuditEvidenceAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Dictionary<Guid, SiteEvidence> evidence, DateOnly today, CancellationToken ct)
    {
        const string sql = """
            with actions as (
              select finding_id,
                     count(*) as total,
                     count(*) filter (where status = 'verified') as verified,
                     count(*) filter (where status = 'open' and due_on < @today) as overdue
              from corrective_actions
              group by finding_id
            ), findings as (
              select f.site_id, f.indicator,
                     case f.severity when 'critical' then 3 when 'high' then 2 else 1 end as severity,
                     coalesce(a.total, 0) = 0 or a.verified < a.total as is_open,
                     coalesce(a.overdue, 0) as overdue
              from audit_findings f left join actions a on a.finding_id = f.id
            )
            select site_id, indicator,
                   count(*) filter (where is_open)::int as open,
                   coalesce(max(severity) filter (where is_open), 0)::int as highest,
                   sum(overdue)::int as overdue,
                   0 as clean_audits
            from findings
            group by site_id, indicator
            union all
            select a.site_id, null, 0, 0, 0, count(*)::int
            from audits a
            where a.ended_on >= @since
              and not exists (select 1 from audit_findings f where f.tenant_id = a.tenant_id and f.audit_id = a.id)
            group by a.site_id
            """;
        await using var cmd = new NpgsqlCommand(sql, connection, transaction);
        cmd.Parameters.AddWithValue("today", today);
        cmd.Parameters.AddWithValue("since", today.AddDays(-RecentAuditDays));
        var findings = new Dictionary<Guid, Dictionary<string, AuditFindings>>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var siteId = reader.GetGuid(0);
                if (!evidence.TryGetValue(siteId, out var site))
                {
                    continue;
                }

                if (reader.IsDBNull(1))
                {
                    evidence[siteId] = site with { RecentAuditsWithZeroFindings = reader.GetInt32(5) };
                    continue;
                }

                if (!findings.TryGetValue(siteId, out var byIndicator))
                {
                    findings[siteId] = byIndicator = new Dictionary<string, AuditFindings>(StringComparer.Ordinal);
                }

                byIndicator[reader.GetString(1)] = new AuditFindings(reader.GetInt32(2), (FindingSeverity)reader.GetInt32(3), reader.GetInt32(4));
            }
        }

        foreach (var (siteId, byIndicator) in findings)
        {
            evidence[siteId] = evidence[siteId] with { OpenAuditFindings = byIndicator };
        }
    }
}
