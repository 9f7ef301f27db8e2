using System.Diagnostics;
using System.Security.Cryptography;
using Compliance.Api.Features.Risk.Assessment;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using NpgsqlTypes;

namespace Compliance.Benchmarks;

/// <summary>Rows written per table by <see cref="DatasetGenerator"/>.</summary>
public sealed record DatasetCounts(IReadOnlyList<Guid> TenantIds, IReadOnlyDictionary<string, long> Rows, TimeSpan Elapsed)
{
    public static readonly string[] Tables =
    [
        "tenants", "suppliers", "sites", "agencies", "workers", "fees", "reimbursements", "declarations", "contracts",
        "passport_custody", "passport_access_requests", "grievances", "audits", "audit_findings", "corrective_actions",
    ];

    public long Total => Rows.Values.Sum();
}

/// <summary>
/// Fills a migrated database with a realistic forced-labour compliance dataset through binary COPY as the owner
/// (who bypasses RLS). Proportions: ~30% of workers paid a recruitment fee (a third of those on a loan), 1 in 3 of
/// those partly reimbursed, half of the workers signed a zero-fee declaration (contradicted where a fee exists),
/// ~8% of passports held by the employer or an agency, 1 in 20 workers asked for their passport back, one
/// grievance per ~10 workers (encrypted columns hold random bytes), an audit per site with findings and corrective
/// actions. Deterministic for a given seed; dates are relative to <c>asOf</c>.
/// Sites are not all alike: each draws a tier from <see cref="TierOdds"/> (about 55% clean, 27% with a few moderate
/// signals, 13% with one strong indicator, 5% with hard triggers) and its workers, grievances and findings are drawn
/// with that tier's probabilities, so the risk model sees mostly low and medium sites, some high and a few critical.
/// The proportions above are those of the critical tier; the others have fewer or none.
/// </summary>
public static class DatasetGenerator
{
    private static readonly string[] Countries = ["MY", "TH", "VN", "BD", "ID"];
    private static readonly string[] Origins = ["NP", "BD", "MM", "ID", "KH", "IN"];
    private static readonly string[] Indicators = ["FL01", "FL02", "FL03", "FL04", "FL05", "FL06", "FL07", "FL08", "FL09", "FL10", "FL11", "CH01"];

    private static readonly (string Category, string[] Indicators, bool Critical)[] GrievanceKinds =
    [
        ("wages-unpaid", ["FL08"], false),
        ("pay-deducted", ["FL08", "FL09"], false),
        ("too-many-hours", ["FL11"], false),
        ("housing-bad", ["FL10"], false),
        ("documents-held", ["FL07"], false),
        ("paid-fee-for-job", ["FL09"], false),
        ("job-different", ["FL02"], false),
        ("cannot-leave", ["FL03"], true),
        ("hurt-or-threatened", ["FL05", "FL06"], true),
        ("under-18", ["CH01"], true),
    ];

    /// <summary>Cumulative odds of each site tier (0 clean … 3 hard triggers), drawn from the seeded generator.</summary>
    private static readonly double[] TierOdds = [0.55, 0.82, 0.95, 1.0];

    // Per tier: worker paid a fee, contract not in the worker's language, passport held by others, permit left to
    // expire, contract substituted; grievance weight (share of grievances the site attracts).
    // The high tier has one strong indicator (fees) and little else, so it scores high, not critical.
    private static readonly double[] FeeOdds = [0, 0.02, 0.15, 0.30];
    private static readonly double[] LanguageOdds = [0, 0.02, 0.02, 0.10];
    private static readonly double[] PassportOdds = [0, 0.005, 0.01, 0.085];
    private static readonly double[] PermitOdds = [0, 0, 0, 0.025];
    private static readonly double[] SubstitutedOdds = [0, 0, 0, 0.03];
    private static readonly int[] GrievanceWeight = [0, 1, 2, 250];

    // Audit findings outside the critical tier avoid the indicators whose open finding is a hard trigger alone.
    private static readonly string[] NonTriggerFindingIndicators = ["FL02", "FL04", "FL06", "FL08", "FL10", "FL11"];

    private static int DrawTier(Random rng)
    {
        var u = rng.NextDouble();
        return Array.FindIndex(TierOdds, o => u < o);
    }

