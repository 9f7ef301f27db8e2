using System.Globalization;
using System.Text;
using Compliance.Api.Features.Foundation;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.EntityFrameworkCore;
using Npgsql;
using NpgsqlTypes;

namespace Compliance.Api.Features.Recruitment;

/// <summary>One problem in an import file: the 1-based row (the header is row 1), the column and what is wrong.</summary>
public sealed record ImportError(int Row, string Column, string Message);

public sealed record ImportResult(int Workers, int Fees);

/// <summary>
/// <c>POST /api/v1/imports/workers</c>: a CSV of workers with their recruitment fields and fees (columns in
/// docs/recruitment.md). All or nothing: every bad row is reported and nothing is written; a good file is
/// written with binary COPY into temporary tables and one INSERT ... SELECT per table, so RLS still checks every row.
/// </summary>
public static class WorkerImport
{
    public const long MaxBodyBytes = 64L * 1024 * 1024;

    /// <summary>A 64 MB file is far beyond the 30 s statement timeout of ordinary requests.</summary>
    private static readonly TimeSpan ImportTimeout = TimeSpan.FromMinutes(10);

    public static readonly IReadOnlyList<string> WorkerColumns =
    [
        "site_id", "employee_ref", "nationality", "gender", "birth_year", "preferred_language", "channel", "agency_id",
        "sub_agent_used", "recruited_in_country", "hired_on", "arrived_on", "work_permit_expires_on", "status",
    ];

    public static readonly IReadOnlyList<string> FeeColumns =
    [
        "category", "amount", "currency", "paid_by", "paid_to", "paid_on", "paid_in_country", "financed_by_loan", "loan_interest_rate_percent", "note",
    ];

    private static readonly string[] OptionalWorkerColumns = ["agency_id", "arrived_on", "work_permit_expires_on", "status"];

    public static void MapWorkerImport(this RouteGroupBuilder api)
    {
        api.MapGroup("/imports").WithTags("Recruitment").AddEndpointFilter<PlanWriteGuardFilter>().AddEndpointFilter<UnitOfWorkFilter>()
            .MapPost("/workers", ImportAsync)
            .RequireAuthorization(Policies.EmployerWrite)
            .WithMetadata(new RequestSizeLimitAttribute(MaxBodyBytes))
            .Accepts<string>("text/csv")
            .WithSummary("Import workers and their fees from CSV, all or nothing; a bad file lists every bad row and writes nothing.");
    }

    private static async Task<Results<Created<ImportResult>, ProblemHttpResult>> ImportAsync(
        HttpRequest http, ComplianceDbContext db, IPlanLimits limits, TimeProvider clock, CancellationToken ct)
    {
        var sites = await db.Set<Site>().AsNoTracking().ToDictionaryAsync(s => s.Id, ct);
        var agencies = (await db.Set<Agency>().AsNoTracking().Select(a => a.Id).ToListAsync(ct)).ToHashSet();
        var existing = (await db.Set<Worker>().AsNoTracking().Select(w => new { w.SupplierId, w.EmployeeRef }).ToListAsync(ct))
            .Select(w => (w.SupplierId, w.EmployeeRef)).ToHashSet();

        var now = clock.GetUtcNow();
        string text;
        using (var body = new StreamReader(http.Body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 1 << 16))
        {
            text = await body.ReadToEndAsync(ct);
        }

        using var reader = new StringReader(text);
        var parsed = Parse(reader, sites, agencies, existing, now);
        if (parsed.Errors.Count > 0)
        {
            return Refuse(parsed.Errors);
        }

        var active = parsed.Workers.Count(w => w.Status == WorkerStatus.Active);
        if (active > 0 && await limits.CheckAsync(PlanResource.ActiveWorkers, active, ct) is { Allowed: false } refused)
        {
            return refused.ToProblem();
        }

        await WriteAsync(db, parsed.Workers, parsed.Fees, ct);
        return TypedResults.Created("/api/v1/workers", new ImportResult(parsed.Workers.Count, parsed.Fees.Count));
    }

