using System.Text.Json;
using Compliance.Api.Infrastructure.Database;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using Npgsql;
using Stripe;

namespace Compliance.Api.Features.Billing;

/// <summary>
/// <c>POST /api/v1/billing/stripe-webhook</c>: Stripe's signed events. The raw body is verified before anything
/// reads it; each event is applied at most once (its id is recorded in the same transaction as the change), and
/// events are applied by their order in Stripe, not by their order of arrival.
/// </summary>
public static class StripeWebhook
{
    public const int ToleranceSeconds = 300;

    public static RouteGroupBuilder MapStripeWebhook(this RouteGroupBuilder api)
    {
        api.MapPost("/billing/stripe-webhook", ReceiveAsync)
            .AllowAnonymous()
            .WithTags("Billing")
            .WithSummary("Stripe webhook (signed with the endpoint secret; Stripe calls it, not clients).");
        return api;
    }

    private static async Task<Results<Ok, ProblemHttpResult>> ReceiveAsync(
        HttpRequest request, StripeEventProcessor processor, IOptions<BillingOptions> options, TimeProvider clock, ILogger<StripeEventProcessor> logger, CancellationToken ct)
    {
        var stripe = options.Value.Stripe;
        if (string.IsNullOrWhiteSpace(stripe.WebhookSecret))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Billing is not configured", detail: "Billing:Stripe:WebhookSecret is not set.");
        }

        string json;
        using (var reader = new StreamReader(request.Body))
        {
            json = await reader.ReadToEndAsync(ct);
        }

        Event stripeEvent;
        try
        {
            var signature = request.Headers["Stripe-Signature"].ToString();
            if (string.IsNullOrEmpty(signature))
            {
                return Rejected("The Stripe-Signature header is missing.");
            }

            // Verifies first, then parses; the 5-minute window is measured on our clock (tests move it).
            // A payload of another API release train is refused rather than misread (configure the endpoint's version).
            stripeEvent = EventUtility.ConstructEvent(json, signature, stripe.WebhookSecret, ToleranceSeconds, clock.GetUtcNow().ToUnixTimeSeconds(), throwOnApiVersionMismatch: true);
        }
        catch (Exception ex) when (ex is StripeException or JsonException or ArgumentException or FormatException or OverflowException)
        {
            // Never the body or the header: the reason is enough to diagnose a wrong secret or a replay.
            logger.LogWarning("Stripe webhook rejected: {Reason}", ex.GetType().Name + ": " + FirstSentence(ex.Message));
            return Rejected("The webhook signature, timestamp or payload is not valid.");
        }

        if (stripeEvent.Livemode != stripe.LiveMode)
        {
            logger.LogWarning("Stripe webhook rejected: livemode {EventLivemode} does not match this deployment", stripeEvent.Livemode);
            return Rejected("The event's livemode does not match this deployment.");
        }

        await processor.ProcessAsync(stripeEvent, ct);
        return TypedResults.Ok();
    }

    private static string FirstSentence(string message) => message.Split('.', 2)[0];

    private static ProblemHttpResult Rejected(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Webhook rejected", detail: detail);
}