    public static async Task<DatasetCounts> GenerateAsync(
        string ownerConnectionString, int sites, int workers, int tenants = 1, int seed = 20260101, DateTimeOffset? asOf = null, CancellationToken ct = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sites, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(workers, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(tenants, 1);
        var now = (asOf ?? DateTimeOffset.UtcNow).ToUniversalTime();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var rng = new Random(seed);
        var watch = Stopwatch.StartNew();
        var rows = new Dictionary<string, long>(StringComparer.Ordinal);

        var tenantIds = Enumerable.Range(0, tenants).Select(_ => NewId(rng)).ToArray();
        var supplierCount = Math.Max(tenants, sites / 10);
        var suppliers = Enumerable.Range(0, supplierCount).Select(i => (Id: NewId(rng), Tenant: tenantIds[i % tenants])).ToArray();
        var siteRows = Enumerable.Range(0, sites).Select(i => (Id: NewId(rng), Supplier: suppliers[i % supplierCount], Tier: DrawTier(rng))).ToArray();
        var agencyRows = tenantIds.SelectMany(t => Enumerable.Range(0, 40).Select(i => (Id: NewId(rng), Tenant: t, Index: i))).ToArray();
        var agenciesByTenant = agencyRows.GroupBy(a => a.Tenant).ToDictionary(g => g.Key, g => g.Select(a => a.Id).ToArray());

        await using var conn = new NpgsqlConnection(ownerConnectionString);
        await conn.OpenAsync(ct);
        await using var tx = await conn.BeginTransactionAsync(ct);

        rows["tenants"] = await CopyAsync(conn, "tenants (id, name, contact_email, created_at)", tenantIds, (w, t, i) =>
        {
            w.Write(t, NpgsqlDbType.Uuid);
            w.Write($"Generated tenant {i}");
            w.Write($"bench{i}@example.com");
            w.Write(now.UtcDateTime.AddYears(-1), NpgsqlDbType.TimestampTz);
        }, ct);

        rows["suppliers"] = await CopyAsync(conn, "suppliers (id, tenant_id, name, country_code, created_at, updated_at)", suppliers, (w, s, i) =>
        {
            w.Write(s.Id, NpgsqlDbType.Uuid);
            w.Write(s.Tenant, NpgsqlDbType.Uuid);
            w.Write($"Supplier {i:D5}");
            w.Write(Countries[i % Countries.Length]);
            WriteTimes(w, now, 2);
        }, ct);

        rows["sites"] = await CopyAsync(conn, "sites (id, tenant_id, supplier_id, name, country_code, sector, worker_housing, intake_code, created_at, updated_at)", siteRows, (w, s, i) =>
        {
            w.Write(s.Id, NpgsqlDbType.Uuid);
            w.Write(s.Supplier.Tenant, NpgsqlDbType.Uuid);
            w.Write(s.Supplier.Id, NpgsqlDbType.Uuid);
            w.Write($"Site {i:D6}");
            w.Write(Countries[i % Countries.Length]);
            w.Write(i % 3 == 0 ? "rubber-gloves" : i % 3 == 1 ? "palm-oil" : "electronics");
            w.Write(i % 2 == 0);
            w.Write($"G{s.Id:N}"[..16]);
            WriteTimes(w, now, 2);
        }, ct);

        rows["agencies"] = await CopyAsync(conn, "agencies (id, tenant_id, name, country_code, licence_number, licence_expires_on, blacklisted, sub_agents_prohibited, last_due_diligence_on, created_at, updated_at)", agencyRows, (w, a, _) =>
        {
            w.Write(a.Id, NpgsqlDbType.Uuid);
            w.Write(a.Tenant, NpgsqlDbType.Uuid);
            w.Write($"Agency {a.Index:D3}");
            w.Write(Origins[a.Index % Origins.Length]);
            WriteNullable(w, a.Index % 10 == 9 ? null : $"LIC-{a.Index:D4}", NpgsqlDbType.Text);
            w.Write(today.AddYears(2), NpgsqlDbType.Date);
            w.Write(a.Index % 20 == 7);
            w.Write(true);
            w.Write(today.AddMonths(-6), NpgsqlDbType.Date);
            WriteTimes(w, now, 2);
        }, ct);

        // Workers and everything hanging off them are generated in one pass so the proportions stay consistent.
        var workerRows = new WorkerRow[workers];
        for (var i = 0; i < workers; i++)
        {
            var site = siteRows[i % sites];
            var tier = site.Tier;

            // Clean and moderate sites recruit only through licensed agencies that are not blacklisted.
            var agencyIndex = rng.Next(40);
            if (tier < 3 && (agencyIndex % 10 == 9 || agencyIndex % 20 == 7))
            {
                agencyIndex = (agencyIndex + 1) % 40; // 7, 9, 19, 27, 29, 39 are followed by good ones
            }

            var agency = rng.NextDouble() < 0.6 ? agenciesByTenant[site.Supplier.Tenant][agencyIndex] : (Guid?)null;
            var paidFee = rng.NextDouble() < FeeOdds[tier];
            var passport = rng.NextDouble();
            workerRows[i] = new WorkerRow(
                NewId(rng), site.Supplier.Tenant, site.Supplier.Id, site.Id, agency,
                // Adults at hire (hired at most ~4.2 years ago, so at least 23 now); a few children only in the critical tier.
                BirthYear: tier == 3 && rng.NextDouble() < 0.02 ? today.Year - 16 : today.Year - 23 - rng.Next(26),
                HiredOn: today.AddDays(-30 - rng.Next(1500)),
                Active: rng.NextDouble() < 0.92,
                PaidFee: paidFee,
                Loan: tier == 3 && paidFee && rng.NextDouble() < 0.33,
                // Outside the critical tier most fees were paid back, so little remediation stays outstanding.
                Reimbursed: paidFee && rng.NextDouble() < (tier == 3 ? 0.33 : 0.85),
                // Below the critical tier a worker who paid a fee did not sign a zero-fee declaration.
                Declared: (tier == 3 || !paidFee) && rng.NextDouble() < 0.5,
                Holder: passport < PassportOdds[tier] ? (passport < PassportOdds[tier] * 0.6 ? "employer-safekeeping" : "agency") : "worker",
                AskedPassport: rng.NextDouble() < 0.05,
                Substituted: rng.NextDouble() < SubstitutedOdds[tier],
                Language: rng.NextDouble() < LanguageOdds[tier] ? "en" : "ne",
                Tier: tier,
                PermitExpired: rng.NextDouble() < PermitOdds[tier],
                SubAgent: rng.NextDouble() < (tier == 3 ? 0.04 : tier > 0 ? 0.01 : 0));
        }

        rows["workers"] = await CopyAsync(conn, "workers (id, tenant_id, supplier_id, site_id, employee_ref, nationality, gender, birth_year, preferred_language, channel, agency_id, sub_agent_used, recruited_in_country, hired_on, arrived_on, work_permit_expires_on, status, created_at, updated_at)", workerRows, (w, r, i) =>
        {
            WriteOwner(w, r.Id, r);
            w.Write($"E{i:D8}");
            w.Write(Origins[i % Origins.Length]);
            w.Write(i % 3 == 0 ? "female" : "male");
            w.Write(r.BirthYear);
            w.Write("ne");
            w.Write(r.Agency is null ? "direct" : "agency");
            WriteNullable(w, r.Agency, NpgsqlDbType.Uuid);
            w.Write(r.Agency is not null && r.SubAgent);
            w.Write(Origins[i % Origins.Length]);
            w.Write(r.HiredOn, NpgsqlDbType.Date);
            w.Write(r.HiredOn.AddDays(14), NpgsqlDbType.Date);
            // Permits are renewed: valid for up to two more years, except where the tier lets them lapse.
            w.Write(r.PermitExpired ? today.AddDays(-30 - (i % 60)) : today.AddDays(30 + (i % 700)), NpgsqlDbType.Date);
            w.Write(r.Active ? "active" : "left");
            WriteTimes(w, now, 2);
        }, ct);

        // Like a restore: the per-worker facts triggers (migration 013) are off while the records load and every
        // worker's facts are refreshed once at the end, through the same function the triggers call; otherwise each
        // loaded table would rewrite every worker row once more.
        await ExecuteAsync(conn, string.Concat(FactSources.Select(t => $"alter table {t} disable trigger user; ")), ct);

        var feeWorkers = workerRows.Where(r => r.PaidFee).ToArray();
        rows["fees"] = await CopyAsync(conn, FeeColumns, feeWorkers, (w, r, i) =>
        {
            WriteOwner(w, NewId(rng), r);
            w.Write("recruitment");
            w.Write(800m + (i % 1200), NpgsqlDbType.Numeric);
            w.Write("USD");
            w.Write("worker");
            w.Write(r.SubAgent ? "sub-agent" : "agency");
            w.Write(r.HiredOn.AddDays(-60), NpgsqlDbType.Date);
            w.Write("NP");
            w.Write(r.Loan);
            WriteNullable(w, r.Loan ? 36m : (decimal?)null, NpgsqlDbType.Numeric);
            w.WriteNull();
            w.Write(now.UtcDateTime, NpgsqlDbType.TimestampTz);
        }, ct);
        // Employer-paid visa fees for agency hires: a fee that is not a flag.
        var employerFees = workerRows.Where((r, i) => r.Agency is not null && i % 4 == 0).ToArray();
        rows["fees"] += await CopyAsync(conn, FeeColumns, employerFees, (w, r, _) =>
        {
            WriteOwner(w, NewId(rng), r);
            w.Write("visa");
            w.Write(300m, NpgsqlDbType.Numeric);
            w.Write("USD");
            w.Write("employer");
            w.Write("government");
            w.Write(r.HiredOn.AddDays(-30), NpgsqlDbType.Date);
            w.Write("NP");
            w.Write(false);
            w.WriteNull(); // loan rate
            w.WriteNull(); // note
            w.Write(now.UtcDateTime, NpgsqlDbType.TimestampTz);
        }, ct);

        rows["reimbursements"] = await CopyAsync(conn, "reimbursements (id, tenant_id, supplier_id, site_id, worker_id, amount, currency, paid_on, reference, recorded_at)", feeWorkers.Where(r => r.Reimbursed).ToArray(), (w, r, i) =>
        {
            WriteOwner(w, NewId(rng), r);
            w.Write(i % 2 == 0 ? 2000m : 400m, NpgsqlDbType.Numeric); // half repaid in full, half in part
            w.Write("USD");
            w.Write(r.HiredOn.AddDays(90), NpgsqlDbType.Date);
            w.Write($"RB-{i:D7}");
            w.Write(now.UtcDateTime, NpgsqlDbType.TimestampTz);
        }, ct);

        rows["declarations"] = await CopyAsync(conn, "declarations (id, tenant_id, supplier_id, site_id, worker_id, kind, language, signed_on, paid_no_fees, holds_own_passport, contract_explained, template_version, recorded_at)", workerRows.Where(r => r.Declared).ToArray(), (w, r, _) =>
        {
            WriteOwner(w, NewId(rng), r);
            w.Write("post-arrival");
            w.Write("ne");
            w.Write(r.HiredOn.AddDays(20), NpgsqlDbType.Date);
            w.Write(true); // contradicted wherever the worker paid a fee
            w.Write(r.Holder == "worker");
            w.Write(true);
            w.Write("v1");
            w.Write(now.UtcDateTime, NpgsqlDbType.TimestampTz);
        }, ct);

        var contractRows = workerRows.Select(r => (Row: r, Version: 1)).Concat(workerRows.Where(r => r.Substituted).Select(r => (Row: r, Version: 2))).ToArray();
        rows["contracts"] = await CopyAsync(conn, "contracts (id, tenant_id, supplier_id, site_id, worker_id, version, language, signed_on, signed_in_country, signed_before_departure, wage_amount, wage_currency, hours_per_week, term_months, recorded_at)", contractRows, (w, c, _) =>
        {
            WriteOwner(w, NewId(rng), c.Row);
            w.Write(c.Version);
            w.Write(c.Row.Language);
            w.Write(c.Row.HiredOn.AddDays(c.Version == 1 ? -45 : 15), NpgsqlDbType.Date);
            w.Write(c.Version == 1 ? "NP" : "MY");
            w.Write(c.Version == 1);
            w.Write(c.Version == 1 ? 1500m : 1100m, NpgsqlDbType.Numeric);
            w.Write("MYR");
            w.Write(48m, NpgsqlDbType.Numeric);
            w.Write(24);
            w.Write(now.UtcDateTime, NpgsqlDbType.TimestampTz);
        }, ct);

        rows["passport_custody"] = await CopyAsync(conn, "passport_custody (id, tenant_id, supplier_id, site_id, worker_id, holder, since, written_consent, note, recorded_at)", workerRows, (w, r, i) =>
        {
            WriteOwner(w, NewId(rng), r);
            w.Write(r.Holder);
            w.Write(r.HiredOn.AddDays(14), NpgsqlDbType.Date);
            WriteNullable(w, r.Holder == "employer-safekeeping" ? i % 2 == 0 : (bool?)null, NpgsqlDbType.Boolean);
            w.WriteNull();
            w.Write(now.UtcDateTime, NpgsqlDbType.TimestampTz);
        }, ct);

        rows["passport_access_requests"] = await CopyAsync(conn, "passport_access_requests (id, tenant_id, supplier_id, site_id, worker_id, requested_at, returned_at, refused_at, refusal_note, recorded_at)", workerRows.Where(r => r.AskedPassport).ToArray(), (w, r, i) =>
        {
            WriteOwner(w, NewId(rng), r);
            var requested = now.UtcDateTime.AddDays(-1 - (i % 60));
            w.Write(requested, NpgsqlDbType.TimestampTz);
            // Below the critical tier every request is honoured within hours; there, some late, some refused.
            var pattern = r.Tier == 3 ? i % 5 : 0;
            WriteNullable(w, pattern < 3 ? requested.AddHours(pattern == 1 ? 50 : 4) : (DateTime?)null, NpgsqlDbType.TimestampTz);
            WriteNullable(w, pattern == 3 ? requested.AddHours(2) : (DateTime?)null, NpgsqlDbType.TimestampTz);
            WriteNullable(w, pattern == 3 ? "refused" : null, NpgsqlDbType.Text);
            w.Write(now.UtcDateTime, NpgsqlDbType.TimestampTz);
        }, ct);

        var grievanceCount = workers / 10;

        // Grievances cluster where things are wrong: each site attracts them by its tier's weight; none at clean sites.
        var weights = siteRows.Select(s => GrievanceWeight[s.Tier]).ToArray();
        var cumulative = new long[sites];
        for (var k = 0; k < sites; k++)
        {
            cumulative[k] = (k == 0 ? 0 : cumulative[k - 1]) + weights[k];
        }

        var totalWeight = cumulative[^1];
        if (totalWeight == 0)
        {
            grievanceCount = 0;
        }

        rows["grievances"] = await CopyAsync(conn, "grievances (id, tenant_id, site_id, supplier_id, case_reference, receipt_hash, language, categories, indicators, severity, critical, status, received_at, acknowledge_by, acknowledged_at, feedback_by, feedback_at, closed_at, acknowledge_overdue, feedback_overdue, consent_ngo, consent_labour_authority, consent_anti_trafficking_council, consent_police, consent_child_protection, consent_buyer, wrapped_key, narrative_ciphertext, review_note_ciphertext, testimony_deleted_at)", Enumerable.Range(0, grievanceCount).ToArray(), (w, i, _) =>
        {
            var pick = (long)(rng.NextDouble() * totalWeight);
            var site = siteRows[Array.FindIndex(cumulative, c => pick < c)];

            // Critical categories (hard triggers from a worker) only at sites of the critical tier.
            var kind = GrievanceKinds[site.Tier == 3 && rng.NextDouble() >= 0.9 ? 7 + rng.Next(3) : rng.Next(7)];
            var received = now.UtcDateTime.AddHours(-rng.Next(24 * 200));
            var acknowledged = rng.NextDouble() < 0.8 ? received.AddHours(rng.Next(1, 96)) : (DateTime?)null;
            var closed = acknowledged is not null && rng.NextDouble() < 0.5 ? received.AddDays(20) : (DateTime?)null;
            var acknowledgeBy = received.AddHours(kind.Critical ? 24 : 7 * 24);
            w.Write(NewId(rng), NpgsqlDbType.Uuid);
            w.Write(site.Supplier.Tenant, NpgsqlDbType.Uuid);
            w.Write(site.Id, NpgsqlDbType.Uuid);
            w.Write(site.Supplier.Id, NpgsqlDbType.Uuid);
            w.Write($"GEN-{i:D8}");
            w.Write(RandomNumberGenerator.GetBytes(32), NpgsqlDbType.Bytea);
            w.Write("ne");
            w.Write(new[] { kind.Category }, NpgsqlDbType.Array | NpgsqlDbType.Text);
            w.Write(kind.Indicators, NpgsqlDbType.Array | NpgsqlDbType.Text);
            WriteNullable(w, kind.Critical ? "critical" : null, NpgsqlDbType.Text);
            w.Write(kind.Critical);
            w.Write(closed is not null ? "closed" : acknowledged is not null ? "acknowledged" : "received");
            w.Write(received, NpgsqlDbType.TimestampTz);
            w.Write(acknowledgeBy, NpgsqlDbType.TimestampTz);
            WriteNullable(w, acknowledged, NpgsqlDbType.TimestampTz);
            w.Write(received.AddDays(30), NpgsqlDbType.TimestampTz);
            WriteNullable(w, closed, NpgsqlDbType.TimestampTz);
            WriteNullable(w, closed, NpgsqlDbType.TimestampTz);
            w.Write(acknowledged is null ? acknowledgeBy < now.UtcDateTime : acknowledged > acknowledgeBy);
            w.Write(false);
            for (var c = 0; c < 6; c++)
            {
                w.Write(rng.NextDouble() < 0.2);
            }

            w.Write(RandomNumberGenerator.GetBytes(60), NpgsqlDbType.Bytea);
            w.Write(RandomNumberGenerator.GetBytes(200), NpgsqlDbType.Bytea);
            w.WriteNull();
            w.WriteNull();
        }, ct);

        var auditRows = siteRows.Where((_, i) => i % 4 != 3).Select(s => (Id: NewId(rng), Site: s)).ToArray();
        rows["audits"] = await CopyAsync(conn, "audits (id, tenant_id, site_id, supplier_id, auditor_organisation, kind, started_on, ended_on, workers_interviewed, created_at)", auditRows, (w, a, i) =>
        {
            w.Write(a.Id, NpgsqlDbType.Uuid);
            w.Write(a.Site.Supplier.Tenant, NpgsqlDbType.Uuid);
            w.Write(a.Site.Id, NpgsqlDbType.Uuid);
            w.Write(a.Site.Supplier.Id, NpgsqlDbType.Uuid);
            w.Write("Generated Audits Ltd");
            w.Write(i % 3 == 0 ? "worker-interviews" : "social-compliance");
            w.Write(today.AddDays(-40 - (i % 300)), NpgsqlDbType.Date);
            w.Write(today.AddDays(-38 - (i % 300)), NpgsqlDbType.Date);
            w.Write(10 + (i % 30));
            w.Write(now.UtcDateTime, NpgsqlDbType.TimestampTz);
        }, ct);

        // Findings by tier: the critical tier as before (any indicator, up to high severity); the high tier one medium
        // finding at most; the medium tier minor ones; clean sites' findings are all verified closed (see below).
        var findingRows = auditRows.SelectMany((a, i) => Enumerable.Range(0, i % 4).Select(k => (
            Id: NewId(rng),
            Audit: a,
            Indicator: a.Site.Tier == 3 ? Indicators[(i + (3 * k)) % 11] : NonTriggerFindingIndicators[(i + (3 * k)) % NonTriggerFindingIndicators.Length],
            Severity: a.Site.Tier switch { 3 => k == 2 ? "high" : k == 1 ? "medium" : "low", 2 => k == 1 ? "medium" : "low", _ => "low" }))).ToArray();
        rows["audit_findings"] = await CopyAsync(conn, "audit_findings (id, tenant_id, audit_id, site_id, supplier_id, indicator, severity, description, created_at)", findingRows, (w, f, _) =>
        {
            w.Write(f.Id, NpgsqlDbType.Uuid);
            w.Write(f.Audit.Site.Supplier.Tenant, NpgsqlDbType.Uuid);
            w.Write(f.Audit.Id, NpgsqlDbType.Uuid);
            w.Write(f.Audit.Site.Id, NpgsqlDbType.Uuid);
            w.Write(f.Audit.Site.Supplier.Id, NpgsqlDbType.Uuid);
            w.Write(f.Indicator);
            w.Write(f.Severity);
            w.Write("Generated finding");
            w.Write(now.UtcDateTime, NpgsqlDbType.TimestampTz);
        }, ct);

        rows["corrective_actions"] = await CopyAsync(conn, "corrective_actions (id, tenant_id, finding_id, site_id, supplier_id, description, due_on, status, closed_on, verification_note, created_at, updated_at)", findingRows, (w, f, i) =>
        {
            var status = f.Audit.Site.Tier == 0 ? "verified" : (i % 3) switch { 0 => "open", 1 => "done", _ => "verified" };
            w.Write(NewId(rng), NpgsqlDbType.Uuid);
            w.Write(f.Audit.Site.Supplier.Tenant, NpgsqlDbType.Uuid);
            w.Write(f.Id, NpgsqlDbType.Uuid);
            w.Write(f.Audit.Site.Id, NpgsqlDbType.Uuid);
            w.Write(f.Audit.Site.Supplier.Id, NpgsqlDbType.Uuid);
            w.Write("Generated action");
            w.Write(today.AddDays(i % 2 == 0 ? -10 : 30), NpgsqlDbType.Date); // half of the open ones overdue
            w.Write(status);
            WriteNullable(w, status == "open" ? (DateOnly?)null : today.AddDays(-5), NpgsqlDbType.Date);
            WriteNullable(w, status == "verified" ? "Checked on site" : null, NpgsqlDbType.Text);
            WriteTimes(w, now, 2);
        }, ct);

        await ExecuteAsync(conn, string.Concat(FactSources.Select(t => $"alter table {t} enable trigger user; ")), ct);
        foreach (var tenantId in tenantIds)
        {
            await using var refresh = new NpgsqlCommand(
                "select app.refresh_worker_recruitment_facts(@t, array(select id from workers where tenant_id = @t))::text", conn)
            { CommandTimeout = 600 };
            refresh.Parameters.AddWithValue("t", tenantId);
            await refresh.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);

        // The refresh left a second version of every worker row; compact it as a restore would have written it.
        // Then VACUUM ANALYZE every table, as after a restore: statistics for the planner, and visibility maps, so the
        // count(*) floor can use index-only scans (VACUUM FULL leaves the map unset).
        await ExecuteAsync(conn, "vacuum full workers", ct);
        await ExecuteAsync(conn, "vacuum analyze " + string.Join(", ", DatasetCounts.Tables), ct);

        return new DatasetCounts(tenantIds, rows, watch.Elapsed);
    }

    /// <summary>The tables whose rows the per-worker recruitment facts are computed from (migration 013's triggers).</summary>
    private static readonly string[] FactSources = ["fees", "reimbursements", "declarations", "contracts", "passport_custody"];

    private static async Task ExecuteAsync(NpgsqlConnection conn, string sql, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(sql, conn) { CommandTimeout = 600 };
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private const string FeeColumns = "fees (id, tenant_id, supplier_id, site_id, worker_id, category, amount, currency, paid_by, paid_to, paid_on, paid_in_country, financed_by_loan, loan_interest_rate_percent, note, recorded_at)";

    private sealed record WorkerRow(
        Guid Id, Guid Tenant, Guid Supplier, Guid Site, Guid? Agency, int BirthYear, DateOnly HiredOn, bool Active, bool PaidFee, bool Loan,
        bool Reimbursed, bool Declared, string Holder, bool AskedPassport, bool Substituted, string Language, int Tier, bool PermitExpired, bool SubAgent);

    private static void WriteOwner(NpgsqlBinaryImporter w, Guid id, WorkerRow r)
    {
        w.Write(id, NpgsqlDbType.Uuid);
        w.Write(r.Tenant, NpgsqlDbType.Uuid);
        w.Write(r.Supplier, NpgsqlDbType.Uuid);
        w.Write(r.Site, NpgsqlDbType.Uuid);
        if (id != r.Id)
        {
            w.Write(r.Id, NpgsqlDbType.Uuid);
        }
    }

    private static void WriteTimes(NpgsqlBinaryImporter w, DateTimeOffset now, int count)
    {
        for (var i = 0; i < count; i++)
        {
            w.Write(now.UtcDateTime, NpgsqlDbType.TimestampTz);
        }
    }

    private static void WriteNullable<T>(NpgsqlBinaryImporter w, T? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            w.WriteNull();
        }
        else
        {
            w.Write(value, type);
        }
    }

    private static Guid NewId(Random rng)
    {
        Span<byte> bytes = stackalloc byte[16];
        rng.NextBytes(bytes);
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x40);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    private static async Task<long> CopyAsync<T>(NpgsqlConnection conn, string target, IReadOnlyList<T> items, Action<NpgsqlBinaryImporter, T, int> write, CancellationToken ct)
    {
        await using var importer = await conn.BeginBinaryImportAsync($"copy {target} from stdin (format binary)", ct);
        for (var i = 0; i < items.Count; i++)
        {
            await importer.StartRowAsync(ct);
            write(importer, items[i], i);
        }

        return (long)await importer.CompleteAsync(ct);
    }
}

/// <summary><c>generate --sites 2000 --workers 200000 [--tenants 1] [--connection owner-connection-string]</c></summary>
public sealed class GenerateBenchmark : IBenchmark
{
    public string Name => "generate";