    private static ProblemHttpResult Refuse(ImportErrors errors) => TypedResults.Problem(
        statusCode: StatusCodes.Status400BadRequest,
        title: "The file has errors; nothing was imported.",
        detail: errors.Count > errors.Kept.Count
            ? $"{errors.Count} problem(s) in {errors.Rows} row(s); the first {errors.Kept.Count} are listed."
            : $"{errors.Count} problem(s) in {errors.Rows} row(s).",
        extensions: new Dictionary<string, object?> { ["errors"] = errors.Kept, ["totalErrors"] = errors.Count });

    public sealed record Parsed(List<Worker> Workers, List<Fee> Fees, ImportErrors Errors);

    /// <summary>
    /// The errors of one file: every error is counted, only the first <see cref="MaxListed"/> are kept and returned,
    /// so a large file full of mistakes cannot make the answer (or the memory behind it) grow without bound.
    /// </summary>
    public sealed class ImportErrors
    {
        public const int MaxListed = 1000;

        private readonly List<ImportError> _kept = [];
        private int _lastRow = -1;

        public IReadOnlyList<ImportError> Kept => _kept;

        /// <summary>Every error found, listed or not.</summary>
        public int Count { get; private set; }

        /// <summary>Rows with at least one error (errors arrive row by row, in file order).</summary>
        public int Rows { get; private set; }

        public void Add(ImportError error)
        {
            Count++;
            if (error.Row != _lastRow)
            {
                Rows++;
                _lastRow = error.Row;
            }

            if (_kept.Count < MaxListed)
            {
                _kept.Add(error);
            }
        }
    }

    /// <summary>Parses and validates the whole file with the same rules as the single-record endpoints.</summary>
    public static Parsed Parse(TextReader reader, IReadOnlyDictionary<Guid, Site> sites, IReadOnlySet<Guid> agencies, ISet<(Guid, string)> existingRefs, DateTimeOffset now)
    {
        var workers = new List<Worker>();
        var fees = new List<Fee>();
        var errors = new ImportErrors();
        Dictionary<string, int>? columns = null;
        var feeGroups = new List<int>();
        var seen = new HashSet<(Guid, string)>();
        try
        {
            foreach (var (row, fields) in Csv.Read(reader))
            {
                if (columns is null)
                {
                    columns = Header(fields, feeGroups, errors);
                    if (errors.Count > 0)
                    {
                        return new Parsed([], [], errors);
                    }

                    continue;
                }

                var cells = new Cells(row, fields, columns, errors);
                if (fields.Length != columns.Count)
                {
                    errors.Add(new ImportError(row, "*", $"Has {fields.Length} fields; the header has {columns.Count}."));
                    continue;
                }

                ParseRow(cells, feeGroups, sites, agencies, existingRefs, seen, now, workers, fees);
            }
        }
        catch (Csv.FormatException ex)
        {
            errors.Add(new ImportError(ex.Row, "*", ex.Message));
        }

        if (columns is null)
        {
            errors.Add(new ImportError(1, "*", "The file is empty; it needs a header row."));
        }

        return new Parsed(workers, fees, errors);
    }

    private static Dictionary<string, int>? Header(string[] fields, List<int> feeGroups, ImportErrors errors)
    {
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < fields.Length; i++)
        {
            var name = fields[i].Trim().TrimStart('\uFEFF');
            if (!columns.TryAdd(name, i))
            {
                errors.Add(new ImportError(1, name, "Duplicate column."));
            }
            else if (!WorkerColumns.Contains(name) && FeeGroup(name) is null)
            {
                errors.Add(new ImportError(1, name, "Unknown column."));
            }
        }

        foreach (var required in WorkerColumns.Except(OptionalWorkerColumns).Where(c => !columns.ContainsKey(c)))
        {
            errors.Add(new ImportError(1, required, "Missing column."));
        }

