using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Compliance.Api.Features.Risk.Escalations;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Jobs;
using Compliance.Domain.Risk;
using Hangfire;
using Npgsql;
using NpgsqlTypes;

namespace Compliance.Api.Features.Risk.Assessment;

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
        foreach (var tenantId in await PerTenantJob.TenantIdsAsync(dataSource, ct))
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
        int assessed;

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

            var destinations = await ActiveDestinationsAsync(connection, tx, ct);
            var writer = new AssessmentWriter(this, connection, tx, tenantId, period, assessedAt, destinations, await MinimumCellSizeAsync(connection, tx, ct));

            // The writes are planned once, with their parameters left as parameters. A custom plan (PostgreSQL's
            // default for a statement's first executions) folds every bound value into the plan as a constant and
            // copies it, twice: for the 12 MB of evidence of 2,000 sites that planning was over a quarter of the
            // server's time in a full rescore (measured with perf). Nothing in these statements depends on the values.
            await ExecuteAsync(connection, tx, "set local plan_cache_mode = force_generic_plan", ct);
            assessed = await writer.WriteAsync(sites, evidence, ct);
            await ExecuteAsync(connection, tx, "set local plan_cache_mode to default", ct);
            await grievanceEscalations.CreateDueAsync(connection, tx, tenantId, period, assessedAt, ct);
            pending = await PendingEscalationsAsync(connection, tx, ct);
            await tx.CommitAsync(ct);
        }

        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Risk assessment of tenant {TenantId}: {Sites} sites, {Pending} escalations pending", tenantId, assessed, pending.Count);
        }

        foreach (var escalationId in pending)
        {
            jobs.Enqueue<EscalationDeliveryJob>(j => j.DeliverAsync(tenantId, escalationId, CancellationToken.None));
        }
    }

    /// <summary>Sites per insert statement: small enough to overlap, large enough that per-statement costs stay small.</summary>
    internal const int InsertChunk = 250;

    /// <summary>
    /// Assesses the sites in chunks and writes each chunk (its assessments, then the escalations their levels call
    /// for) while the next chunk is assessed and serialized, so the model's CPU time overlaps the database's. Npgsql
    /// runs one command at a time per connection: each chunk's writes are awaited before the next chunk's start, all
    /// in the job's one transaction. The evidence is serialized straight to UTF-8 into two buffers used in turn (the
    /// one being written and the one being filled) and sent from them as <c>json</c>; a chunk's assessments are not
    /// kept once written.
    /// </summary>
    private sealed class AssessmentWriter(
        RiskAssessmentJob job, NpgsqlConnection connection, NpgsqlTransaction tx, Guid tenantId, string period, DateTimeOffset at,
        List<Destination> destinations, int minimumCellSize)
    {
        private readonly ArrayBufferWriter<byte>[] _buffers = [new(), new()];
        private readonly string _sources = JsonSerializer.Serialize(SiteEvidenceGatherer.Sources, RiskJson.Default.IReadOnlyListString);

        public async Task<int> WriteAsync(IReadOnlyList<AssessedSite> sites, IReadOnlyDictionary<Guid, SiteEvidence> evidence, CancellationToken ct)
        {
            var chunks = 0;
            var writing = Task.CompletedTask;
            try
            {
                for (var start = 0; start < sites.Count; start += InsertChunk)
                {
                    var buffer = _buffers[chunks++ % _buffers.Length];
                    buffer.ResetWrittenCount();
                    var chunk = Assess(sites, evidence, start, Math.Min(start + InsertChunk, sites.Count), minimumCellSize, buffer);
                    await writing;
                    writing = WriteChunkAsync(chunk, ct);
                }

                await writing;
            }
            catch
            {
                // Never leave a command running on the connection the caller is about to roll back and close.
                await writing.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
                throw;
            }

            return sites.Count;
        }

        private static List<Assessed> Assess(
            IReadOnlyList<AssessedSite> sites, IReadOnlyDictionary<Guid, SiteEvidence> evidence, int start, int end, int minimumCellSize, ArrayBufferWriter<byte> buffer)
        {
            var chunk = new List<Assessed>(end - start);
            using var json = new Utf8JsonWriter(buffer);
            var offsets = new List<int[]>(end - start);
            for (var i = start; i < end; i++)
            {
                var siteEvidence = evidence[sites[i].Id];
                var result = RiskModel.Assess(siteEvidence);

                // Stored beside the true counts: the only form any reader outside case handling ever gets (hole 2).
                var disclosed = RiskDisclosure.Disclose(result, siteEvidence, minimumCellSize);
                var marks = new int[5];
                marks[0] = buffer.WrittenCount;
                JsonSerializer.Serialize(json, result.Evidence, RiskJson.Default.IReadOnlyListRiskEvidence);
                marks[1] = Flush(json, buffer);
                JsonSerializer.Serialize(json, result.Discrepancies, RiskJson.Default.IReadOnlyListDiscrepancy);
                marks[2] = Flush(json, buffer);
                JsonSerializer.Serialize(json, disclosed.Evidence, RiskJson.Default.IReadOnlyListDisclosedEvidence);
                marks[3] = Flush(json, buffer);
                JsonSerializer.Serialize(json, disclosed.Discrepancies, RiskJson.Default.IReadOnlyListDiscrepancy);
                marks[4] = Flush(json, buffer);
                offsets.Add(marks);
                chunk.Add(new Assessed(sites[i], Guid.CreateVersion7(), result, disclosed, default, default, default, default));
            }

            // Slices of the buffer's final memory (it may have grown while it was being filled).
            var written = buffer.WrittenMemory;
            for (var k = 0; k < chunk.Count; k++)
            {
                var m = offsets[k];
                chunk[k] = chunk[k] with
                {
                    Evidence = written[m[0]..m[1]],
                    Discrepancies = written[m[1]..m[2]],
                    DisclosedEvidence = written[m[2]..m[3]],
                    DisclosedDiscrepancies = written[m[3]..m[4]],
                };
            }

            return chunk;
        }

        private static int Flush(Utf8JsonWriter json, ArrayBufferWriter<byte> buffer)
        {
            json.Flush();
            json.Reset();
            return buffer.WrittenCount;
        }

        private async Task WriteChunkAsync(List<Assessed> chunk, CancellationToken ct)
        {
            await InsertAssessmentsAsync(chunk, ct);
            await job.CreateEscalationsAsync(connection, tx, tenantId, period, at, chunk, destinations, ct);
        }

        /// <summary>
        /// One multi-row VALUES insert with a parameter per value: the evidence goes out as the UTF-8 it was
        /// serialized to and reaches PostgreSQL as <c>json</c> without a text array to build and unnest.
        /// </summary>
        private async Task InsertAssessmentsAsync(List<Assessed> chunk, CancellationToken ct)
        {
            var full = chunk.Count == InsertChunk;
            await using var cmd = new NpgsqlCommand(full ? FullChunkInsert : InsertSql(chunk.Count), connection, tx);
            cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = period });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = RiskModel.Version });
            cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = _sources, NpgsqlDbType = NpgsqlDbType.Json });
            cmd.Parameters.Add(new NpgsqlParameter<DateTimeOffset> { TypedValue = at });
            foreach (var a in chunk)
            {
                cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = a.Id });
                cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = a.Site.Id });
                cmd.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = a.Site.SupplierId });
                cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = a.Result.Score });
                cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = a.Result.LevelCode });
                cmd.Parameters.Add(new NpgsqlParameter<int> { TypedValue = a.Result.PointsTotal });
                cmd.Parameters.Add(new NpgsqlParameter<string> { TypedValue = RiskLevels.Code(a.Result.Floor) });
                cmd.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = a.Evidence, NpgsqlDbType = NpgsqlDbType.Json });
                cmd.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = a.Discrepancies, NpgsqlDbType = NpgsqlDbType.Json });
                cmd.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = a.DisclosedEvidence, NpgsqlDbType = NpgsqlDbType.Json });
                cmd.Parameters.Add(new NpgsqlParameter<ReadOnlyMemory<byte>> { TypedValue = a.DisclosedDiscrepancies, NpgsqlDbType = NpgsqlDbType.Json });
            }

            if (full)
            {
                // Parsed once per physical connection; later chunks and runs reuse it. The short last chunk (any size)
                // is not prepared, so a connection never collects one prepared statement per site count.
                await cmd.PrepareAsync(ct);
            }

            await cmd.ExecuteNonQueryAsync(ct);
        }
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>One site's assessment as written: its id, the model's result, its disclosed form and the stored JSON (UTF-8, in a writer's buffer).</summary>
    private sealed record Assessed(
        AssessedSite Site, Guid Id, RiskAssessment Result, DisclosedAssessment Disclosed, ReadOnlyMemory<byte> Evidence, ReadOnlyMemory<byte> Discrepancies,
        ReadOnlyMemory<byte> DisclosedEvidence, ReadOnlyMemory<byte> DisclosedDiscrepancies);

    private const int SharedValues = 5;
    private const int ValuesPerRow = 11;

    private static readonly string FullChunkInsert = InsertSql(InsertChunk);

    /// <summary>
    /// The insert for <paramref name="n"/> assessments: $1 tenant, $2 period, $3 model version, $4 sources, $5 time,
    /// then per row id, site, supplier, score, level, points, floor, evidence, discrepancies, disclosed evidence and discrepancies.
    /// </summary>
    private static string InsertSql(int n)
    {
        var sql = new StringBuilder(
            "insert into risk_assessments (id, tenant_id, site_id, supplier_id, period, score, level, model_version, points_total, floor, evidence, discrepancies, disclosed_evidence, disclosed_discrepancies, sources, assessed_at) values ");
        for (var r = 0; r < n; r++)
        {
            var p = SharedValues + (r * ValuesPerRow);
            sql.Append(r == 0 ? "" : ", ").Append(CultureInfo.InvariantCulture,
                $"(${p + 1}, $1, ${p + 2}, ${p + 3}, $2, ${p + 4}, ${p + 5}, $3, ${p + 6}, ${p + 7}, ${p + 8}, ${p + 9}, ${p + 10}, ${p + 11}, $4, $5)");
        }

        return sql.ToString();
    }

    private sealed record Destination(Guid Id, string Kind, string Jurisdiction, RiskLevel MinimumLevel);

    /// <summary>The tenant's k (<c>worker_voice_settings.minimum_cell_size</c>, 5 unless raised), in the job's transaction.</summary>
    private static async Task<int> MinimumCellSizeAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select coalesce((select minimum_cell_size from worker_voice_settings), @k)", connection, tx);
        cmd.Parameters.AddWithValue("k", RiskDisclosure.DefaultMinimumCellSize);
        return (int)(await cmd.ExecuteScalarAsync(ct))!;
    }

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
    /// One escalation per site whose level reaches a destination's minimum, to destinations of the site's own country
    /// only (a destination's jurisdiction is the one country whose sites it hears about); the partial unique index on
    /// (site, destination, period) turns a repeat into a no-op, so re-runs and retries never create a second.
    /// </summary>
    private async Task CreateEscalationsAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid tenantId, string period, DateTimeOffset at,
        List<Assessed> assessed, List<Destination> destinations, CancellationToken ct)
    {
        if (destinations.Count == 0)
        {
            return;
        }

        var rows = (
            from a in assessed
            from d in destinations
            where a.Result.Level >= d.MinimumLevel && a.Site.CountryCode == d.Jurisdiction
            let id = Guid.CreateVersion7()
            select (Id: id, a.Site, AssessmentId: a.Id, a.Result, DestinationId: d.Id,
                Body: dossiers.RenderSite(DossierRenderer.ForSite(id, a.Site, a.Result, a.Disclosed, period, at, d.Kind, d.Jurisdiction)))).ToList();
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
