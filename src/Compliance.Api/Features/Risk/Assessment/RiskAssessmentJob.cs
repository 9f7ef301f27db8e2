using System.Globalization;
using System.Text.Json;
using Compliance.Api.Infrastructure.Database;
using Compliance.Domain.Risk;
using Hangfire;
using Npgsql;

namespace Compliance.Api.Features.Risk;

/// <summary>
/// Assesses every site of a tenant with <see cref="RiskModel"/>: gathers evidence set-based, writes one
/// <c>risk_assessments</c> row per site (history is kept), creates the site escalations the levels call for (at most
/// one per site, destination and period) and enqueues their delivery. All writes are one transaction, so a crash
/// leaves nothing half done; a re-run re-enqueues any escalation still pending, which is how a crash between
/// creating and sending heals. The same data gives the same score, level, evidence and discrepancies.
/// </summary>
public sealed class RiskAssessmentJob(
    NpgsqlDataSource dataSource,
    TimeProvider clock,
    DossierRenderer dossiers,
    GrievanceEscalations grievanceEscalations,
    IBackgroundJobClient jobs,
    ILogger<RiskAssessmentJob> logger)
{
    /// <summary>The escalation period of an assessment: its UTC calendar month (<c>yyyy-MM</c>).</summary>
    public static string PeriodOf(DateTimeOffset assessedAt) => assessedAt.UtcDateTime.ToString("yyyy-MM", CultureInfo.InvariantCulture);

    /// <summary>Nightly: one assessment job per tenant, found through the <c>app.tenant_ids()</c> bypass.</summary>
    public async Task EnqueueAllTenantsAsync(CancellationToken ct)
    {
        var tenants = new List<Guid>();
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var cmd = new NpgsqlCommand("select id from app.tenant_ids() as t(id)", connection))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                tenants.Add(reader.GetGuid(0));
            }
        }

        foreach (var tenantId in tenants)
        {
            jobs.Enqueue<RiskAssessmentJob>(j => j.RunAsync(tenantId, CancellationToken.None));
        }
    }

    [AutomaticRetry(Attempts = 3)]
    public async Task RunAsync(Guid tenantId, CancellationToken ct)
    {
        var assessedAt = clock.GetUtcNow();
        var period = PeriodOf(assessedAt);
        List<Guid> pending;

        // Read first, on two read-only connections sharing one snapshot; then write everything in one transaction.
        var (sites, evidence) = await SiteEvidenceGatherer.GatherAsync(dataSource, tenantId, assessedAt, ct);
        await using (var connection = await dataSource.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            await TenantSql.SetAsync(connection, tx, tenantId, null, ct);

            // The evidence documents (several KB per site) are compressed on insert: lz4 does it in about half the
            // time pglz takes and reads back faster; the stored text is the same either way. Only where the
            // server was built with lz4 (it lists it among the setting's values); elsewhere pglz stays.
            await using (var settings = new NpgsqlCommand(
                """
                select set_config('default_toast_compression', 'lz4', true) from pg_settings
                where name = 'default_toast_compression' and 'lz4' = any(enumvals)
                """,
                connection,
                tx))
            {
                await settings.ExecuteNonQueryAsync(ct);
            }

            var assessed = await AssessAndInsertAsync(connection, tx, tenantId, period, assessedAt, sites, evidence, ct);
            var destinations = await ActiveDestinationsAsync(connection, tx, ct);
            await CreateEscalationsAsync(connection, tx, tenantId, period, assessedAt, assessed, destinations, ct);
            await grievanceEscalations.CreateDueAsync(connection, tx, tenantId, period, assessedAt, ct);
            pending = await PendingEscalationsAsync(connection, tx, ct);
            await tx.CommitAsync(ct);
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation("Risk assessment of tenant {TenantId}: {Sites} sites, {Pending} escalations pending", tenantId, sites.Count, pending.Count);
            }
        }

        foreach (var escalationId in pending)
        {
            jobs.Enqueue<EscalationDeliveryJob>(j => j.DeliverAsync(tenantId, escalationId, CancellationToken.None));
        }
    }

    /// <summary>
    /// Assesses the sites in chunks and inserts each chunk while the next one is assessed and serialized, so the
    /// model's CPU time overlaps the database's (JSON checks, compression). Spreading the model over both cores
    /// measured no faster: the inserting backend then competes for the same two cores. Npgsql runs one command at a time
    /// per connection: each insert is awaited before the next starts, all in the job's one transaction.
    /// </summary>
    private static async Task<List<(AssessedSite Site, Guid Id, RiskAssessment Result)>> AssessAndInsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid tenantId, string period, DateTimeOffset at,
        IReadOnlyList<AssessedSite> sites, IReadOnlyDictionary<Guid, SiteEvidence> evidence, CancellationToken ct)
    {
        var assessed = new List<(AssessedSite Site, Guid Id, RiskAssessment Result)>(sites.Count);
        var sources = JsonSerializer.Serialize(SiteEvidenceGatherer.Sources, RiskJson.Default.IReadOnlyListString);
        var inserting = Task.CompletedTask;
        try
        {
            for (var start = 0; start < sites.Count; start += InsertChunk)
            {
                var chunk = new List<(AssessedSite Site, Guid Id, RiskAssessment Result)>(Math.Min(InsertChunk, sites.Count - start));
                for (var i = start; i < Math.Min(start + InsertChunk, sites.Count); i++)
                {
                    chunk.Add((sites[i], Guid.CreateVersion7(), RiskModel.Assess(evidence[sites[i].Id])));
                }

                var evidenceJson = chunk.Select(a => JsonSerializer.Serialize(a.Result.Evidence, RiskJson.Default.IReadOnlyListRiskEvidence)).ToArray();
                var discrepancyJson = chunk.Select(a => JsonSerializer.Serialize(a.Result.Discrepancies, RiskJson.Default.IReadOnlyListDiscrepancy)).ToArray();
                await inserting;
                inserting = InsertAssessmentsAsync(connection, tx, tenantId, period, at, sources, chunk, evidenceJson, discrepancyJson, ct);
                assessed.AddRange(chunk);
            }

            await inserting;
        }
        catch
        {
            // Never leave a command running on the connection the caller is about to roll back and close.
            await inserting.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        return assessed;
    }

    /// <summary>Sites per insert statement: small enough to overlap, large enough that per-statement costs stay small.</summary>
    internal const int InsertChunk = 250;

    private static async Task InsertAssessmentsAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid tenantId, string period, DateTimeOffset at, string sources,
        List<(AssessedSite Site, Guid Id, RiskAssessment Result)> assessed, string[] evidenceJson, string[] discrepancyJson, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            insert into risk_assessments (id, tenant_id, site_id, supplier_id, period, score, level, model_version, points_total, floor, evidence, discrepancies, sources, assessed_at)
            select u.id, @tenant, u.site_id, u.supplier_id, @period, u.score, u.level, @version, u.points, u.floor, u.evidence::json, u.discrepancies::json, @sources::json, @at
            from unnest(@ids, @sites, @suppliers, @scores, @levels, @points, @floors, @evidence, @discrepancies)
                 as u(id, site_id, supplier_id, score, level, points, floor, evidence, discrepancies)
            """,
            connection,
            tx);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("period", period);
        cmd.Parameters.AddWithValue("version", RiskModel.Version);
        cmd.Parameters.AddWithValue("sources", sources);
        cmd.Parameters.AddWithValue("at", at);
        cmd.Parameters.AddWithValue("ids", assessed.Select(a => a.Id).ToArray());
        cmd.Parameters.AddWithValue("sites", assessed.Select(a => a.Site.Id).ToArray());
        cmd.Parameters.AddWithValue("suppliers", assessed.Select(a => a.Site.SupplierId).ToArray());
        cmd.Parameters.AddWithValue("scores", assessed.Select(a => a.Result.Score).ToArray());
        cmd.Parameters.AddWithValue("levels", assessed.Select(a => a.Result.LevelCode).ToArray());
        cmd.Parameters.AddWithValue("points", assessed.Select(a => a.Result.PointsTotal).ToArray());
        cmd.Parameters.AddWithValue("floors", assessed.Select(a => RiskLevels.Code(a.Result.Floor)).ToArray());
        cmd.Parameters.AddWithValue("evidence", evidenceJson);
        cmd.Parameters.AddWithValue("discrepancies", discrepancyJson);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private sealed record Destination(Guid Id, string Kind, string Jurisdiction, RiskLevel MinimumLevel);

    private static async Task<List<Destination>> ActiveDestinationsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select id, kind, jurisdiction, minimum_level from escalation_destinations where active order by id", connection, tx);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var destinations = new List<Destination>();
        while (await reader.ReadAsync(ct))
        {
            var minimum = reader.GetString(3) == "critical" ? RiskLevel.Critical : RiskLevel.High;
            destinations.Add(new(reader.GetGuid(0), reader.GetString(1), reader.GetString(2).Trim(), minimum));
        }

        return destinations;
    }

    /// <summary>
    /// One escalation per site whose level reaches a destination's minimum; the partial unique index on
    /// (site, destination, period) turns a repeat into a no-op, so re-runs and retries never create a second.
    /// </summary>
    private async Task CreateEscalationsAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid tenantId, string period, DateTimeOffset at,
        List<(AssessedSite Site, Guid Id, RiskAssessment Result)> assessed, List<Destination> destinations, CancellationToken ct)
    {
        var rows = (
            from a in assessed
            from d in destinations
            where a.Result.Level >= d.MinimumLevel
            let id = Guid.CreateVersion7()
            select (Id: id, a.Site, AssessmentId: a.Id, a.Result, DestinationId: d.Id,
                Body: dossiers.RenderSite(DossierRenderer.ForSite(id, a.Site, a.Result, period, at, d.Kind, d.Jurisdiction)))).ToList();
        if (rows.Count == 0)
        {
            return;
        }

        await using var cmd = new NpgsqlCommand(
            """
            insert into escalations (id, tenant_id, subject_kind, site_id, supplier_id, destination_id, assessment_id, period, level, model_version, body, status, created_at)
            select u.id, @tenant, 'site', u.site_id, u.supplier_id, u.destination_id, u.assessment_id, @period, u.level, @version, u.body, 'pending', @at
            from unnest(@ids, @sites, @suppliers, @destinations, @assessments, @levels, @bodies)
                 as u(id, site_id, supplier_id, destination_id, assessment_id, level, body)
            on conflict (tenant_id, site_id, destination_id, period) where subject_kind = 'site' do nothing
            """,
            connection,
            tx);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("period", period);
        cmd.Parameters.AddWithValue("version", RiskModel.Version);
        cmd.Parameters.AddWithValue("at", at);
        cmd.Parameters.AddWithValue("ids", rows.Select(r => r.Id).ToArray());
        cmd.Parameters.AddWithValue("sites", rows.Select(r => r.Site.Id).ToArray());
        cmd.Parameters.AddWithValue("suppliers", rows.Select(r => r.Site.SupplierId).ToArray());
        cmd.Parameters.AddWithValue("destinations", rows.Select(r => r.DestinationId).ToArray());
        cmd.Parameters.AddWithValue("assessments", rows.Select(r => r.AssessmentId).ToArray());
        cmd.Parameters.AddWithValue("levels", rows.Select(r => r.Result.LevelCode).ToArray());
        cmd.Parameters.AddWithValue("bodies", rows.Select(r => r.Body).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private static async Task<List<Guid>> PendingEscalationsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select id from escalations where status = 'pending' order by created_at, id", connection, tx);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var ids = new List<Guid>();
        while (await reader.ReadAsync(ct))
        {
            ids.Add(reader.GetGuid(0));
        }

        return ids;
    }
}