        feeGroups.AddRange(columns.Keys.Select(FeeGroup).OfType<int>().Distinct().Order());
        return columns;
    }

    /// <summary>"fee2_amount" → 2 when the suffix is a fee column.</summary>
    private static int? FeeGroup(string column)
    {
        var underscore = column.IndexOf('_', StringComparison.Ordinal);
        return column.StartsWith("fee", StringComparison.Ordinal) && underscore > 3
            && int.TryParse(column.AsSpan(3, underscore - 3), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= 1
            && FeeColumns.Contains(column[(underscore + 1)..])
            ? n
            : null;
    }

    private static void ParseRow(
        Cells cells, List<int> feeGroups, IReadOnlyDictionary<Guid, Site> sites, IReadOnlySet<Guid> agencies, ISet<(Guid, string)> existingRefs,
        HashSet<(Guid, string)> seen, DateTimeOffset now, List<Worker> workers, List<Fee> fees)
    {
        var request = new WorkerRequest(
            cells.Guid("site_id"), cells.Text("employee_ref"), cells.Text("nationality"), cells.Text("gender"), cells.Int("birth_year"),
            cells.Text("preferred_language"),
            new RecruitmentRequest(cells.Text("channel"), cells.Guid("agency_id"), cells.Bool("sub_agent_used"), cells.Text("recruited_in_country"),
                cells.Date("hired_on"), cells.Date("arrived_on")),
            cells.Date("work_permit_expires_on"), cells.Text("status"));
        var before = cells.ErrorCount;
        cells.Validate(request, field => field.Replace("recruitment.", string.Empty, StringComparison.Ordinal));

        Site? site = null;
        if (request.SiteId is Guid siteId && !sites.TryGetValue(siteId, out site))
        {
            cells.Error("site_id", "Unknown site.");
        }

        if (request.Recruitment!.AgencyId is Guid agencyId && !agencies.Contains(agencyId))
        {
            cells.Error("agency_id", "Unknown agency.");
        }

        if (site is not null && request.EmployeeRef is { } reference)
        {
            var key = (site.SupplierId, reference.Trim());
            if (existingRefs.Contains(key))
            {
                cells.Error("employee_ref", "A worker with this employee reference already exists at this supplier.");
            }
            else if (!seen.Add(key))
            {
                cells.Error("employee_ref", "Appears more than once for this supplier in the file.");
            }
        }

        var rowFees = new List<FeeRequest>();
        foreach (var group in feeGroups)
        {
            var prefix = $"fee{group}_";
            if (FeeColumns.All(c => cells.IsBlank(prefix + c)))
            {
                continue;
            }

            var fee = new FeeRequest(
                cells.Text(prefix + "category"), cells.Decimal(prefix + "amount"), cells.Text(prefix + "currency"), cells.Text(prefix + "paid_by"),
                cells.Text(prefix + "paid_to"), cells.Date(prefix + "paid_on"), cells.Text(prefix + "paid_in_country"), cells.Bool(prefix + "financed_by_loan"),
                cells.Decimal(prefix + "loan_interest_rate_percent"), cells.Text(prefix + "note"));
            cells.Validate(fee, field => prefix + field);
            rowFees.Add(fee);
        }

        if (cells.ErrorCount > before || site is null)
        {
            return;
        }

        var worker = Worker.Create(request, site, now);
        workers.Add(worker);
        foreach (var fee in rowFees)
        {
            var entity = Fee.From(fee).For<Fee>(worker, now);
            entity.TenantId = site.TenantId;
            fees.Add(entity);
        }
    }

    /// <summary>The cells of one row, typed; a cell that does not parse is reported once, under its column.</summary>
    private sealed class Cells(int row, string[] fields, Dictionary<string, int> columns, ImportErrors errors)
    {
        private readonly HashSet<string> _bad = new(StringComparer.Ordinal);

        public int ErrorCount => errors.Count;

        public void Error(string column, string message)
        {
            if (_bad.Add(column))
            {
                errors.Add(new ImportError(row, column, message));
            }
        }

        public bool IsBlank(string column) => Text(column) is null;

        public string? Text(string column) =>
            columns.TryGetValue(column, out var i) && i < fields.Length && fields[i].Trim() is { Length: > 0 } value ? value : null;

        public Guid? Guid(string column) => Parse(column, (string s, out Guid v) => System.Guid.TryParse(s, out v), "Must be a UUID.");

        public int? Int(string column) => Parse(column, (string s, out int v) => int.TryParse(s, NumberStyles.Integer, CultureInfo.InvariantCulture, out v), "Must be a whole number.");

        public decimal? Decimal(string column) =>
            Parse(column, (string s, out decimal v) => decimal.TryParse(s, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out v), "Must be a number with a point for decimals (e.g. 1500.50).");

        public DateOnly? Date(string column) =>
            Parse(column, (string s, out DateOnly v) => DateOnly.TryParseExact(s, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out v), "Must be a date as YYYY-MM-DD.");

        public bool? Bool(string column) => Parse(column, (string s, out bool v) => bool.TryParse(s, out v), "Must be true or false.");

        /// <summary>Runs the endpoint's own validation and files each error under its column.</summary>
        public void Validate(IValidatable request, Func<string, string> column)
        {
            var v = new Validator();
            request.Validate(v);
            foreach (var (field, messages) in v.Errors)
            {
                Error(column(Snake(field)), string.Join(" ", messages));
            }
        }

        private delegate bool TryParse<T>(string s, out T value);

        private T? Parse<T>(string column, TryParse<T> parse, string message)
            where T : struct
        {
            if (Text(column) is not { } text)
            {
                return null;
            }

            if (parse(text, out var value))
            {
                return value;
            }

            Error(column, message);
            return null;
        }

        private static string Snake(string camel)
        {
            var sb = new StringBuilder(camel.Length + 4);
            foreach (var ch in camel)
            {
                if (char.IsUpper(ch))
                {
                    sb.Append('_').Append(char.ToLowerInvariant(ch));
                }
                else
                {
                    sb.Append(ch);
                }
            }

            return sb.ToString();
        }
    }

    /// <summary>
    /// Binary COPY into temporary tables (COPY FROM cannot write to a table with row-level security), then one
    /// INSERT ... SELECT per table in the request's transaction, so the RLS checks and foreign keys still apply.
    /// </summary>
    private static async Task WriteAsync(ComplianceDbContext db, List<Worker> workers, List<Fee> fees, CancellationToken ct)
    {
        await using (var create = await TenantSql.CommandAsync(db, """
            create temp table import_workers (like workers including defaults) on commit drop;
            create temp table import_fees (like fees) on commit drop;
            set local statement_timeout = '10min';
            """, ct))
        {
            await create.ExecuteNonQueryAsync(ct);
        }

        var connection = (NpgsqlConnection)db.Database.GetDbConnection();
        await using (var copy = await connection.BeginBinaryImportAsync(
            "copy import_workers (id, tenant_id, supplier_id, site_id, employee_ref, nationality, gender, birth_year, preferred_language, channel, agency_id, " +
            "sub_agent_used, recruited_in_country, hired_on, arrived_on, work_permit_expires_on, status, created_at, updated_at) from stdin (format binary)", ct))
        {
            // Rows are written synchronously into Npgsql's buffer (it flushes as it fills): per-value async calls
            // cost more than the COPY itself. A large file is a bulk job; holding one thread for it is acceptable.
            copy.Timeout = ImportTimeout;
            foreach (var w in workers)
            {
                copy.StartRow();
                copy.Write(w.Id, NpgsqlDbType.Uuid);
                copy.Write(w.TenantId, NpgsqlDbType.Uuid);
                copy.Write(w.SupplierId, NpgsqlDbType.Uuid);
                copy.Write(w.SiteId, NpgsqlDbType.Uuid);
                copy.Write(w.EmployeeRef, NpgsqlDbType.Text);
                copy.Write(w.Nationality, NpgsqlDbType.Char);
                copy.Write(w.Gender, NpgsqlDbType.Text);
                copy.Write(w.BirthYear, NpgsqlDbType.Integer);
                copy.Write(w.PreferredLanguage, NpgsqlDbType.Text);
                copy.Write(w.Channel, NpgsqlDbType.Text);
                WriteNullable(copy, w.AgencyId, NpgsqlDbType.Uuid);
                copy.Write(w.SubAgentUsed, NpgsqlDbType.Boolean);
                copy.Write(w.RecruitedInCountry, NpgsqlDbType.Char);
                copy.Write(w.HiredOn, NpgsqlDbType.Date);
                WriteNullable(copy, w.ArrivedOn, NpgsqlDbType.Date);
                WriteNullable(copy, w.WorkPermitExpiresOn, NpgsqlDbType.Date);
                copy.Write(w.Status, NpgsqlDbType.Text);
                copy.Write(w.CreatedAt, NpgsqlDbType.TimestampTz);
                copy.Write(w.UpdatedAt, NpgsqlDbType.TimestampTz);
            }

            await copy.CompleteAsync(ct);
        }

        await using (var copy = await connection.BeginBinaryImportAsync(
            "copy import_fees (id, tenant_id, supplier_id, site_id, worker_id, category, amount, currency, paid_by, paid_to, paid_on, paid_in_country, " +
            "financed_by_loan, loan_interest_rate_percent, note, recorded_at) from stdin (format binary)", ct))
        {
            copy.Timeout = ImportTimeout;
            foreach (var f in fees)
            {
                copy.StartRow();
                copy.Write(f.Id, NpgsqlDbType.Uuid);
                copy.Write(f.TenantId, NpgsqlDbType.Uuid);
                copy.Write(f.SupplierId, NpgsqlDbType.Uuid);
                copy.Write(f.SiteId, NpgsqlDbType.Uuid);
                copy.Write(f.WorkerId, NpgsqlDbType.Uuid);
                copy.Write(f.Category, NpgsqlDbType.Text);
                copy.Write(f.Amount, NpgsqlDbType.Numeric);
                copy.Write(f.Currency, NpgsqlDbType.Char);
                copy.Write(f.PaidBy, NpgsqlDbType.Text);
                copy.Write(f.PaidTo, NpgsqlDbType.Text);
                copy.Write(f.PaidOn, NpgsqlDbType.Date);
                copy.Write(f.PaidInCountry, NpgsqlDbType.Char);
                copy.Write(f.FinancedByLoan, NpgsqlDbType.Boolean);
                WriteNullable(copy, f.LoanInterestRatePercent, NpgsqlDbType.Numeric);
                WriteNullable(copy, f.Note, NpgsqlDbType.Text);
                copy.Write(f.RecordedAt, NpgsqlDbType.TimestampTz);
            }

            await copy.CompleteAsync(ct);
        }

        await using var insert = await TenantSql.CommandAsync(db, """
            insert into workers select * from import_workers;
            -- Fresh statistics before the fees' foreign-key checks against the new workers (see migration 007).
            select app.refresh_statistics_after_bulk_load();
            insert into fees select * from import_fees;
            """, ct);
        insert.CommandTimeout = (int)ImportTimeout.TotalSeconds;
        await insert.ExecuteNonQueryAsync(ct);
    }

    private static void WriteNullable<T>(NpgsqlBinaryImporter copy, T? value, NpgsqlDbType type)
        where T : struct
    {
        if (value is { } v)
        {
            copy.Write(v, type);
        }
        else
        {
            copy.WriteNull();
        }
    }

    private static void WriteNullable(NpgsqlBinaryImporter copy, string? value, NpgsqlDbType type)
    {
        if (value is null)
        {
            copy.WriteNull();
        }
        else
        {
            copy.Write(value, type);
        }
    }
}
