using System.Collections.Concurrent;
using Compliance.Api.Infrastructure.Database;
using Compliance.Domain.Risk;
using Npgsql;

namespace Compliance.Api.Features.Risk.Assessment;

/// <summary>A site as the assessment job sees it.</summary>
public sealed record AssessedSite(Guid Id, Guid SupplierId, string Name, string CountryCode, string Sector, string SupplierName);

/// <summary>
/// Fills one <see cref="SiteEvidence"/> per site of a tenant with ONE set-based statement per evidence source over all
/// the tenant's sites (never a query per site or per worker). All of them read ONE snapshot: two read-only
/// REPEATABLE READ transactions on two connections, the second importing the first's exported snapshot
/// (<c>pg_export_snapshot</c>, as <c>pg_dump --jobs</c> does), each scoped to the tenant so RLS bounds every query.
/// </summary>
/// <remarks>
/// <para>Sources: recruitment (<c>app.worker_flags(@asOf)</c> aggregated per site; its two passport-access flags counted
/// by their own statement from the workers who have requests), grievances (per indicator over the last 90 days, open
/// critical ones) and audits (open findings, overdue corrective actions).</para>
/// <para>Why two connections: the recruitment statement reads every worker of the tenant and is most of the job's
/// reading. PostgreSQL would run it in parallel itself, but under RLS it estimates the workers at about 1% of their
/// rows (see <see cref="RecruitmentPlannerSettings"/>) and never chooses to. So the statement runs as two halves of
/// the sites' key range, one per connection, next to the grievance and audit statements: the work a parallel
/// scan would share, on the same snapshot a single statement would have read.</para>
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

    /// <summary>
    /// The tenant's sites and the evidence for each as of <paramref name="asOf"/> (the run's time), read in one
    /// snapshot. The read transactions are closed before this returns; the caller writes in its own transaction.
    /// </summary>
    public static async Task<(IReadOnlyList<AssessedSite> Sites, IReadOnlyDictionary<Guid, SiteEvidence> Evidence)> GatherAsync(
        NpgsqlDataSource dataSource, Guid tenantId, DateTimeOffset asOf, CancellationToken ct)
    {
        await using var first = await SnapshotReader.OpenAsync(dataSource, tenantId, null, ct);
        var opening = SnapshotReader.OpenAsync(dataSource, tenantId, first.Snapshot, ct);
        IReadOnlyList<AssessedSite> sites;
        try
        {
            sites = await SitesAsync(first.Connection, first.Transaction, ct);
        }
        catch
        {
            // Never leave the second connection open behind a failure; the first failure is the one reported.
            try
            {
                await (await opening).DisposeAsync();
            }
            catch (Exception)
            {
            }

            throw;
        }

        await using var second = await opening;

        // Split the sites' key range at the middle site (ordered by id, as PostgreSQL orders uuids): the first
        // connection counts the workers of sites before it, the second from it on. With fewer than two sites the
        // first counts them all. The grievance and audit statements go to whichever connection is free first, so an
        // uneven split (sites differ in size) does not leave one connection idle.
        Guid? middle = sites.Count >= 2 ? sites[sites.Count / 2].Id : null;
        var today = DateOnly.FromDateTime(asOf.UtcDateTime);
        GrievanceCounts? grievances = null;
        AuditCounts? audits = null;
        Dictionary<Guid, (int Overdue, int Refused)>? access = null;
        var rest = new ConcurrentQueue<Func<SnapshotReader, Task>>(
        [
            async r => grievances = await GrievancesAsync(r, asOf, ct),
            async r => access = await PassportAccessAsync(r, asOf, ct),
            async r => audits = await AuditsAsync(r, today, ct),
        ]);
        var onFirst = ReadAsync(first, rest, r => RecruitmentAsync(r, asOf, null, middle, ct));
        var onSecond = ReadAsync(second, rest, r => middle is null ? Task.FromResult(new Dictionary<Guid, SiteEvidence>()) : RecruitmentAsync(r, asOf, middle, null, ct));

        // WhenAll waits for both even when one fails: no command is still running when the connections are disposed.
        await Task.WhenAll(onFirst, onSecond);
        var recruitment = await onFirst;
        foreach (var (siteId, counts) in await onSecond)
        {
            recruitment[siteId] = counts;
        }

        var evidence = new Dictionary<Guid, SiteEvidence>(sites.Count);
        foreach (var site in sites)
        {
            var (overdue, refused) = access!.GetValueOrDefault(site.Id);
            evidence[site.Id] = (recruitment.GetValueOrDefault(site.Id) ?? new SiteEvidence()) with
            {
                PassportAccessOverdue = overdue,
                PassportReturnRefused = refused,
                GrievancesLast90Days = grievances!.Recent.GetValueOrDefault(site.Id) ?? Empty<int>(),
                OpenCriticalGrievances = grievances.Critical.GetValueOrDefault(site.Id) ?? Empty<int>(),
                OpenAuditFindings = audits!.Findings.GetValueOrDefault(site.Id) ?? Empty<AuditFindings>(),
                RecentAuditsWithZeroFindings = audits.CleanAudits.GetValueOrDefault(site.Id),
            };
        }

        return (sites, evidence);
    }

    private static Dictionary<string, T> Empty<T>() => new(StringComparer.Ordinal);

    /// <summary>
    /// On its own thread-pool task, so the connections' reads overlap: <paramref name="read"/>, then statements from
    /// <paramref name="rest"/> until none is left.
    /// </summary>
    private static Task<T> ReadAsync<T>(SnapshotReader reader, ConcurrentQueue<Func<SnapshotReader, Task>> rest, Func<SnapshotReader, Task<T>> read) =>
        Task.Run(async () =>
        {
            var result = await read(reader);
            while (rest.TryDequeue(out var next))
            {
                await next(reader);
            }

            return result;
        });

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
    /// planner estimates every RLS-filtered table at about 1% of its rows (the supplier policy's
    /// <c>app.current_supplier() is null</c> gets a default selectivity): it would then probe the access requests once
    /// per worker and sort all workers by site to group them. This statement reads every worker of the tenant once,
    /// where hash joins and one hash aggregate over the sites are cheaper. Restored right after: the grievance
    /// statement that follows on the same transaction needs nested loops.
    /// </summary>
    public const string RecruitmentPlannerSettings = "set local enable_nestloop = off; set local enable_sort = off";

    /// <summary>
    /// The recruitment source statement (public for the rescore benchmark's plan diagnostics): the workers of the sites
    /// from <c>@from</c> (inclusive) to <c>@to</c> (exclusive) in PostgreSQL's uuid order, a null bound being open.
    /// The bounds reach the workers scan as a filter; the statement is planned with their values.
    /// </summary>
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
               count(*) filter (where under_age_at_hire)::int,
               count(*) filter (where under_age_now)::int,
               count(*) filter (where work_permit_expired)::int,
               count(*) filter (where a and agency_unlicensed_or_blacklisted)::int,
               count(*) filter (where a and sub_agent_used)::int,
               count(*) filter (where a and signed_zero_fee_declaration)::int,
               count(*) filter (where a and passport_safekeeping_with_consent)::int
        from (select f.*, f.status = 'active' as a from app.worker_flags(@asOf) f
              where (@from::uuid is null or f.site_id >= @from::uuid) and (@to::uuid is null or f.site_id < @to::uuid)) flags
        group by site_id
        """;

    /// <summary>
    /// Recruitment source: <c>app.worker_flags(@asOf)</c> (the flags the API shows, defined once in SQL) counted per
    /// site over the active workforce, for the sites in [<paramref name="from"/>, <paramref name="to"/>). It reads one
    /// row per worker: the facts kept on the worker at write time (migration 013), with only the time-dependent flags
    /// computed here. Under-age-at-hire also counts workers who have left: a child hired is evidence whether or not
    /// they are still there. Declarations and consent are counted as facts and never clear a flag. Each site's
    /// <see cref="SiteEvidence"/> carries only these counts; the caller adds the other sources.
    /// </summary>
    private static async Task<Dictionary<Guid, SiteEvidence>> RecruitmentAsync(SnapshotReader r, DateTimeOffset asOf, Guid? from, Guid? to, CancellationToken ct)
    {
        var counts = new Dictionary<Guid, SiteEvidence>();
        await r.ExecuteAsync(RecruitmentPlannerSettings, ct);
        await using (var cmd = new NpgsqlCommand(RecruitmentSql, r.Connection, r.Transaction))
        {
            cmd.Parameters.AddWithValue("asOf", asOf);
            cmd.Parameters.Add(new NpgsqlParameter("from", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = from is Guid f ? f : DBNull.Value });
            cmd.Parameters.Add(new NpgsqlParameter("to", NpgsqlTypes.NpgsqlDbType.Uuid) { Value = to is Guid t ? t : DBNull.Value });
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                counts[reader.GetGuid(0)] = new SiteEvidence
                {
                    ActiveWorkers = reader.GetInt32(1),
                    PaidRecruitmentFees = reader.GetInt32(2),
                    FeesFinancedByLoan = reader.GetInt32(3),
                    OutstandingRemediation = reader.GetInt32(4),
                    DeclarationContradicted = reader.GetInt32(5),
                    ContractSubstituted = reader.GetInt32(6),
                    ContractLanguageMismatch = reader.GetInt32(7),
                    PassportHeldByOther = reader.GetInt32(8),
                    UnderAgeAtHire = reader.GetInt32(9),
                    UnderAgeNow = reader.GetInt32(10),
                    WorkPermitExpired = reader.GetInt32(11),
                    AgencyUnlicensedOrBlacklisted = reader.GetInt32(12),
                    SubAgentUsed = reader.GetInt32(13),
                    SignedZeroFeeDeclarations = reader.GetInt32(14),
                    PassportSafekeepingWithConsent = reader.GetInt32(15),
                };
            }
        }

        await r.ExecuteAsync("set local enable_nestloop to default; set local enable_sort to default", ct);
        return counts;
    }

    /// <summary>
    /// Passport-access source, one statement: per site, the active workers with an access request answered late or
    /// not at all (<c>passport_access_overdue</c>) and with a refused return (<c>passport_return_refused</c>), from
    /// <c>app.worker_passport_access(@asOf)</c>, the same per-worker flags <c>app.worker_flags</c> shows. Counted
    /// from the workers who have requests rather than inside the recruitment statement, which would otherwise probe
    /// the requests once for every worker of the tenant (migration 015).
    /// </summary>
    private static async Task<Dictionary<Guid, (int Overdue, int Refused)>> PassportAccessAsync(SnapshotReader r, DateTimeOffset asOf, CancellationToken ct)
    {
        const string sql = """
            select w.site_id,
                   count(*) filter (where w.status = 'active' and a.overdue)::int,
                   count(*) filter (where w.status = 'active' and a.refused)::int
            from app.worker_passport_access(@asOf) a
            join workers w on w.tenant_id = a.tenant_id and w.id = a.worker_id
            group by w.site_id
            """;
        await using var cmd = new NpgsqlCommand(sql, r.Connection, r.Transaction);
        cmd.Parameters.AddWithValue("asOf", asOf);
        var counts = new Dictionary<Guid, (int Overdue, int Refused)>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            counts[reader.GetGuid(0)] = (reader.GetInt32(1), reader.GetInt32(2));
        }

        return counts;
    }

    private sealed record GrievanceCounts(Dictionary<Guid, Dictionary<string, int>> Recent, Dictionary<Guid, Dictionary<string, int>> Critical);

    /// <summary>
    /// Grievance source, one statement: grievances received in the last 90 days per site and indicator (one
    /// grievance counts once for each of its indicators), and critical grievances not yet resolved or closed per
    /// indicator, whenever received. Status, silence and consent never remove a grievance from the counts. Only
    /// grievances received before the start of the run's day (UTC: tenants have no time zone setting) count, so an
    /// on-demand re-score dates a filing to a day, never to the minute (issue 16, hole 4). Grievances held for review
    /// (an intake code over its daily ceiling, hole 7) count only once a case handler confirms them.
    /// </summary>
    private static async Task<GrievanceCounts> GrievancesAsync(SnapshotReader r, DateTimeOffset asOf, CancellationToken ct)
    {
        const string sql = """
            select g.site_id, i.indicator,
                   count(*) filter (where g.received_at >= @since)::int,
                   count(*) filter (where g.critical and g.status not in ('resolved', 'closed'))::int
            from grievances g cross join lateral unnest(g.indicators) as i(indicator)
            where g.received_at < @dayStart and not g.held_for_review
              and (g.received_at >= @since or (g.critical and g.status not in ('resolved', 'closed')))
            group by g.site_id, i.indicator
            """;
        await using var cmd = new NpgsqlCommand(sql, r.Connection, r.Transaction);
        var dayStart = StartOfDay(asOf);
        cmd.Parameters.AddWithValue("dayStart", dayStart);
        cmd.Parameters.AddWithValue("since", dayStart.AddDays(-GrievanceWindowDays));
        var counts = new GrievanceCounts([], []);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var siteId = reader.GetGuid(0);
            Put(counts.Recent, siteId, reader.GetString(1), reader.GetInt32(2));
            Put(counts.Critical, siteId, reader.GetString(1), reader.GetInt32(3));
        }

        return counts;
    }

    /// <summary>The start of <paramref name="at"/>'s day in UTC (the tenant's day: tenants have no time zone of their own yet).</summary>
    public static DateTimeOffset StartOfDay(DateTimeOffset at) => new(at.UtcDateTime.Date, TimeSpan.Zero);

    private static void Put(Dictionary<Guid, Dictionary<string, int>> target, Guid siteId, string indicator, int count)
    {
        if (!target.TryGetValue(siteId, out var byIndicator))
        {
            target[siteId] = byIndicator = Empty<int>();
        }

        if (count > 0)
        {
            byIndicator[indicator] = count;
        }
    }

    private sealed record AuditCounts(Dictionary<Guid, Dictionary<string, AuditFindings>> Findings, Dictionary<Guid, int> CleanAudits);

    /// <summary>
    /// Audit source, one statement: open findings per site and indicator with their highest severity and overdue
    /// corrective actions, plus per site the recent audits that found nothing at all. A finding is open until it
    /// has corrective actions and all are verified; an action is overdue when still open after its due date.
    /// Severity: low and medium count as minor (1), high as major (2), critical as critical (3).
    /// </summary>
    private static async Task<AuditCounts> AuditsAsync(SnapshotReader r, DateOnly today, CancellationToken ct)
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
        await using var cmd = new NpgsqlCommand(sql, r.Connection, r.Transaction);
        cmd.Parameters.AddWithValue("today", today);
        cmd.Parameters.AddWithValue("since", today.AddDays(-RecentAuditDays));
        var counts = new AuditCounts([], []);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var siteId = reader.GetGuid(0);
            if (reader.IsDBNull(1))
            {
                counts.CleanAudits[siteId] = reader.GetInt32(5);
                continue;
            }

            if (!counts.Findings.TryGetValue(siteId, out var byIndicator))
            {
                counts.Findings[siteId] = byIndicator = Empty<AuditFindings>();
            }

            byIndicator[reader.GetString(1)] = new AuditFindings(reader.GetInt32(2), (FindingSeverity)reader.GetInt32(3), reader.GetInt32(4));
        }

        return counts;
    }

    /// <summary>
    /// One read-only REPEATABLE READ transaction scoped to the tenant, on its own pooled connection, that either
    /// exports its snapshot (the first) or imports one (the others), so every reader sees the same committed data.
    /// </summary>
    internal sealed class SnapshotReader : IAsyncDisposable
    {
        private SnapshotReader(NpgsqlConnection connection, NpgsqlTransaction transaction, string snapshot)
        {
            Connection = connection;
            Transaction = transaction;
            Snapshot = snapshot;
        }

        public NpgsqlConnection Connection { get; }

        public NpgsqlTransaction Transaction { get; }

        /// <summary>The snapshot's id, for <c>SET TRANSACTION SNAPSHOT</c> in another session.</summary>
        public string Snapshot { get; }

        public static async Task<SnapshotReader> OpenAsync(NpgsqlDataSource dataSource, Guid tenantId, string? snapshot, CancellationToken ct)
        {
            var connection = await dataSource.OpenConnectionAsync(ct);
            try
            {
                var transaction = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);

                // SET TRANSACTION SNAPSHOT must come before the transaction's first query; the tenant scope follows.
                var sql = snapshot is null
                    ? "set transaction read only; select pg_export_snapshot()"
                    : $"set transaction read only; set transaction snapshot '{SnapshotId(snapshot)}'";
                await using (var cmd = new NpgsqlCommand(sql, connection, transaction))
                {
                    var exported = await cmd.ExecuteScalarAsync(ct);
                    snapshot ??= (string)exported!;
                }

                await TenantSql.SetAsync(connection, transaction, tenantId, null, ct);
                await using (var memory = new NpgsqlCommand("set local work_mem = '64MB'", connection, transaction))
                {
                    await memory.ExecuteNonQueryAsync(ct);
                }

                return new SnapshotReader(connection, transaction, snapshot);
            }
            catch
            {
                await connection.DisposeAsync();
                throw;
            }
        }

        public async Task ExecuteAsync(string sql, CancellationToken ct)
        {
            await using var cmd = new NpgsqlCommand(sql, Connection, Transaction);
            await cmd.ExecuteNonQueryAsync(ct);
        }

        public async ValueTask DisposeAsync()
        {
            await Transaction.DisposeAsync(); // rolls back: nothing was written
            await Connection.DisposeAsync();
        }

        /// <summary>
        /// A snapshot id as PostgreSQL formats it (hex groups and dashes, e.g. <c>00000003-0000001B-1</c>). SET
        /// TRANSACTION SNAPSHOT takes no parameter, so the id is checked before it is written into the statement.
        /// </summary>
        private static string SnapshotId(string id) =>
            id.Length is > 0 and <= 64 && id.All(c => char.IsAsciiHexDigit(c) || c == '-')
                ? id
                : throw new InvalidOperationException("Unexpected snapshot id.");
    }
}
