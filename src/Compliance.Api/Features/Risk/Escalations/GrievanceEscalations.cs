using System.Globalization;
using System.Text.Json;
using Compliance.Api.Features.Risk.Assessment;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Templates;
using Compliance.Domain.Reference;
using Compliance.Domain.Risk;
using Npgsql;

namespace Compliance.Api.Features.Risk.Escalations;

/// <summary>A count of grievances per indicator, as a dossier shows it.</summary>
public sealed record IndicatorCount(string Indicator, int Count);

/// <summary>Testimony as a dossier carries it: dates at day precision.</summary>
public sealed record DossierTestimony(string Language, string Narrative, IReadOnlyList<DossierMessage> Messages);

public sealed record DossierMessage(string Author, string SentOn, string Text);

/// <summary>What the grievance dossier templates receive. No worker identifier, no case reference, no receipt.</summary>
public sealed record GrievanceDossierModel(
    Guid EscalationId,
    string Reason,
    string DestinationKind,
    string Jurisdiction,
    Guid SiteId,
    string SiteName,
    string SiteCountry,
    string Sector,
    string SupplierName,
    IReadOnlyList<string> Indicators,
    bool Critical,
    string Status,
    string ReceivedOn,
    string AcknowledgeBy,
    string? AcknowledgedOn,
    int WorkerMessages,
    int HandlerMessages,
    IReadOnlyList<IndicatorCount> SiteGrievanceCounts,
    string ModelVersion,
    IReadOnlyList<Withheld> Withheld,
    DossierTestimony? Testimony);

/// <summary>
/// Grievance-level escalations (issue 5 item 6): every critical grievance past its acknowledgement clock, and every
/// case carrying CH01, goes to each active <c>child-protection</c> or <c>ngo</c> destination whose jurisdiction is the
/// site's country, once per grievance and destination. The stored body never holds testimony; at each delivery attempt the dossier is rendered again and
/// testimony is added only through <see cref="TestimonyReader.ReadForDestinationAsync"/>, so consent is checked at
/// the moment of sending (a worker who withdraws consent before delivery is respected).
/// </summary>
public sealed class GrievanceEscalations(TemplateStore templates, TestimonyReader testimony, ComplianceDbContext db)
{
    public static readonly IReadOnlyList<string> DestinationKindsReferred = [DestinationKinds.ChildProtection, DestinationKinds.Ngo];

    // What every grievance dossier holds back of what the case has. (The product holds no name, address or status of a
    // worker at all, so the list does not claim to withhold them: it names only what this dossier left out.)
    private static readonly Withheld CaseKeys = new("The case reference and the receipt", "Never included: either would let the receiver reach the worker's case or tie the dossier to it (DNH-1, DNH-9).");
    private static readonly Withheld Timestamps = new("Exact times", "Dates are given at day precision so the timing of a report cannot single out a worker.");

    private const string Select = """
        select g.id, d.id, d.kind, d.jurisdiction, g.site_id, g.supplier_id, s.name, s.country_code, s.sector, p.name,
               g.indicators, g.critical, g.status, g.received_at, g.acknowledge_by, g.acknowledged_at,
               (select count(*) from grievance_messages m where m.tenant_id = g.tenant_id and m.grievance_id = g.id and m.author = 'worker')::int,
               (select count(*) from grievance_messages m where m.tenant_id = g.tenant_id and m.grievance_id = g.id and m.author = 'handler')::int,
               (select coalesce(jsonb_object_agg(x.indicator, x.n), '{}'::jsonb)::text from (
                  select i.indicator, count(*) as n from grievances o cross join lateral unnest(o.indicators) as i(indicator)
                  where o.tenant_id = g.tenant_id and o.site_id = g.site_id and o.received_at > @since and o.received_at <= @now
                  group by i.indicator) x)
        from grievances g
        join sites s on s.tenant_id = g.tenant_id and s.id = g.site_id
        join suppliers p on p.tenant_id = g.tenant_id and p.id = g.supplier_id
        join escalation_destinations d on d.tenant_id = g.tenant_id
        """;

    private sealed record Candidate(Guid GrievanceId, Guid DestinationId, Guid SiteId, Guid SupplierId, GrievanceDossierModel Model);

