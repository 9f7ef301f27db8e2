namespace Compliance.Api.Infrastructure.Http;

/// <summary>Runs <see cref="IValidatable.Validate"/> on every validatable argument; any error is a 400 listing all fields.</summary>
public sealed class ValidationFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var validator = new Validator();
        foreach (var argument in context.Arguments)
        {
            if (argument is IValidatable validatable)
            {
                validatable.Validate(validator);
            }
        }

        return validator.IsValid ? await next(context) : TypedResults.ValidationProblem(validator.Errors, title: "One or more validation errors occurred.");
    }
}
