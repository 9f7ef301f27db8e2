using System.Data;
using System.Globalization;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Compliance.Api.Features.Reporting;

/// <summary>
/// Wraps every authenticated <c>/odata</c> request, including the serialisation of its result, in one tenant-scoped,
/// read-only, repeatable-read transaction (so <c>$count</c> and the rows come from one snapshot) with a statement
/// timeout. A statement cut off by the timeout becomes a 400 naming the limit, never a 500 or a hung request.
/// <para>
/// An auditor's request is recorded in <c>odata_request_log</c> on a connection of its own, committed on its own, so
/// the record survives a refused or timed-out query. The record is written while the query runs, and the response
/// cannot start before it is committed (<see cref="HttpResponse.OnStarting(Func{Task})"/>): no auditor sees a byte
/// of data that was not recorded first, and the record costs no round trip on the request's path.
/// </para>
/// </summary>
public sealed class ReportingRequestMiddleware(RequestDelegate next)
{
    private const int MaxLoggedQueryLength = 4000;

    private const string RecordSql =
        "insert into odata_request_log (id, tenant_id, api_key_id, requested_at, path, query) values ($1, $2, $3, $4, $5, $6)";

    public async Task InvokeAsync(
        HttpContext http, ComplianceDbContext db, NpgsqlDataSource dataSource, TenantContext tenant, TimeProvider clock, IOptions<ReportingOptions> options)
    {
        if (tenant.TenantId is not Guid tenantId)
        {
            await next(http);
            return;
        }

        var ct = http.RequestAborted;
        Task? record = null;
        if (tenant.Role == Roles.Auditor && tenant.ApiKeyId is Guid keyId)
        {
            record = RecordAsync(http, dataSource, tenantId, keyId, clock, ct);
            http.Response.OnStarting(static pending => (Task)pending, record);
        }

        var timeout = options.Value.StatementTimeoutMs;
        await db.Database.OpenConnectionAsync(ct);
        try
        {
            var connection = (NpgsqlConnection)db.Database.GetDbConnection();
            await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);

            // Read-only mode, the timeout and the tenant scope go in front of the first query, in its round trip, with
            // the BEGIN Npgsql sends lazily: the query path pays no round trip for them.
            db.TransactionPrologue = string.Create(
                CultureInfo.InvariantCulture, $"set transaction read only; set local statement_timeout = {timeout}; ") + TenantSql.Prologue(tenantId, tenant.SupplierId, tenant.OfficeId);
            await db.Database.UseTransactionAsync(transaction, ct);
            try
            {
                await next(http);
            }
            catch (Exception e) when (IsStatementTimeout(e) && !http.Response.HasStarted)
            {
                await transaction.RollbackAsync(CancellationToken.None);
                http.Response.Clear();
                await TypedResults.Problem(ReportingProblems.StatementTimeout(timeout)).ExecuteAsync(http);
                return;
            }
            finally
            {
                await db.Database.UseTransactionAsync(null, CancellationToken.None);
            }

            if (http.Response.StatusCode < 400)
            {
                // The transaction only read: finish the response first, so its end does not wait for the COMMIT.
                await http.Response.CompleteAsync();
                await transaction.CommitAsync(ct);
            }
        }
        finally
        {
            await db.Database.CloseConnectionAsync();

            // Already awaited when the response started; awaited here too so a request that never wrote a response
            // still ends only once its record is committed (and a failed record is not lost silently).
            if (record is not null)
            {
                await record;
            }
        }
    }

    /// <summary>OData runs the query through reflection, so the PostgreSQL error can arrive wrapped.</summary>
    private static bool IsStatementTimeout(Exception? e) =>
        e is not null && (e is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } || IsStatementTimeout(e.InnerException));

    /// <summary>
    /// One round trip: the tenant scope and the insert as one batch, which PostgreSQL runs as one implicit
    /// transaction (committed at the batch's end), so RLS checks the row against this tenant.
    /// </summary>
    private static async Task RecordAsync(HttpContext http, NpgsqlDataSource dataSource, Guid tenantId, Guid keyId, TimeProvider clock, CancellationToken ct)
    {
        var query = http.Request.QueryString.Value ?? string.Empty;
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(TenantSql.BatchCommand(tenantId, supplierId: null));
        batch.BatchCommands.Add(new NpgsqlBatchCommand(RecordSql)
        {
            Parameters =
            {
                new() { Value = Guid.CreateVersion7() },
                new() { Value = tenantId },
                new() { Value = keyId },
                new() { Value = clock.GetUtcNow() },
                new() { Value = http.Request.Path.Value ?? string.Empty },
                new() { Value = query.Length > MaxLoggedQueryLength ? query[..MaxLoggedQueryLength] : query },
            },
        });
        await batch.ExecuteNonQueryAsync(ct);
    }
}
