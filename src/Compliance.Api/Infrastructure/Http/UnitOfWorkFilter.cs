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
        if (db.Database.CurrentTransaction is not null)
        {
            return await next(context);
        }

        await using var transaction = await db.Database.BeginTransactionAsync(context.HttpContext.RequestAborted);
        var result = await next(context);
        if (StatusOf(result) is < 400)
        {
            await transaction.CommitAsync(context.HttpContext.RequestAborted);
        }
        else
        {
            await transaction.RollbackAsync(context.HttpContext.RequestAborted);
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
