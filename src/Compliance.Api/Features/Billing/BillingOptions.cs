using Microsoft.Extensions.Options;

namespace Compliance.Api.Features.Billing;

/// <summary>Billing configuration (section <c>Billing</c>). The free plan needs no Stripe settings at all.</summary>
public sealed class BillingOptions
{
    public const string Section = "Billing";
    public const string Free = "free";
    public const string Standard = "standard";
    public const string Enterprise = "enterprise";

    public static readonly IReadOnlyList<string> PlanNames = [Free, Standard, Enterprise];

    /// <summary>Keyed by plan name: <c>free</c>, <c>standard</c>, <c>enterprise</c>.</summary>
    public Dictionary<string, PlanOptions> Plans { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Days a <c>past_due</c>, <c>unpaid</c> or cancelled tenant keeps employer-side writes.</summary>
    public int PastDueGraceDays { get; set; } = 14;

    public StripeOptions Stripe { get; set; } = new();

    public PlanOptions Plan(string name) => Plans.TryGetValue(name, out var plan) ? plan : Plans[Free];

    /// <summary>The plan whose Stripe price is <paramref name="priceId"/>, or null for a price we do not sell.</summary>
    public string? PlanForPrice(string? priceId) =>
        priceId is null ? null : Plans.FirstOrDefault(p => p.Value.PriceId == priceId && p.Key != Free).Key;

    /// <summary>Paid plans that can be bought through checkout (they have a price id).</summary>
    public IReadOnlyList<string> PurchasablePlans() =>
        [.. PlanNames.Where(p => p != Free && !string.IsNullOrWhiteSpace(Plan(p).PriceId))];
}

public sealed class PlanOptions
{
    /// <summary>The Stripe price (recurring) of the plan; none for free.</summary>
    public string? PriceId { get; set; }

    public int MaxSites { get; set; }

    public int MaxActiveWorkers { get; set; }
}

public sealed class StripeOptions
{
    /// <summary>Secret (or restricted) API key. Unset: checkout and portal answer 503; the free plan still works.</summary>
    public string? SecretKey { get; set; }

    /// <summary>Signing secret of the webhook endpoint (<c>whsec_...</c>). Unset: the webhook answers 503.</summary>
    public string? WebhookSecret { get; set; }

    /// <summary>Overrides Stripe's API base URL (tests point it at WireMock).</summary>
    public string? ApiBase { get; set; }

    /// <summary>Whether this deployment takes live-mode events; test-mode events are refused when true and vice versa.</summary>
    public bool LiveMode { get; set; }

    /// <summary>Retries of a failed Stripe request (same idempotency key each time).</summary>
    public int MaxNetworkRetries { get; set; } = 2;

    public string SuccessUrl { get; set; } = "http://localhost:5000/billing/success";

    public string CancelUrl { get; set; } = "http://localhost:5000/billing/cancelled";

    public string PortalReturnUrl { get; set; } = "http://localhost:5000/billing";

    public bool ApiConfigured => !string.IsNullOrWhiteSpace(SecretKey);
}

internal sealed class BillingOptionsValidator : IValidateOptions<BillingOptions>
{
    public ValidateOptionsResult Validate(string? name, BillingOptions options)
    {
        var errors = new List<string>();
        foreach (var plan in BillingOptions.PlanNames)
        {
            if (!options.Plans.TryGetValue(plan, out var p))
            {
                errors.Add($"Billing:Plans:{plan} is missing.");
                continue;
            }

            if (p.MaxSites < 1 || p.MaxActiveWorkers < 1)
            {
                errors.Add($"Billing:Plans:{plan} needs MaxSites and MaxActiveWorkers of at least 1.");
            }
        }

        if (options.Plans.Keys.Except(BillingOptions.PlanNames).ToList() is { Count: > 0 } unknown)
        {
            errors.Add($"Unknown plans in Billing:Plans: {string.Join(", ", unknown)}.");
        }

        if (options.PastDueGraceDays is < 0 or > 90)
        {
            errors.Add("Billing:PastDueGraceDays must be between 0 and 90.");
        }

        var stripe = options.Stripe;
        if (stripe.ApiConfigured)
        {
            if (!stripe.SecretKey!.StartsWith("sk_", StringComparison.Ordinal) && !stripe.SecretKey.StartsWith("rk_", StringComparison.Ordinal))
            {
                errors.Add("Billing:Stripe:SecretKey must be a secret (sk_) or restricted (rk_) key.");
            }
            else if (stripe.SecretKey.Contains("_live_", StringComparison.Ordinal) != stripe.LiveMode)
            {
                errors.Add("Billing:Stripe:LiveMode does not match the kind of Billing:Stripe:SecretKey (live or test).");
            }
        }

        if (stripe.ApiBase is not null && !Uri.TryCreate(stripe.ApiBase, UriKind.Absolute, out _))
        {
            errors.Add("Billing:Stripe:ApiBase must be an absolute URL.");
        }

        if (stripe.MaxNetworkRetries is < 0 or > 5)
        {
            errors.Add("Billing:Stripe:MaxNetworkRetries must be between 0 and 5.");
        }

        // Error texts name settings, never their values: a key must not reach a log.
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