    /// <summary>
    /// Creates the grievance escalations due as of <paramref name="now"/> in the caller's tenant transaction: one
    /// set-based query finds them, the body (without testimony) is rendered per row, and the partial unique index
    /// on (grievance, destination) turns a repeat into a no-op.
    /// </summary>
    public async Task CreateDueAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid tenantId, string period, DateTimeOffset now, CancellationToken ct)
    {
        var due = await QueryAsync(
            connection,
            tx,
            Select + """

             where d.active and d.kind = any(@kinds) and d.jurisdiction = s.country_code and g.received_at <= @now
               and ((g.critical and coalesce(g.acknowledged_at, @now) > g.acknowledge_by) or @child = any(g.indicators))
               and not exists (select 1 from escalations e where e.tenant_id = g.tenant_id and e.subject_kind = 'grievance'
                               and e.grievance_id = g.id and e.destination_id = d.id)
             order by g.received_at, g.id, d.id
            """,
            now,
            cmd =>
            {
                cmd.Parameters.AddWithValue("kinds", DestinationKindsReferred.ToArray());
                cmd.Parameters.AddWithValue("child", Indicators.ChildUnder18);
            },
            ct);
        if (due.Count == 0)
        {
            return;
        }

        await using var cmd = new NpgsqlCommand(
            """
            insert into escalations (id, tenant_id, subject_kind, site_id, supplier_id, grievance_id, destination_id, period, level, model_version, body, status, created_at)
            select u.id, @tenant, 'grievance', u.site_id, u.supplier_id, u.grievance_id, u.destination_id, @period, 'critical', @version, u.body, 'pending', @at
            from unnest(@ids, @sites, @suppliers, @grievances, @destinations, @bodies) as u(id, site_id, supplier_id, grievance_id, destination_id, body)
            on conflict (tenant_id, grievance_id, destination_id) where subject_kind = 'grievance' do nothing
            """,
            connection,
            tx);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("period", period);
        cmd.Parameters.AddWithValue("version", RiskModel.Version);
        cmd.Parameters.AddWithValue("at", now);
        cmd.Parameters.AddWithValue("ids", due.Select(c => c.Model.EscalationId).ToArray());
        cmd.Parameters.AddWithValue("sites", due.Select(c => c.SiteId).ToArray());
        cmd.Parameters.AddWithValue("suppliers", due.Select(c => c.SupplierId).ToArray());
        cmd.Parameters.AddWithValue("grievances", due.Select(c => c.GrievanceId).ToArray());
        cmd.Parameters.AddWithValue("destinations", due.Select(c => c.DestinationId).ToArray());
        cmd.Parameters.AddWithValue("bodies", due.Select(c => Render(c.Model)).ToArray());
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>
    /// The body to send for one grievance escalation now: rendered afresh, with testimony only when the worker
    /// consents to the destination's kind at this moment. Never stored.
    /// </summary>
    public async Task<string?> RenderForDeliveryAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, Guid tenantId, Guid escalationId, Guid grievanceId, Guid destinationId, DateTimeOffset now, CancellationToken ct)
    {
        var found = await QueryAsync(
            connection,
            tx,
            Select + "\n where g.id = @grievance and d.id = @destination",
            now,
            cmd =>
            {
                cmd.Parameters.AddWithValue("grievance", grievanceId);
                cmd.Parameters.AddWithValue("destination", destinationId);
            },
            ct,
            escalationId);
        if (found.Count == 0)
        {
            return null;
        }

        var model = found[0].Model;
        Testimony? read;
        await using (var etx = await db.BeginTenantTransactionAsync(tenantId, ct))
        {
            read = await testimony.ReadForDestinationAsync(grievanceId, model.DestinationKind, ct);
            await etx.CommitAsync(ct);
        }

        if (read is null)
        {
            return Render(model);
        }

        var shared = new DossierTestimony(
            read.Language,
            read.Narrative,
            [.. read.Messages.Select(m => new DossierMessage(m.Author, Day(m.SentAt), m.Text))]);
        return Render(model with { Testimony = shared, Withheld = [.. model.Withheld.Where(w => !w.What.StartsWith("Worker testimony", StringComparison.Ordinal))] });
    }

    public string Render(GrievanceDossierModel model)
    {
        var markdown = templates.Render("escalation/grievance-dossier.md.sbn", model);
        return templates.Render("escalation/grievance-dossier.json.sbn", new { Dossier = model, Markdown = markdown });
    }

    private static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static async Task<List<Candidate>> QueryAsync(
        NpgsqlConnection connection, NpgsqlTransaction tx, string sql, DateTimeOffset now, Action<NpgsqlCommand> parameters, CancellationToken ct, Guid? escalationId = null)
    {
        await using var cmd = new NpgsqlCommand(sql, connection, tx);
        cmd.Parameters.AddWithValue("now", now);
        cmd.Parameters.AddWithValue("since", now.AddDays(-SiteEvidenceGatherer.GrievanceWindowDays));
        parameters(cmd);
        var rows = new List<Candidate>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var kind = reader.GetString(2);
            var indicators = reader.GetFieldValue<string[]>(10);
            var critical = reader.GetBoolean(11);
            var acknowledgeBy = reader.GetFieldValue<DateTimeOffset>(14);
            var acknowledgedAt = reader.IsDBNull(15) ? (DateTimeOffset?)null : reader.GetFieldValue<DateTimeOffset>(15);
            var counts = JsonSerializer.Deserialize<Dictionary<string, int>>(reader.GetString(18)) ?? [];
            var reason = indicators.Contains(Compliance.Domain.Reference.Indicators.ChildUnder18)
                ? "CH01: the case may concern a child under 18; every such case is referred (DNH-8)."
                : "A critical grievance was not acknowledged within its clock.";
            var model = new GrievanceDossierModel(
                escalationId ?? Guid.NewGuid(),
                reason,
                kind,
                reader.GetString(3).Trim(),
                reader.GetGuid(4),
                reader.GetString(6),
                reader.GetString(7).Trim(),
                reader.GetString(8),
                reader.GetString(9),
                [.. indicators.Order(StringComparer.Ordinal)],
                critical,
                reader.GetString(12),
                Day(reader.GetFieldValue<DateTimeOffset>(13)),
                Day(acknowledgeBy),
                acknowledgedAt is { } at ? Day(at) : null,
                reader.GetInt32(16),
                reader.GetInt32(17),
                [.. counts.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => new IndicatorCount(c.Key, c.Value))],
                RiskModel.Version,
                [
                    new("Worker testimony (narrative and messages)", $"Shared only when the worker consents to {kind} destinations, checked at the moment of sending; without that consent the dossier carries indicator codes, counts and dates only (DNH-5)."),
                    CaseKeys,
                    Timestamps,
                ],
                null);
            rows.Add(new Candidate(reader.GetGuid(0), reader.GetGuid(1), reader.GetGuid(4), reader.GetGuid(5), model));
        }

        return rows;
    }
}