    public string Description => "Fill a database via binary COPY (--sites 2000 --workers 200000 [--tenants 1] [--connection ...])";

    public async Task RunAsync(BenchOptions options)
    {
        var sites = options.Number("sites", 2000);
        var workers = options.Number("workers", 200_000);
        var tenants = options.Number("tenants", 1);
        var connection = options.Text("connection");
        BenchDatabase? db = null;
        if (connection is null)
        {
            db = await BenchDatabase.StartAsync("bench_generate");
            connection = db.Owner;
        }

        try
        {
            var counts = await DatasetGenerator.GenerateAsync(connection, sites, workers, tenants);
            Print(counts);

            // The level distribution is the model's, not the generator's guess: the real job scores the throwaway
            // database (a database given by --connection is left unscored; `rescore` prints it too).
            if (db is not null)
            {
                await using var app = db.App().WithWebHostBuilder(b => b.UseContentRoot(AppContext.BaseDirectory));
                foreach (var tenantId in counts.TenantIds)
                {
                    await using var scope = app.Services.CreateAsyncScope();
                    await scope.ServiceProvider.GetRequiredService<RiskAssessmentJob>().RunAsync(tenantId, CancellationToken.None);
                }

                await PrintLevelsAsync(connection);
            }
        }
        finally
        {
            if (db is not null)
            {
                await db.DisposeAsync();
            }
        }
    }

