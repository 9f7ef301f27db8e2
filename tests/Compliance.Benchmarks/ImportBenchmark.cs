using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Npgsql;
using NpgsqlTypes;

namespace Compliance.Benchmarks;

/// <summary>
/// <c>import</c>: N workers with 2 fees each through the real <c>POST /api/v1/imports/workers</c> (parse, validate,
/// COPY into temporary tables, INSERT ... SELECT under RLS), against a raw binary COPY of the same rows straight
/// into <c>workers</c> and <c>fees</c> as the owner, in the same run.
/// </summary>
public sealed class ImportBenchmark : IBenchmark
{
    public string Name => "import";

    public string Description => "CSV import of N workers x 2 fees (--workers 100000) vs raw COPY of the same rows";

    public async Task RunAsync(BenchOptions options)
    {
        var count = options.Number("workers", 100_000);
        await using var db = await BenchDatabase.StartAsync("bench_import");
        // The binaries folder holds everything the app reads (templates, settings); no source tree is needed.
        await using var app = db.App().WithWebHostBuilder(b => b.UseContentRoot(AppContext.BaseDirectory));
        var client = app.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(10);

        var signup = await client.PostAsJsonAsync("/api/v1/tenants", new { name = "Bench", contactEmail = "bench@example.com" });
        signup.EnsureSuccessStatusCode();
        var tenant = await signup.Content.ReadFromJsonAsync<JsonElement>();
        var tenantId = tenant.GetProperty("tenantId").GetGuid();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", tenant.GetProperty("apiKey").GetString());
        var supplier = await IdAsync(await client.PostAsJsonAsync("/api/v1/suppliers", new { name = "Bench Gloves", countryCode = "MY" }));
        var importSite = await IdAsync(await client.PostAsJsonAsync("/api/v1/sites", new { supplierId = supplier, name = "Import site", countryCode = "MY", sector = "rubber-gloves", workerHousing = true }));
        var copySite = await IdAsync(await client.PostAsJsonAsync("/api/v1/sites", new { supplierId = supplier, name = "Copy site", countryCode = "MY", sector = "rubber-gloves", workerHousing = true }));

        var csv = Csv(importSite, count);
        Console.WriteLine($"import: {count:N0} workers, {2 * count:N0} fees, CSV {csv.Length / 1024.0 / 1024.0:F1} MB");

        var raw = Stopwatch.StartNew();
        await RawCopyAsync(db.Owner, tenantId, supplier, copySite, count);
        raw.Stop();

        var watch = Stopwatch.StartNew();
        var response = await client.PostAsync("/api/v1/imports/workers", new ByteArrayContent(csv) { Headers = { ContentType = new MediaTypeHeaderValue("text/csv") } });
        watch.Stop();
        if ((int)response.StatusCode != 201)
        {
            throw new InvalidOperationException($"Import failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        }

        var importRate = count / watch.Elapsed.TotalSeconds;
        var rawRate = count / raw.Elapsed.TotalSeconds;
        Console.WriteLine($"endpoint : {watch.Elapsed.TotalSeconds,7:F2} s  {importRate,10:N0} workers/s  ({3 * importRate,10:N0} rows/s incl. fees)");
        Console.WriteLine($"raw COPY : {raw.Elapsed.TotalSeconds,7:F2} s  {rawRate,10:N0} workers/s  ({3 * rawRate,10:N0} rows/s incl. fees)");
        Console.WriteLine($"ratio    : {importRate / rawRate:P0} of raw COPY (target >= 50%)");
    }

    private static async Task<Guid> IdAsync(HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private static byte[] Csv(Guid site, int count)
    {
        var sb = new StringBuilder(count * 260);
        sb.Append("site_id,employee_ref,nationality,gender,birth_year,preferred_language,channel,agency_id,sub_agent_used,recruited_in_country,hired_on,arrived_on,work_permit_expires_on,status,")
          .Append("fee1_category,fee1_amount,fee1_currency,fee1_paid_by,fee1_paid_to,fee1_paid_on,fee1_paid_in_country,fee1_financed_by_loan,fee1_loan_interest_rate_percent,")
          .Append("fee2_category,fee2_amount,fee2_currency,fee2_paid_by,fee2_paid_to,fee2_paid_on,fee2_paid_in_country,fee2_financed_by_loan,fee2_loan_interest_rate_percent\n");
        for (var i = 0; i < count; i++)
        {
            sb.Append(CultureInfo.InvariantCulture, $"{site},IMP-{i:D7},NP,{(i % 2 == 0 ? "male" : "female")},{1980 + (i % 20)},ne,direct,,false,NP,2025-01-10,2025-02-01,2027-01-01,active,")
              .Append(CultureInfo.InvariantCulture, $"recruitment,{1000 + (i % 500)}.50,MYR,worker,agency,2024-12-01,NP,true,24,")
              .Append("visa,300,NPR,employer,government,2024-12-05,NP,false,\n");
        }

        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    /// <summary>The baseline: the same shape of rows, binary COPY straight into the real tables as the owner.</summary>
    private static async Task RawCopyAsync(string owner, Guid tenant, Guid supplier, Guid site, int count)
    {
        await using var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(owner) { CommandTimeout = 0 }.ConnectionString);
        await connection.OpenAsync();
        await using var tx = await connection.BeginTransactionAsync();
        var now = DateTimeOffset.UtcNow;
        var ids = new Guid[count];
        await using (var copy = await connection.BeginBinaryImportAsync(
            "copy workers (id, tenant_id, supplier_id, site_id, employee_ref, nationality, gender, birth_year, preferred_language, channel, agency_id, " +
            "sub_agent_used, recruited_in_country, hired_on, arrived_on, work_permit_expires_on, status, created_at, updated_at) from stdin (format binary)"))
        {
            for (var i = 0; i < count; i++)
            {
                ids[i] = Guid.CreateVersion7();
                copy.StartRow();
                copy.Write(ids[i], NpgsqlDbType.Uuid);
                copy.Write(tenant, NpgsqlDbType.Uuid);
                copy.Write(supplier, NpgsqlDbType.Uuid);
                copy.Write(site, NpgsqlDbType.Uuid);
                copy.Write($"RAW-{i:D7}", NpgsqlDbType.Text);
                copy.Write("NP", NpgsqlDbType.Char);
                copy.Write(i % 2 == 0 ? "male" : "female", NpgsqlDbType.Text);
                copy.Write(1980 + (i % 20), NpgsqlDbType.Integer);
                copy.Write("ne", NpgsqlDbType.Text);
                copy.Write("direct", NpgsqlDbType.Text);
                copy.WriteNull();
                copy.Write(false, NpgsqlDbType.Boolean);
                copy.Write("NP", NpgsqlDbType.Char);
                copy.Write(new DateOnly(2025, 1, 10), NpgsqlDbType.Date);
                copy.Write(new DateOnly(2025, 2, 1), NpgsqlDbType.Date);
                copy.Write(new DateOnly(2027, 1, 1), NpgsqlDbType.Date);
                copy.Write("active", NpgsqlDbType.Text);
                copy.Write(now, NpgsqlDbType.TimestampTz);
                copy.Write(now, NpgsqlDbType.TimestampTz);
            }

            await copy.CompleteAsync();
        }

        // The same statistics refresh the endpoint does between workers and fees (migration 007), so the comparison
        // is of the write paths only.
        await using (var analyze = new NpgsqlCommand("select app.refresh_statistics_after_bulk_load()", connection, tx))
        {
            await analyze.ExecuteNonQueryAsync();
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "copy fees (id, tenant_id, supplier_id, site_id, worker_id, category, amount, currency, paid_by, paid_to, paid_on, paid_in_country, " +
            "financed_by_loan, loan_interest_rate_percent, note, recorded_at) from stdin (format binary)"))
        {
            for (var i = 0; i < count; i++)
            {
                foreach (var (category, amount, currency, paidBy, paidTo, loan) in new[]
                {
                    ("recruitment", 1000.5m + (i % 500), "MYR", "worker", "agency", true), ("visa", 300m, "NPR", "employer", "government", false),
                })
                {
                    copy.StartRow();
                    copy.Write(Guid.CreateVersion7(), NpgsqlDbType.Uuid);
                    copy.Write(tenant, NpgsqlDbType.Uuid);
                    copy.Write(supplier, NpgsqlDbType.Uuid);
                    copy.Write(site, NpgsqlDbType.Uuid);
                    copy.Write(ids[i], NpgsqlDbType.Uuid);
                    copy.Write(category, NpgsqlDbType.Text);
                    copy.Write(amount, NpgsqlDbType.Numeric);
                    copy.Write(currency, NpgsqlDbType.Char);
                    copy.Write(paidBy, NpgsqlDbType.Text);
                    copy.Write(paidTo, NpgsqlDbType.Text);
                    copy.Write(new DateOnly(2024, 12, 1), NpgsqlDbType.Date);
                    copy.Write("NP", NpgsqlDbType.Char);
                    copy.Write(loan, NpgsqlDbType.Boolean);
                    if (loan)
                    {
                        copy.Write(24m, NpgsqlDbType.Numeric);
                    }
                    else
                    {
                        copy.WriteNull();
                    }

                    copy.WriteNull();
                    copy.Write(now, NpgsqlDbType.TimestampTz);
                }
            }

            await copy.CompleteAsync();
        }

        await tx.CommitAsync();
    }
}
