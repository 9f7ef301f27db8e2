namespace Compliance.Api.Features.Foundation;

/// <summary>What a plan limits.</summary>
public enum PlanResource
{
    Sites,
    ActiveWorkers,
}

/// <summary>The answer to "may this tenant add that many?": allowed, or refused with the limit and current usage.</summary>
public sealed record LimitDecision(bool Allowed, PlanResource Resource, long Limit, long Usage, string Plan)
{
    public static LimitDecision Allow(PlanResource resource) => new(true, resource, long.MaxValue, 0, "unlimited");

    /// <summary>The 402 problem for a refusal: it states the plan, the limit and the usage.</summary>
    public Microsoft.AspNetCore.Http.HttpResults.ProblemHttpResult ToProblem() => TypedResults.Problem(
        statusCode: StatusCodes.Status402PaymentRequired,
        title: "Plan limit reached",
        detail: $"The {Plan} plan allows {Limit} {Name}; the tenant has {Usage}. Upgrade the plan to add more.",
        extensions: new Dictionary<string, object?> { ["resource"] = Name, ["limit"] = Limit, ["usage"] = Usage, ["plan"] = Plan });

    private string Name => Resource == PlanResource.Sites ? "sites" : "active workers";
}

/// <summary>
/// Employer-side plan limits. Called by employer-side writes only: nothing on the worker path, case handling,
/// risk assessment or escalation ever asks (DNH-7).
/// </summary>
public interface IPlanLimits
{
    /// <summary>May the current tenant add <paramref name="adding"/> more of <paramref name="resource"/>?</summary>
    Task<LimitDecision> CheckAsync(PlanResource resource, int adding, CancellationToken ct);

    /// <summary>Null when employer-side writes are allowed; otherwise the 402 problem (e.g. past due beyond grace).</summary>
    Task<IResult?> CheckWritableAsync(CancellationToken ct);
}

/// <summary>
/// The default until billing is configured: no limits. The billing feature replaces it with the plan-backed
/// implementation (see BillingModule).
/// </summary>
public sealed class NoPlanLimits : IPlanLimits
{
    public Task<LimitDecision> CheckAsync(PlanResource resource, int adding, CancellationToken ct) => Task.FromResult(LimitDecision.Allow(resource));

    public Task<IResult?> CheckWritableAsync(CancellationToken ct) => Task.FromResult<IResult?>(null);
}

/// <summary>Refuses employer-side writes (non-GET) when the tenant's billing state forbids them. Never on the worker path.</summary>
public sealed class PlanWriteGuardFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        if (!HttpMethods.IsGet(context.HttpContext.Request.Method))
        {
            var limits = context.HttpContext.RequestServices.GetRequiredService<IPlanLimits>();
            if (await limits.CheckWritableAsync(context.HttpContext.RequestAborted) is { } refusal)
            {
                return refusal;
            }
        }

        return await next(context);
    }
}
