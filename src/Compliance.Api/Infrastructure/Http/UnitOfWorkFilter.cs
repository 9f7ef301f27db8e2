using Compliance.Api.Infrastructure.Database;

namespace Compliance.Api.Infrastructure.Http;

/// <summary>
/// One database transaction per request, scoped to the request's tenant by
/// <see cref="TenantTransactionInterceptor"/>. Committed only when the endpoint succeeds, so a failed
/// request writes nothing.
/// </summary>
public sealed class UnitOfWorkFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var db = context.HttpContext.RequestServices.GetRequiredService<ComplianceDbContext>();
        await using var transaction = await JoinedTransaction.JoinOrBeginAsync(db, context.HttpContext.RequestAborted);
        var result = await next(context);
        if (StatusOf(result) is < 400)
        {
            await transaction.CommitIfOwnedAsync(context.HttpContext.RequestAborted);
        }
        else
        {
            await transaction.RollbackIfOwnedAsync(context.HttpContext.RequestAborted);
        }

        return result;
    }

    private static int StatusOf(object? result) => result switch
    {
        INestedHttpResult nested => StatusOf(nested.Result),
        IStatusCodeHttpResult { StatusCode: int code } => code,
        _ => 200,
    };
}