/// <summary>Applies one verified Stripe event to its tenant's billing state, exactly once.</summary>
public sealed class StripeEventProcessor(NpgsqlDataSource dataSource, IOptions<BillingOptions> options, TimeProvider clock, ILogger<StripeEventProcessor> logger)
{
    public async Task ProcessAsync(Event stripeEvent, CancellationToken ct)
    {
        var (eventId, eventType) = (stripeEvent.Id, stripeEvent.Type);
        var change = Describe(stripeEvent);
        if (change is null)
        {
            BillingLog.EventIgnored(logger, eventType, eventId);
            return;
        }

        var tenantId = await BillingStore.TenantByCustomerAsync(dataSource, change.CustomerId, ct) ?? change.FallbackTenantId;
        if (tenantId is null)
        {
            logger.LogWarning("Stripe event {EventType} {EventId} names a customer of no tenant; ignored", stripeEvent.Type, stripeEvent.Id);
            return;
        }

        var now = clock.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await TenantSql.SetAsync(connection, tx, tenantId.Value, supplierId: null, ct);

        // The dedupe row first: a concurrent delivery of the same event waits here for this transaction, then
        // finds the row and changes nothing.
        await using (var record = new NpgsqlCommand(
            "insert into stripe_events (tenant_id, event_id, type, created_at, received_at) values (app.current_tenant(), @id, @type, @created, @now) on conflict do nothing",
            connection,
            tx))
        {
            record.Parameters.AddWithValue("id", stripeEvent.Id);
            record.Parameters.AddWithValue("type", stripeEvent.Type);
            record.Parameters.AddWithValue("created", new DateTimeOffset(stripeEvent.Created, TimeSpan.Zero));
            record.Parameters.AddWithValue("now", now);
            if (await record.ExecuteNonQueryAsync(ct) == 0)
            {
                BillingLog.EventDuplicate(logger, eventId);
                await tx.CommitAsync(ct);
                return;
            }
        }

        var before = await BillingStore.ReadForUpdateAsync(connection, tx, now, ct);
        var after = change.Apply(before);
        if (after.StripeCustomerId is { } customer && before.StripeCustomerId is { } known && customer != known)
        {
            logger.LogWarning("Stripe event {EventId} names another customer than the tenant's; ignored", stripeEvent.Id);
            after = before;
        }

        await BillingStore.WriteAsync(connection, tx, after, now, ct);
        await tx.CommitAsync(ct);
        BillingLog.EventApplied(logger, eventType, eventId, before.Plan, before.Status, after.Plan, after.Status);
    }

    private Change? Describe(Event e)
    {
        var created = new DateTimeOffset(e.Created, TimeSpan.Zero);
        switch (e.Data.Object)
        {
            case Stripe.Checkout.Session session when e.Type == EventTypes.CheckoutSessionCompleted && session.CustomerId is not null:
                var plan = session.Metadata?.GetValueOrDefault("plan") is { } p && options.Value.PurchasablePlans().Contains(p) ? p : null;
                var tenant = Guid.TryParse(session.ClientReferenceId, out var t) ? t : (Guid?)null;
                return new Change(session.CustomerId, tenant, s => BillingTransitions.ApplyCheckout(s, session.CustomerId, session.SubscriptionId, plan));

            case Subscription subscription when e.Type is EventTypes.CustomerSubscriptionCreated or EventTypes.CustomerSubscriptionUpdated or EventTypes.CustomerSubscriptionDeleted:
                var item = subscription.Items?.Data?.FirstOrDefault();
                var planOfPrice = options.Value.PlanForPrice(item?.Price?.Id);
                if (planOfPrice is null)
                {
                    logger.LogWarning("Stripe event {EventId}: the subscription's price is not a configured plan; plan kept", e.Id);
                }

                var snapshot = new SubscriptionSnapshot(
                    e.Id,
                    created,
                    subscription.Id,
                    e.Type == EventTypes.CustomerSubscriptionDeleted ? SubscriptionStatuses.Canceled : subscription.Status,
                    planOfPrice,
                    Utc(item?.CurrentPeriodStart),
                    Utc(item?.CurrentPeriodEnd),
                    Utc(subscription.EndedAt));
                return new Change(subscription.CustomerId, null, s => BillingTransitions.Apply(s, snapshot));

            case Invoice invoice when e.Type is EventTypes.InvoicePaid or EventTypes.InvoicePaymentFailed && invoice.CustomerId is not null:
                var paid = e.Type == EventTypes.InvoicePaid;
                return new Change(invoice.CustomerId, null, s => BillingTransitions.ApplyInvoice(s, created, paid));

            default:
                return null;
        }
    }

    private static DateTimeOffset? Utc(DateTime? value) => value is { } v && v != default ? new DateTimeOffset(DateTime.SpecifyKind(v, DateTimeKind.Utc)) : null;

    private static DateTimeOffset? Utc(DateTime value) => Utc((DateTime?)value);

    /// <param name="FallbackTenantId">For a checkout whose customer is not linked yet: the tenant we put in client_reference_id.</param>
    private sealed record Change(string CustomerId, Guid? FallbackTenantId, Func<BillingState, BillingState> Apply);
}
