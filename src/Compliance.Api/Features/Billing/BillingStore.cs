using Compliance.Api.Features.Foundation;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Compliance.Api.Features.Billing;

/// <summary>Plan usage of the tenant: sites and active workers (0 until the workers table exists).</summary>
public sealed record PlanUsage(long Sites, long ActiveWorkers)
{
    public long Of(PlanResource resource) => resource == PlanResource.Sites ? Sites : ActiveWorkers;
}

/// <summary>
/// Reads and writes <c>billing_accounts</c> with plain SQL on a connection whose transaction is already scoped to
/// the tenant (the request's unit of work, or one opened by <see cref="InTenantTransactionAsync{T}"/>).
/// </summary>
public static class BillingStore
{
    private const string Columns =
        "plan, status, stripe_customer_id, stripe_subscription_id, current_period_end, delinquent_since, state_as_of, state_event_id, last_invoice_status, last_invoice_at";

    /// <summary>
    /// Runs <paramref name="work"/> inside the request's transaction when there is one (so it sees the request's
    /// own writes and locks), otherwise in a short transaction of its own scoped to the context's tenant.
    /// </summary>
    public static async Task<T> InTenantTransactionAsync<T>(ComplianceDbContext db, Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken ct)
    {
        await using var transaction = await JoinedTransaction.JoinOrBeginAsync(db, ct);
        var result = await work(transaction.Connection, transaction.Transaction);
        await transaction.CommitIfOwnedAsync(ct);
        return result;
    }

    /// <summary>The tenant's state; the free default when it has no row.</summary>
    public static Task<BillingState> ReadAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct) =>
        SelectAsync(connection, tx, forUpdate: false, ct);

    /// <summary>The tenant's state, its row created when missing and locked until the transaction ends.</summary>
    public static async Task<BillingState> ReadForUpdateAsync(NpgsqlConnection connection, NpgsqlTransaction tx, DateTimeOffset now, CancellationToken ct)
    {
        // A row to lock, so concurrent writers of one tenant (webhooks, checkout) queue up on it.
        await using var ensure = new NpgsqlCommand(
            "insert into billing_accounts (tenant_id, plan, status, updated_at) values (app.current_tenant(), @plan, @status, @now) on conflict (tenant_id) do nothing",
            connection,
            tx);
        ensure.Parameters.AddWithValue("plan", BillingState.Default.Plan);
        ensure.Parameters.AddWithValue("status", BillingState.Default.Status);
        ensure.Parameters.AddWithValue("now", now);
        await ensure.ExecuteNonQueryAsync(ct);
        return await SelectAsync(connection, tx, forUpdate: true, ct);
    }

    private static async Task<BillingState> SelectAsync(NpgsqlConnection connection, NpgsqlTransaction tx, bool forUpdate, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"select {Columns} from billing_accounts{(forUpdate ? " for update" : string.Empty)}", connection, tx);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct))
        {
            return BillingState.Default;
        }

        return new BillingState
        {
            Plan = reader.GetString(0),
            Status = reader.GetString(1),
            StripeCustomerId = NullableString(reader, 2),
            StripeSubscriptionId = NullableString(reader, 3),
            CurrentPeriodEnd = NullableTime(reader, 4),
            DelinquentSince = NullableTime(reader, 5),
            StateAsOf = NullableTime(reader, 6),
            StateEventId = NullableString(reader, 7),
            LastInvoiceStatus = NullableString(reader, 8),
            LastInvoiceAt = NullableTime(reader, 9),
        };
    }

    /// <summary>Writes <paramref name="state"/> over the row locked by <see cref="ReadAsync"/>.</summary>
    public static async Task WriteAsync(NpgsqlConnection connection, NpgsqlTransaction tx, BillingState state, DateTimeOffset now, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand(
            """
            update billing_accounts set plan = @plan, status = @status, stripe_customer_id = @customer, stripe_subscription_id = @subscription,
              current_period_end = @periodEnd, delinquent_since = @delinquent, state_as_of = @asOf, state_event_id = @eventId,
              last_invoice_status = @invoiceStatus, last_invoice_at = @invoiceAt, updated_at = @now
            where tenant_id = app.current_tenant()
            """,
            connection,
            tx);
        cmd.Parameters.AddWithValue("plan", state.Plan);
        cmd.Parameters.AddWithValue("status", state.Status);
        cmd.Parameters.AddWithValue("customer", (object?)state.StripeCustomerId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("subscription", (object?)state.StripeSubscriptionId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("periodEnd", (object?)state.CurrentPeriodEnd ?? DBNull.Value);
        cmd.Parameters.AddWithValue("delinquent", (object?)state.DelinquentSince ?? DBNull.Value);
        cmd.Parameters.AddWithValue("asOf", (object?)state.StateAsOf ?? DBNull.Value);
        cmd.Parameters.AddWithValue("eventId", (object?)state.StateEventId ?? DBNull.Value);
        cmd.Parameters.AddWithValue("invoiceStatus", (object?)state.LastInvoiceStatus ?? DBNull.Value);
        cmd.Parameters.AddWithValue("invoiceAt", (object?)state.LastInvoiceAt ?? DBNull.Value);
        cmd.Parameters.AddWithValue("now", now);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Usage of the transaction's tenant, counted under RLS (see <c>app.billing_usage()</c>).</summary>
    public static async Task<PlanUsage> UsageAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select sites, active_workers from app.billing_usage()", connection, tx);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return new PlanUsage(reader.GetInt64(0), reader.GetInt64(1));
    }

    /// <summary>
    /// Serialises plan-limited creations of one tenant until the transaction ends, so two concurrent requests
    /// cannot both take the last free place.
    /// </summary>
    public static async Task LockLimitsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("select pg_advisory_xact_lock(hashtextextended('plan-limits:' || app.current_tenant()::text, 0))", connection, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The tenant of a Stripe customer, through the one bypass made for it; null when unknown.</summary>
    public static async Task<Guid?> TenantByCustomerAsync(NpgsqlDataSource dataSource, string customerId, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("select app.tenant_by_stripe_customer(@c)");
        cmd.Parameters.AddWithValue("c", customerId);
        return await cmd.ExecuteScalarAsync(ct) is Guid id ? id : null;
    }

    private static string? NullableString(NpgsqlDataReader reader, int i) => reader.IsDBNull(i) ? null : reader.GetString(i);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int i) =>
        reader.IsDBNull(i) ? null : reader.GetFieldValue<DateTimeOffset>(i);
}

/// <summary>The current tenant's billing state and usage, as every billing read needs them.</summary>
public sealed class BillingReader(ComplianceDbContext db, TenantContext tenant)
{
    public Guid? TenantId => tenant.TenantId;

    public Task<(BillingState State, PlanUsage Usage)> ReadAsync(bool lockLimits, CancellationToken ct) =>
        BillingStore.InTenantTransactionAsync(db, async (c, tx) =>
        {
            if (lockLimits)
            {
                await BillingStore.LockLimitsAsync(c, tx, ct);
            }

            return (await BillingStore.ReadAsync(c, tx, ct), await BillingStore.UsageAsync(c, tx, ct));
        }, ct);
}
