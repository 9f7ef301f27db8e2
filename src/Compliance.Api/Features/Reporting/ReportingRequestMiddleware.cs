using System.Data;
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
/// timeout. An auditor's request is recorded first, in its own transaction, so the record survives a refused query.
/// A statement cut off by the timeout becomes a 400 naming the limit, never a 500 or a hung request.
/// </summary>
public sealed class ReportingRequestMiddleware(RequestDelegate next)
{
    private const int MaxLoggedQueryLength = 4000;

    public async Task InvokeAsync(HttpContext http, ComplianceDbContext db, TenantContext tenant, TimeProvider clock, IOptions<ReportingOptions> options)
    {
        if (tenant.TenantId is null)
        {
            await next(http);
            return;
        }

        var ct = http.RequestAborted;
        if (tenant.Role == Roles.Auditor && tenant.ApiKeyId is Guid keyId)
        {
            await RecordAsync(http, db, keyId, clock, ct);
        }

        var timeout = options.Value.StatementTimeoutMs;
        await using var transaction = await db.Database.BeginTransactionAsync(IsolationLevel.RepeatableRead, ct);
        await db.Database.ExecuteSqlAsync(
            $"select set_config('statement_timeout', {timeout.ToString(System.Globalization.CultureInfo.InvariantCulture)}, true), set_config('transaction_read_only', 'on', true)",
            ct);
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

        if (http.Response.StatusCode < 400)
        {
            await transaction.CommitAsync(ct);
        }
    }

    /// <summary>OData runs the query through reflection, so the PostgreSQL error can arrive wrapped.</summary>
    private static bool IsStatementTimeout(Exception? e) =>
        e is not null && (e is PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } || IsStatementTimeout(e.InnerException));

    private static async Task RecordAsync(HttpContext http, ComplianceDbContext db, Guid keyId, TimeProvider clock, CancellationToken ct)
    {
        var query = http.Request.QueryString.Value ?? string.Empty;
        await using var transaction = await db.Database.BeginTransactionAsync(ct);
        db.Add(new ODataRequestLog
        {
            Id = Guid.CreateVersion7(),
            ApiKeyId = keyId,
            RequestedAt = clock.GetUtcNow(),
            Path = http.Request.Path.Value ?? string.Empty,
            Query = query.Length > MaxLoggedQueryLength ? query[..MaxLoggedQueryLength] : query,
        });
        await db.SaveChangesAsync(ct);
        await transaction.CommitAsync(ct);
        db.ChangeTracker.Clear();
    }
}