    /// <summary>Sites per level in the first assessment run, as the model assigned them.</summary>
    public static async Task PrintLevelsAsync(string ownerConnectionString)
    {
        await using var conn = new NpgsqlConnection(ownerConnectionString);
        await conn.OpenAsync();
        await using var cmd = new NpgsqlCommand(
            """
            select level, count(*) from risk_assessments where assessed_at = (select min(assessed_at) from risk_assessments)
            group by level order by array_position(array['low', 'medium', 'high', 'critical'], level)
            """,
            conn);
        await using var reader = await cmd.ExecuteReaderAsync();
        var levels = new List<(string Level, long Sites)>();
        while (await reader.ReadAsync())
        {
            levels.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        var total = Math.Max(1, levels.Sum(l => l.Sites));
        Console.WriteLine($"levels   : {string.Join(", ", levels.Select(l => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{l.Level} {l.Sites:N0} ({100.0 * l.Sites / total:F0}%)")))}");
    }

    public static void Print(DatasetCounts counts)
    {
        foreach (var table in DatasetCounts.Tables)
        {
            Console.WriteLine($"  {table,-26} {counts.Rows.GetValueOrDefault(table),10:N0}");
        }

        Console.WriteLine($"generate : {counts.Total:N0} rows in {counts.Elapsed.TotalSeconds:F2} s ({counts.Total / counts.Elapsed.TotalSeconds:N0} rows/s incl. facts refresh and vacuum analyze); tenants {string.Join(", ", counts.TenantIds)}");
    }
}
