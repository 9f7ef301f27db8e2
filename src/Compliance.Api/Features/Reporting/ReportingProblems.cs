using Microsoft.AspNetCore.Mvc;
using Microsoft.OData;

namespace Compliance.Api.Features.Reporting;

/// <summary>Refusals of OData queries as RFC 9110 problem details, naming the limit where one was hit.</summary>
public static class ReportingProblems
{
    public static ProblemDetails Refused(string message, Exception? exception)
    {
        var limit = exception is ReportingLimitException named ? named.Limit : LimitOf(exception?.Message ?? message);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status400BadRequest,
            Title = limit is null ? "The OData query is not valid." : "The OData query exceeds a reporting limit.",
            Detail = exception is null ? message : Innermost(exception).Message,
        };
        if (limit is not null)
        {
            problem.Extensions["limit"] = limit;
        }

        return problem;
    }

    public static ProblemDetails StatementTimeout(int milliseconds) => new()
    {
        Status = StatusCodes.Status400BadRequest,
        Title = "The OData query exceeds a reporting limit.",
        Detail = $"The query ran longer than the statement timeout of {milliseconds} ms. Narrow it with $filter or $top, or aggregate with $apply.",
        Extensions = { ["limit"] = ReportingLimits.Names.StatementTimeout },
    };

    /// <summary>The OData validators say which limit in their message; we name it in a stable member.</summary>
    private static string? LimitOf(string message) => message switch
    {
        _ when message.Contains("for Top query", StringComparison.OrdinalIgnoreCase) => ReportingLimits.Names.MaxTop,
        _ when message.Contains("$orderby clauses", StringComparison.Ordinal) => ReportingLimits.Names.MaxOrderByNodeCount,
        _ when message.Contains("node count", StringComparison.OrdinalIgnoreCase) => ReportingLimits.Names.MaxNodeCount,
        _ when message.Contains("MaxExpansionDepth", StringComparison.Ordinal) => ReportingLimits.Names.MaxExpansionDepth,
        _ when message.Contains("MaxAnyAllExpressionDepth", StringComparison.Ordinal) => ReportingLimits.Names.MaxAnyAllExpressionDepth,
        _ when message.Contains("AllowedQueryOptions", StringComparison.Ordinal) => ReportingLimits.Names.AllowedQueryOptions,
        _ => null,
    };

    private static Exception Innermost(Exception e) => e is ODataException or ReportingLimitException || e.InnerException is null ? e : Innermost(e.InnerException);
}

/// <summary>Writes a problem through the minimal-API problem result (application/problem+json), not an OData formatter.</summary>
public sealed class ProblemActionResult(ProblemDetails problem) : IActionResult
{
    public ProblemDetails Problem { get; } = problem;

    public Task ExecuteResultAsync(ActionContext context) => TypedResults.Problem(Problem).ExecuteAsync(context.HttpContext);
}
