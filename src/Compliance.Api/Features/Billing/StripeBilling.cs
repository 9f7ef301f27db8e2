using Microsoft.Extensions.Options;
using Stripe;

namespace Compliance.Api.Features.Billing;

/// <summary>
/// The three Stripe calls billing makes, through the injected <see cref="StripeClient"/>. Every call carries an
/// idempotency key derived from the operation, so a retry (Stripe.net's own, or a repeated request after our
/// transaction rolled back) returns the first result instead of creating a second object.
/// </summary>
public sealed class StripeBilling(IOptions<BillingOptions> options, StripeClient? client)
{
    /// <summary>How long a checkout link stays valid; its idempotency key changes every hour.</summary>
    private static readonly TimeSpan CheckoutBucket = TimeSpan.FromHours(1);

    /// <summary>Portal sessions are short-lived; the same link is handed out within five minutes.</summary>
    private static readonly TimeSpan PortalBucket = TimeSpan.FromMinutes(5);

    public bool Configured => client is not null;

    private StripeClient Client => client ?? throw new InvalidOperationException("Billing:Stripe:SecretKey is not configured.");

    public async Task<string> CreateCustomerAsync(Guid tenantId, string name, string email, CancellationToken ct)
    {
        var customer = await new CustomerService(Client).CreateAsync(
            new CustomerCreateOptions { Name = name, Email = email, Metadata = new() { ["tenant_id"] = tenantId.ToString() } },
            new RequestOptions { IdempotencyKey = $"customer-create:{tenantId}" },
            ct);
        return customer.Id;
    }

    public async Task<string> CreateCheckoutAsync(Guid tenantId, string customerId, string plan, DateTimeOffset now, CancellationToken ct)
    {
        var stripe = options.Value.Stripe;
        var bucket = Bucket(now, CheckoutBucket);
        var metadata = new Dictionary<string, string> { ["tenant_id"] = tenantId.ToString(), ["plan"] = plan };
        var session = await new Stripe.Checkout.SessionService(Client).CreateAsync(
            new Stripe.Checkout.SessionCreateOptions
            {
                Mode = "subscription",
                Customer = customerId,
                ClientReferenceId = tenantId.ToString(),
                LineItems = [new Stripe.Checkout.SessionLineItemOptions { Price = options.Value.Plan(plan).PriceId, Quantity = 1 }],
                SuccessUrl = stripe.SuccessUrl,
                CancelUrl = stripe.CancelUrl,
                Metadata = metadata,
                SubscriptionData = new Stripe.Checkout.SessionSubscriptionDataOptions { Metadata = metadata },

                // Derived from the bucket, not from now, so a replay within the hour sends identical parameters.
                ExpiresAt = bucket.Add(CheckoutBucket * 2).UtcDateTime,
            },
            new RequestOptions { IdempotencyKey = $"checkout:{tenantId}:{plan}:{customerId}:{bucket.ToUnixTimeSeconds()}" },
            ct);
        return session.Url;
    }

    public async Task<string> CreatePortalAsync(Guid tenantId, string customerId, DateTimeOffset now, CancellationToken ct)
    {
        var session = await new Stripe.BillingPortal.SessionService(Client).CreateAsync(
            new Stripe.BillingPortal.SessionCreateOptions { Customer = customerId, ReturnUrl = options.Value.Stripe.PortalReturnUrl },
            new RequestOptions { IdempotencyKey = $"portal:{tenantId}:{customerId}:{Bucket(now, PortalBucket).ToUnixTimeSeconds()}" },
            ct);
        return session.Url;
    }

    private static DateTimeOffset Bucket(DateTimeOffset now, TimeSpan size) =>
        new(now.UtcTicks - (now.UtcTicks % size.Ticks), TimeSpan.Zero);
}
