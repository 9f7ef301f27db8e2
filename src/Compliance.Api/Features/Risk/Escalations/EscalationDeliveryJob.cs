using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Compliance.Api.Infrastructure.Database;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Compliance.Api.Features.Risk.Escalations;

/// <summary>Thrown after a failed attempt that still has attempts left, so Hangfire retries with backoff.</summary>
public sealed class EscalationDeliveryException(string message) : Exception(message);

/// <summary>
/// Delivers one escalation: POSTs its stored dossier, signed, with the escalation id as <c>Idempotency-Key</c>.
/// Re-entrant: the escalation row is locked for the attempt (a second copy of the job skips it), a delivered or
/// failed escalation is never sent again, and every attempt is recorded with its time, status code, latency and
/// error. A failed attempt throws while attempts are left (Hangfire retries with backoff); the last one marks the
/// escalation failed.
/// </summary>
public sealed class EscalationDeliveryJob(
    NpgsqlDataSource dataSource,
    IHttpClientFactory httpClients,
    TimeProvider clock,
    IOptions<EscalationOptions> options,
    GrievanceEscalations grievanceEscalations,
    SigningSecretProtector secrets,
    ILogger<EscalationDeliveryJob> logger)
{
    public const string HttpClientName = "escalation";

    // Retried by Hangfire under the JobRetryPolicy RiskModule registers: the retry budget, the backoff from
    // Escalation:RetryDelaysSeconds (30 s … 1 h by default), then Failed. No [AutomaticRetry] here: it would run twice.
    public async Task DeliverAsync(Guid tenantId, Guid escalationId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await TenantSql.SetAsync(connection, tx, tenantId, null, ct);

        Target? target;
        await using (var select = new NpgsqlCommand(
            """
            select e.status, e.body, e.attempt_count, d.url, d.signing_secret, e.grievance_id, e.destination_id
            from escalations e join escalation_destinations d on d.tenant_id = e.tenant_id and d.id = e.destination_id
            where e.id = @id
            for update of e skip locked
            """,
            connection,
            tx))
        {
            select.Parameters.AddWithValue("id", escalationId);
            await using var reader = await select.ExecuteReaderAsync(ct);
            target = await reader.ReadAsync(ct)
                ? new Target(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3), secrets.Open(reader.GetString(4), reader.GetGuid(6)), reader.IsDBNull(5) ? null : reader.GetGuid(5), reader.GetGuid(6))
                : null;
        }

        // Missing, or another worker holds it right now, or already settled: nothing to do.
        if (target is null || target.Status != EscalationStatus.Pending)
        {
            if (logger.IsEnabled(LogLevel.Information))
            {
                logger.LogInformation("Escalation {EscalationId} not sent: {Reason}", escalationId, target?.Status ?? "absent or being delivered");
            }

            return;
        }

        var attempt = target.AttemptCount + 1;
        var attemptedAt = clock.GetUtcNow();

        // A grievance dossier is rendered again at each attempt so testimony follows the worker's consent as it is
        // now (DNH-5); the stored body never holds testimony. The Idempotency-Key stays the escalation id.
        if (target.GrievanceId is { } grievanceId
            && await grievanceEscalations.RenderForDeliveryAsync(connection, tx, tenantId, escalationId, grievanceId, target.DestinationId, attemptedAt, ct) is { } fresh)
        {
            target = target with { Body = fresh };
        }

        var (statusCode, error, elapsed) = await SendAsync(target, escalationId, attemptedAt, ct);
        var delivered = statusCode is >= 200 and < 300;
        var status = delivered ? EscalationStatus.Delivered : attempt >= options.Value.MaxAttempts ? EscalationStatus.Failed : EscalationStatus.Pending;

        await using (var record = new NpgsqlCommand(
            """
            insert into escalation_attempts (id, tenant_id, escalation_id, attempt, attempted_at, status_code, latency_ms, error)
            values (@attemptId, @tenant, @id, @attempt, @at, @code, @latency, @error);
            update escalations set attempt_count = @attempt, status = @status, last_error = @error,
                   delivered_at = case when @delivered then @at else delivered_at end
            where id = @id;
            """,
            connection,
            tx))
        {
            record.Parameters.AddWithValue("attemptId", Guid.CreateVersion7());
            record.Parameters.AddWithValue("tenant", tenantId);
            record.Parameters.AddWithValue("id", escalationId);
            record.Parameters.AddWithValue("attempt", attempt);
            record.Parameters.AddWithValue("at", attemptedAt);
            record.Parameters.AddWithValue("code", statusCode is int c ? c : DBNull.Value);
            record.Parameters.AddWithValue("latency", (int)Math.Min(int.MaxValue, elapsed.TotalMilliseconds));
            record.Parameters.AddWithValue("error", error is null ? DBNull.Value : error);
            record.Parameters.AddWithValue("status", status);
            record.Parameters.AddWithValue("delivered", delivered);
            await record.ExecuteNonQueryAsync(ct);
        }

        await tx.CommitAsync(ct);
        if (logger.IsEnabled(LogLevel.Information))
        {
            logger.LogInformation("Escalation {EscalationId} attempt {Attempt}: HTTP {StatusCode}, {Status}", escalationId, attempt, statusCode, status);
        }

        if (status == EscalationStatus.Pending)
        {
            throw new EscalationDeliveryException($"Escalation {escalationId} attempt {attempt} failed: {error}; will retry.");
        }
    }

    /// <summary>The signature header value: <c>sha256=</c> + hex HMAC-SHA256 of <c>"{timestamp}.{body}"</c> under the secret.</summary>
    public static string Sign(string secret, string timestamp, string body)
    {
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}"));
        return "sha256=" + Convert.ToHexStringLower(mac);
    }

    private async Task<(int? StatusCode, string? Error, TimeSpan Elapsed)> SendAsync(Target target, Guid escalationId, DateTimeOffset at, CancellationToken ct)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        using var request = new HttpRequestMessage(HttpMethod.Post, target.Url)
        {
            Content = new StringContent(target.Body, Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Compliance-Timestamp", timestamp);
        request.Headers.Add("X-Compliance-Signature", Sign(target.Secret, timestamp, target.Body));
        request.Headers.Add("Idempotency-Key", escalationId.ToString());

        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName).SendAsync(request, ct);
            var code = (int)response.StatusCode;
            return (code, response.IsSuccessStatusCode ? null : $"HTTP {code}", Stopwatch.GetElapsedTime(started));
        }
        catch (Exception ex) when (!ct.IsCancellationRequested)
        {
            // Timeouts, refused connections and refused addresses are recorded as the attempt's error.
            var message = $"{ex.GetType().Name}: {ex.Message}";
            return (null, message.Length > 500 ? message[..500] : message, Stopwatch.GetElapsedTime(started));
        }
    }

    private sealed record Target(string Status, string Body, int AttemptCount, string Url, string Secret, Guid? GrievanceId, Guid DestinationId);
}
