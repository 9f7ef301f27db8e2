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
/// Sources: recruitment (<c>app.worker_flags(@asOf)</c> aggregated per site), grievances (per indicator over the
/// last 90 days, open critical ones) and audits (open findings, overdue corrective actions).
/// </remarks>
public static class SiteEvidenceGatherer
{
    public const string RecruitmentSource = "recruitment";
    public const string GrievanceSource = "grievance";
    public const string AuditSource = "audit";

    /// <summary>The sources this build gathers; stamped on every assessment and dossier.</summary>
    public static readonly IReadOnlyList<string> Sources = [RecruitmentSource, GrievanceSource, AuditSource];

    /// <summary>Window of the grievance counts.</summary>
    public const int GrievanceWindowDays = 90;

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

    /// <summary>
    /// Planner settings for the recruitment statement only (public for the rescore benchmark's plan diagnostics). The
    /// planner estimates every RLS-filtered table at about 0.5% of its rows (the supplier policy's
    /// <c>app.current_supplier() is null</c> gets a default selectivity): it would then probe the access requests once
    /// per worker and sort all workers by site to group them. This statement reads every worker of the tenant once,
    /// where hash joins and one hash aggregate over the sites are cheaper. Restored right after: the job's small
    /// statements (grievance escalations) need nested loops.
    /// </summary>
    public const string RecruitmentPlannerSettings = "set local enable_nestloop = off; set local enable_sort = off";

    /// <summary>The recruitment source statement (public for the rescore benchmark's plan diagnostics).</summary>
    public const string RecruitmentSql = """
        select site_id,
               count(*) filter (where a)::int,
               count(*) filter (where a and paid_recruitment_fees)::int,
               count(*) filter (where a and fees_financed_by_loan)::int,
               count(*) filter (where a and outstanding_remediation)::int,
               count(*) filter (where a and declaration_contradicted)::int,
               count(*) filter (where a and contract_substituted)::int,
               count(*) filter (where a and contract_language_mismatch)::int,
               count(*) filter (where a and passport_held_by_other)::int,
               count(*) filter (where a and passport_access_overdue)::int,
               count(*) filter (where a and passport_return_refused)::int,
               count(*) filter (where under_age_at_hire)::int,
               count(*) filter (where under_age_now)::int,
               count(*) filter (where work_permit_expired)::int,
               count(*) filter (where a and agency_unlicensed_or_blacklisted)::int,
               count(*) filter (where a and sub_agent_used)::int,
               count(*) filter (where a and signed_zero_fee_declaration)::int,
               count(*) filter (where a and passport_safekeeping_with_consent)::int
        from (select f.*, f.status = 'active' as a from app.worker_flags(@asOf) f) flags
        group by site_id
        """;

