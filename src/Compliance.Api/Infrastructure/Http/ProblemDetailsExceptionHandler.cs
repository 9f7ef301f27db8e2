using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Compliance.Api.Infrastructure.Http;

/// <summary>
/// The one place exceptions become RFC 9110 problem details. Malformed JSON names the offending field;
/// unique violations are 409; a cancelled statement is 503; anything else is a 500 that reveals nothing.
/// </summary>
public sealed class ProblemDetailsExceptionHandler(IProblemDetailsService problems, ILogger<ProblemDetailsExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        // EF wraps database errors; the PostgreSQL error decides the answer.
        var cause = exception is Microsoft.EntityFrameworkCore.DbUpdateException { InnerException: PostgresException db } ? db : exception;
        ProblemDetails problem = cause switch
        {
            BadHttpRequestException { InnerException: JsonException json } => JsonProblem(json),
            BadHttpRequestException bind when BindingField(bind.Message) is { } field => new ValidationProblemDetails(
                new Dictionary<string, string[]> { [field] = ["The value has the wrong type or format."] })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "One or more validation errors occurred.",
            },
            BadHttpRequestException bad => new ProblemDetails { Status = bad.StatusCode, Title = TitleFor(bad.StatusCode), Detail = SafeDetail(bad) },
            PostgresException { SqlState: PostgresErrorCodes.UniqueViolation } pg => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Conflict",
                Detail = $"A resource with the same unique values already exists ({pg.ConstraintName}).",
            },
            PostgresException { SqlState: PostgresErrorCodes.ForeignKeyViolation } => new ProblemDetails
            {
                Status = StatusCodes.Status409Conflict,
                Title = "Conflict",
                Detail = "The resource is still referenced by other records, or refers to one that does not exist.",
            },
            PostgresException { SqlState: PostgresErrorCodes.QueryCanceled } => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Query took too long",
                Detail = "The database statement timeout was reached. Narrow the request.",
            },
            _ => new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "An unexpected error occurred." },
        };

        if (problem.Status == StatusCodes.Status500InternalServerError)
        {
            // The exception type and stack only: messages can echo request data.
            logger.LogError("Unhandled {ExceptionType} at {StackTrace}", exception.GetType().FullName, exception.StackTrace);
        }

        httpContext.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private static ValidationProblemDetails JsonProblem(JsonException json)
    {
        var field = JsonPath.ToField(json.Path);
        var message = json.Message.Contains("could not be mapped", StringComparison.Ordinal)
            ? "Unknown property."
            : "The value is missing or has the wrong type or format.";
        var unknown = json.Message.Contains("could not be mapped", StringComparison.Ordinal) ? UnknownMember(json.Message) : null;
        return new ValidationProblemDetails(new Dictionary<string, string[]> { [unknown ?? field] = [message] })
        {
            Status = StatusCodes.Status400BadRequest,
            Title = "One or more validation errors occurred.",
        };
    }

    /// <summary>Minimal APIs report a bad route/query value as: Failed to bind parameter "int? Page" from "abc".</summary>
    private static string? BindingField(string message)
    {
        const string marker = "Failed to bind parameter \"";
        var start = message.IndexOf(marker, StringComparison.Ordinal);
        if (start < 0)
        {
            return null;
        }

        var end = message.IndexOf('"', start + marker.Length);
        var declaration = end < 0 ? null : message[(start + marker.Length)..end];
        var name = declaration?.Split(' ').LastOrDefault();
        return string.IsNullOrEmpty(name) ? null : char.ToLowerInvariant(name[0]) + name[1..];
    }

    /// <summary>System.Text.Json reports an unmapped member as "The JSON property 'x' could not be mapped ...".</summary>
    private static string? UnknownMember(string message)
    {
        var start = message.IndexOf('\'', StringComparison.Ordinal);
        var end = start < 0 ? -1 : message.IndexOf('\'', start + 1);
        return start >= 0 && end > start ? message[(start + 1)..end] : null;
    }

    private static string SafeDetail(BadHttpRequestException bad) => bad.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => "The request body is too large.",
        StatusCodes.Status415UnsupportedMediaType => "Send the body as application/json.",
        _ => "The request could not be read.",
    };

    internal static string TitleFor(int status) => status switch
    {
        400 => "Bad request",
        401 => "Unauthorized",
        402 => "Payment required",
        403 => "Forbidden",
        404 => "Not found",
        405 => "Method not allowed",
        409 => "Conflict",
        413 => "Payload too large",
        415 => "Unsupported media type",
        429 => "Too many requests",
        _ => "Error",
    };
}

/// <summary>Turns a System.Text.Json path (<c>$.recruitment.channel</c>, <c>$.fees[2].amount</c>) into a field name.</summary>
public static class JsonPath
{
    public static string ToField(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
        {
            return "body";
        }

        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }
}
