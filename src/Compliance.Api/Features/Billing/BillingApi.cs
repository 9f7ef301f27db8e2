using Compliance.Api.Features.Foundation;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Npgsql;
using Stripe;

namespace Compliance.Api.Features.Billing;

/// <summary>The tenant's plan, checkout and customer portal. Never behind <see cref="PlanWriteGuardFilter"/>: a tenant must always be able to pay.</summary>
public static class BillingApi
{
    public sealed record CheckoutRequest(string? Plan) : IValidatable
    {
        public void Validate(Validator v) => v.Required("plan", Plan);
    }

    public sealed record RedirectView(string Url);

    public sealed record Amounts(long Sites, long ActiveWorkers);

    public sealed record InvoiceView(string Status, DateTimeOffset At);

    /// <param name="Plan">The plan whose limits apply now.</param>
    /// <param name="SubscribedPlan">The plan of the Stripe subscription (differs from Plan once it has ended).</param>
    /// <param name="WritesRefusedFrom">When employer-side writes stop (past due or cancelled), or null.</param>
    public sealed record BillingView(
        string Plan,
        string SubscribedPlan,
        string Status,
        Amounts Limits,
        Amounts Usage,
        DateTimeOffset? CurrentPeriodEnd,
        DateTimeOffset? WritesRefusedFrom,
        bool EmployerWritesAllowed,
        bool HasStripeCustomer,
        InvoiceView? LastInvoice,
        IReadOnlyList<string> PurchasablePlans);

    public static RouteGroupBuilder MapBillingApi(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/billing").WithTags("Billing").AddEndpointFilter<UnitOfWorkFilter>();
        group.MapGet("/", GetAsync).RequireAuthorization(Policies.ComplianceAdmin).WithSummary("The tenant's plan, status, limits, usage and period end.");
        group.MapPost("/checkout", CheckoutAsync).RequireAuthorization(Policies.Owner).WithSummary("Start a Stripe Checkout for a paid plan; returns the checkout URL.");
        group.MapPost("/portal", PortalAsync).RequireAuthorization(Policies.Owner).WithSummary("Open the Stripe customer portal (payment method, invoices, plan changes, cancel).");
        return group;
    }

    private static async Task<Ok<BillingView>> GetAsync(BillingReader reader, IOptions<BillingOptions> options, TimeProvider clock, CancellationToken ct)
    {
        var (state, usage) = await reader.ReadAsync(lockLimits: false, ct);
        var o = options.Value;
        var plan = o.Plan(state.EffectivePlan);
        var refusedFrom = state.WritesRefusedFrom(o.PastDueGraceDays);
        return TypedResults.Ok(new BillingView(
            state.EffectivePlan,
            state.Plan,
            state.Status,
            new Amounts(plan.MaxSites, plan.MaxActiveWorkers),
            new Amounts(usage.Sites, usage.ActiveWorkers),
            state.CurrentPeriodEnd,
            refusedFrom,
            refusedFrom is null || clock.GetUtcNow() < refusedFrom,
            state.StripeCustomerId is not null,
            state.LastInvoiceStatus is { } s && state.LastInvoiceAt is { } at ? new InvoiceView(s, at) : null,
            o.PurchasablePlans()));
    }

    private static async Task<Results<Ok<RedirectView>, ValidationProblem, ProblemHttpResult>> CheckoutAsync(
        CheckoutRequest request,
        ComplianceDbContext db,
        TenantContext tenant,
        StripeBilling stripe,
        IOptions<BillingOptions> options,
        TimeProvider clock,
        ILogger<StripeBilling> logger,
        CancellationToken ct)
    {
        // Without Stripe nothing is purchasable; say that, rather than "plan must be one of: (nothing)".
        if (!stripe.Configured)
        {
            return NotConfigured();
        }

        var purchasable = options.Value.PurchasablePlans();
        if (!purchasable.Contains(request.Plan!))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["plan"] = [$"Must be one of: {string.Join(", ", purchasable)}."] });
        }

        var tenantId = tenant.RequiredTenantId;
        var now = clock.GetUtcNow();
        var state = await BillingStore.InTenantTransactionAsync(db, (c, tx) => BillingStore.ReadForUpdateAsync(c, tx, now, ct), ct);
        if (state.HasLiveSubscription)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "Already subscribed",
                detail: $"The tenant has a {state.Status} {state.Plan} subscription. Change or cancel it in the customer portal (POST /api/v1/billing/portal).");
        }

        try
        {
            if (state.StripeCustomerId is null)
            {
                var owner = await db.Set<Tenant>().AsNoTracking().SingleAsync(ct);
                state = state with { StripeCustomerId = await stripe.CreateCustomerAsync(tenantId, owner.Name, owner.ContactEmail, ct) };
                await BillingStore.InTenantTransactionAsync(db, async (c, tx) =>
                {
                    await BillingStore.WriteAsync(c, tx, state, now, ct);
                    return true;
                }, ct);
            }

            return TypedResults.Ok(new RedirectView(await stripe.CreateCheckoutAsync(tenantId, state.StripeCustomerId, request.Plan!, now, ct)));
        }
        catch (StripeException ex)
        {
            return StripeFailed(logger, ex);
        }
    }

    private static async Task<Results<Ok<RedirectView>, ProblemHttpResult>> PortalAsync(
        BillingReader reader, TenantContext tenant, StripeBilling stripe, TimeProvider clock, ILogger<StripeBilling> logger, CancellationToken ct)
    {
        if (!stripe.Configured)
        {
            return NotConfigured();
        }

        var (state, _) = await reader.ReadAsync(lockLimits: false, ct);
        if (state.StripeCustomerId is null)
        {
            return TypedResults.Problem(
                statusCode: StatusCodes.Status409Conflict,
                title: "No Stripe customer yet",
                detail: "The tenant is on the free plan and has never started a checkout. Start one with POST /api/v1/billing/checkout.");
        }

        try
        {
            return TypedResults.Ok(new RedirectView(await stripe.CreatePortalAsync(tenant.RequiredTenantId, state.StripeCustomerId, clock.GetUtcNow(), ct)));
        }
        catch (StripeException ex)
        {
            return StripeFailed(logger, ex);
        }
    }

    private static ProblemHttpResult NotConfigured() => TypedResults.Problem(
        statusCode: StatusCodes.Status503ServiceUnavailable,
        title: "Billing is not configured",
        detail: "Stripe keys are not set (Billing:Stripe:SecretKey). The free plan works without them.");

    private static ProblemHttpResult StripeFailed(ILogger logger, StripeException ex)
    {
        // Type, status and Stripe's error code only: messages can carry customer details.
        logger.LogWarning("Stripe request failed: {StripeStatus} {StripeErrorCode}", (int)ex.HttpStatusCode, ex.StripeError?.Code);
        return TypedResults.Problem(
            statusCode: StatusCodes.Status502BadGateway,
            title: "Stripe request failed",
            detail: "Stripe did not complete the request. Nothing was changed; try again.");
    }
}