    /// <summary>Evidence for every site in <paramref name="sites"/> as of <paramref name="asOf"/> (the run's time).</summary>
    public static async Task<IReadOnlyDictionary<Guid, SiteEvidence>> GatherAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, IReadOnlyList<AssessedSite> sites, DateTimeOffset asOf, CancellationToken ct)
    {
        var evidence = sites.ToDictionary(s => s.Id, _ => new SiteEvidence());
        await AddRecruitmentEvidenceAsync(connection, transaction, evidence, asOf, ct);
        await AddGrievanceEvidenceAsync(connection, transaction, evidence, asOf, ct);
        await AddAuditEvidenceAsync(connection, transaction, evidence, DateOnly.FromDateTime(asOf.UtcDateTime), ct);
        return evidence;
    }

    /// <summary>
    /// Recruitment source, one statement: <c>app.worker_flags(@asOf)</c> (the flags the API shows, defined once in
    /// SQL) counted per site over the active workforce. It reads one row per worker: the facts kept on the worker at
    /// write time (migration 013), with only the time-dependent flags computed here. Under-age-at-hire also counts workers who have left: a
    /// child hired is evidence whether or not they are still there. Declarations and consent are counted as facts
    /// and never clear a flag.
    /// </summary>
    private static async Task AddRecruitmentEvidenceAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Dictionary<Guid, SiteEvidence> evidence, DateTimeOffset asOf, CancellationToken ct)
    {
        await ExecuteAsync(connection, transaction, RecruitmentPlannerSettings, ct);
        await using (var cmd = new NpgsqlCommand(RecruitmentSql, connection, transaction))
        {
            cmd.Parameters.AddWithValue("asOf", asOf);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                if (!evidence.TryGetValue(reader.GetGuid(0), out var site))
                {
                    continue;
                }

                evidence[reader.GetGuid(0)] = site with
                {
                    ActiveWorkers = reader.GetInt32(1),
                    PaidRecruitmentFees = reader.GetInt32(2),
                    FeesFinancedByLoan = reader.GetInt32(3),
                    OutstandingRemediation = reader.GetInt32(4),
                    DeclarationContradicted = reader.GetInt32(5),
                    ContractSubstituted = reader.GetInt32(6),
                    ContractLanguageMismatch = reader.GetInt32(7),
                    PassportHeldByOther = reader.GetInt32(8),
                    PassportAccessOverdue = reader.GetInt32(9),
                    PassportReturnRefused = reader.GetInt32(10),
                    UnderAgeAtHire = reader.GetInt32(11),
                    UnderAgeNow = reader.GetInt32(12),
                    WorkPermitExpired = reader.GetInt32(13),
                    AgencyUnlicensedOrBlacklisted = reader.GetInt32(14),
                    SubAgentUsed = reader.GetInt32(15),
                    SignedZeroFeeDeclarations = reader.GetInt32(16),
                    PassportSafekeepingWithConsent = reader.GetInt32(17),
                };
            }
        }

        await ExecuteAsync(connection, transaction, "set local enable_nestloop to default; set local enable_sort to default", ct);
    }

    /// <summary>
    /// Grievance source, one statement: grievances received in the last 90 days per site and indicator (one
    /// grievance counts once for each of its indicators), and critical grievances not yet resolved or closed per
    /// indicator, whenever received. Status, silence and consent never remove a grievance from the counts.
    /// </summary>
    private static async Task AddGrievanceEvidenceAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Dictionary<Guid, SiteEvidence> evidence, DateTimeOffset asOf, CancellationToken ct)
    {
        const string sql = """
            select g.site_id, i.indicator,
                   count(*) filter (where g.received_at > @since and g.received_at <= @asOf)::int,
                   count(*) filter (where g.critical and g.status not in ('resolved', 'closed') and g.received_at <= @asOf)::int
            from grievances g cross join lateral unnest(g.indicators) as i(indicator)
            where g.received_at > @since or (g.critical and g.status not in ('resolved', 'closed'))
            group by g.site_id, i.indicator
            """;
        await using var cmd = new NpgsqlCommand(sql, connection, transaction);
        cmd.Parameters.AddWithValue("asOf", asOf);
        cmd.Parameters.AddWithValue("since", asOf.AddDays(-GrievanceWindowDays));
        var recent = new Dictionary<Guid, Dictionary<string, int>>();
        var critical = new Dictionary<Guid, Dictionary<string, int>>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var siteId = reader.GetGuid(0);
                if (!evidence.ContainsKey(siteId))
                {
                    continue;
                }

                Put(recent, siteId, reader.GetString(1), reader.GetInt32(2));
                Put(critical, siteId, reader.GetString(1), reader.GetInt32(3));
            }
        }

        foreach (var siteId in recent.Keys)
        {
            evidence[siteId] = evidence[siteId] with { GrievancesLast90Days = recent[siteId], OpenCriticalGrievances = critical[siteId] };
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, transaction);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static void Put(Dictionary<Guid, Dictionary<string, int>> target, Guid siteId, string indicator, int count)
    {
        if (!target.TryGetValue(siteId, out var byIndicator))
        {
            target[siteId] = byIndicator = new Dictionary<string, int>(StringComparer.Ordinal);
        }

        if (count > 0)
        {
            byIndicator[indicator] = count;
        }
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
