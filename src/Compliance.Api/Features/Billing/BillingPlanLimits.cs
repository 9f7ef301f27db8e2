using Compliance.Api.Features.Foundation;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Features.Billing;

/// <summary>
/// Plan-backed limits. Only employer-side writes ask (sites, workers, suppliers...); intake, follow-up, case
/// handling, risk and escalation never do, so billing can never silence a worker (DNH-7).
/// </summary>
public sealed class BillingPlanLimits(BillingReader reader, IOptions<BillingOptions> options, TimeProvider clock) : IPlanLimits
{
    public async Task<LimitDecision> CheckAsync(PlanResource resource, int adding, CancellationToken ct)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(adding);
        if (reader.TenantId is null)
        {
            return LimitDecision.Allow(resource);
        }

        var (state, usage) = await reader.ReadAsync(lockLimits: true, ct);
        var planName = state.EffectivePlan;
        var plan = options.Value.Plan(planName);
        long limit = resource == PlanResource.Sites ? plan.MaxSites : plan.MaxActiveWorkers;
        var used = usage.Of(resource);
        return new LimitDecision(used + adding <= limit, resource, limit, used, planName);
    }

    public async Task<IResult?> CheckWritableAsync(CancellationToken ct)
    {
        if (reader.TenantId is null)
        {
            return null;
        }

        var (state, _) = await reader.ReadAsync(lockLimits: false, ct);
        return WriteRefusal(state, options.Value.PastDueGraceDays, clock.GetUtcNow());
    }

    /// <summary>The 402 for a tenant whose grace period is over, or null while writes are allowed.</summary>
    public static IResult? WriteRefusal(BillingState state, int graceDays, DateTimeOffset now)
    {
        if (state.WritesRefusedFrom(graceDays) is not { } from || now < from)
        {
            return null;
        }

        var why = state.Status == SubscriptionStatuses.Canceled ? "the subscription was cancelled" : "payment is overdue";
        return TypedResults.Problem(
            statusCode: StatusCodes.Status402PaymentRequired,
            title: "Billing requires attention",
            detail: $"Employer-side changes are paused because {why} and the {graceDays}-day grace period ended. Reading data, the worker channel and case handling continue. Update billing to resume.",
            extensions: new Dictionary<string, object?> { ["billingStatus"] = state.Status, ["graceEndedAt"] = from });
    }
}
