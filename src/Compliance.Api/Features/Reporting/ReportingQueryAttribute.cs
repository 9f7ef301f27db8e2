using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.OData.Extensions;
using Microsoft.AspNetCore.OData.Query;
using Microsoft.AspNetCore.OData.Routing;
using Microsoft.Extensions.Options;
using Microsoft.OData;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;

namespace Compliance.Api.Features.Reporting;

/// <summary>
/// <c>[EnableQuery]</c> with the reporting limits spelled out (never <c>EnableAll</c>): page size, <c>$top</c>, node
/// counts, expansion depth, the allowed options, and the per-set <c>$expand</c> allow-list. A refused query is a
/// 400 problem naming the limit in its <c>limit</c> member.
/// </summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class, Inherited = true, AllowMultiple = false)]
public sealed class ReportingQueryAttribute : EnableQueryAttribute
{
    public const AllowedQueryOptions Allowed =
        AllowedQueryOptions.Filter | AllowedQueryOptions.Select | AllowedQueryOptions.OrderBy | AllowedQueryOptions.Top
        | AllowedQueryOptions.Skip | AllowedQueryOptions.Count | AllowedQueryOptions.Expand | AllowedQueryOptions.Apply
        | AllowedQueryOptions.SkipToken;

    public ReportingQueryAttribute()
    {
        PageSize = ReportingLimits.PageSize;
        MaxTop = ReportingLimits.MaxTop;
        MaxNodeCount = ReportingLimits.MaxNodeCount;
        MaxOrderByNodeCount = ReportingLimits.MaxOrderByNodeCount;
        MaxExpansionDepth = ReportingLimits.MaxExpansionDepth;
        MaxAnyAllExpressionDepth = ReportingLimits.MaxAnyAllExpressionDepth;
        AllowedQueryOptions = Allowed;
        EnsureStableOrdering = true;
    }

    public override void ValidateQuery(HttpRequest request, ODataQueryOptions queryOptions)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(queryOptions);
        var model = request.HttpContext.RequestServices.GetRequiredService<ReportingModel>();
        var setName = (request.ODataFeature().Path?.FirstSegment as EntitySetSegment)?.EntitySet.Name;
        var set = setName is null ? null : model.Find(setName);
        try
        {
            if (queryOptions.SelectExpand?.SelectExpandClause is { } clause)
            {
                ExpandAllowList.Check(clause, set);
            }

            if (set is not null)
            {
                DocumentProperties.Check(queryOptions, set);
                if (set.RefusesApply && queryOptions.RawValues.Apply is not null)
                {
                    throw new ReportingLimitException(
                        ReportingLimits.Names.AllowedQueryOptions,
                        $"$apply is not allowed on {set.Name}: its rows are released figures, already aggregated and suppressed; re-aggregating them could rebuild withheld cells.");
                }
            }

            base.ValidateQuery(request, queryOptions);
        }
        catch (Exception e)
        {
            // The base filter turns this into a 400 with the stack trace in it; we rewrite that 400 below.
            request.HttpContext.Items[RefusalKey] = e;
            throw;
        }
    }

    /// <summary>A page of plain rows in one statement (<see cref="PlainPage"/>); anything else as <c>[EnableQuery]</c> does it.</summary>
    public override IQueryable ApplyQuery(IQueryable queryable, ODataQueryOptions queryOptions)
    {
        var settings = new ODataQuerySettings { EnsureStableOrdering = EnsureStableOrdering, EnableConstantParameterization = true, HandleNullPropagation = HandleNullPropagation };
        return PlainPage.TryApply(queryable, queryOptions, settings, PageSize) ?? base.ApplyQuery(queryable, queryOptions);
    }

    public override void OnActionExecuting(ActionExecutingContext actionExecutingContext)
    {
        ArgumentNullException.ThrowIfNull(actionExecutingContext);
        base.OnActionExecuting(actionExecutingContext);
        actionExecutingContext.Result = AsProblem(actionExecutingContext.HttpContext, actionExecutingContext.Result);
    }

    public override void OnActionExecuted(ActionExecutedContext actionExecutedContext)
    {
        ArgumentNullException.ThrowIfNull(actionExecutedContext);
        base.OnActionExecuted(actionExecutedContext);
        var http = actionExecutedContext.HttpContext;
        actionExecutedContext.Result = AsProblem(http, actionExecutedContext.Result);
        if (actionExecutedContext.Result is ObjectResult { StatusCode: null or StatusCodes.Status200OK } && http.Items[PlainPage.Key] is PlainPage.Page page
            && http.RequestServices.GetRequiredService<IOptions<ReportingOptions>>().Value.WritePlainPagesDirectly)
        {
            actionExecutedContext.Result = new PlainFeedResult(page);
        }
    }

    private sealed class PlainFeedResult(PlainPage.Page page) : IActionResult
    {
        public Task ExecuteResultAsync(ActionContext context) =>
            PlainFeedWriter.WriteAsync(context.HttpContext, page.Set, page.Rows, page.Count, page.NextLink);
    }

    private const string RefusalKey = "reporting.refusal";

    /// <summary>The base filter answers a bad query with a SerializableError carrying the stack; we answer with a problem.</summary>
    private static IActionResult? AsProblem(HttpContext http, IActionResult? result)
    {
        if (result is not BadRequestObjectResult { Value: SerializableError error })
        {
            return result;
        }

        var cause = http.Items[RefusalKey] as Exception;
        var message = error.TryGetValue("ExceptionMessage", out var m) ? m as string : error.GetValueOrDefault("Message") as string;
        return new ProblemActionResult(ReportingProblems.Refused(message ?? "The query is not valid.", cause));
    }
}

/// <summary>A query refused by a named limit.</summary>
public sealed class ReportingLimitException(string limit, string message) : InvalidOperationException(message)
{
    public string Limit { get; } = limit;
}

/// <summary>Checks every <c>$expand</c> path (nested ones joined with <c>/</c>) against the set's allow-list.</summary>
public static class ExpandAllowList
{
    public static void Check(SelectExpandClause clause, ReportingSet? set)
    {
        foreach (var path in Paths(clause, prefix: null, depth: 1))
        {
            if (path.Depth > ReportingLimits.MaxExpansionDepth)
            {
                throw new ReportingLimitException(
                    ReportingLimits.Names.MaxExpansionDepth,
                    $"$expand '{path.Path}' is {path.Depth} levels deep; the limit is {ReportingLimits.MaxExpansionDepth}.");
            }

            if (set is null || !set.AllowsExpand(path.Path))
            {
                var allowed = set is { ExpandPaths.Count: > 0 } ? string.Join(", ", set.ExpandPaths) : "none";
                throw new ReportingLimitException(
                    ReportingLimits.Names.ExpandAllowList,
                    $"$expand '{path.Path}' is not allowed on {set?.Name ?? "this resource"}. Allowed: {allowed}.");
            }
        }
    }

    private static IEnumerable<(string Path, int Depth)> Paths(SelectExpandClause clause, string? prefix, int depth)
    {
        foreach (var item in clause.SelectedItems.OfType<ExpandedReferenceSelectItem>())
        {
            var name = string.Join("/", item.PathToNavigationProperty.Select(s => s.Identifier));
            var path = prefix is null ? name : $"{prefix}/{name}";
            yield return (path, depth);
            if (item is ExpandedNavigationSelectItem { SelectAndExpand: { } nested })
            {
                foreach (var inner in Paths(nested, path, depth + 1))
                {
                    yield return inner;
                }
            }
        }
    }
}

/// <summary>
/// A property holding a stored JSON document (an assessment's evidence, discrepancies, sources): readable with
/// <c>$select</c>, never usable in <c>$filter</c>, <c>$orderby</c> or <c>$apply</c>. PostgreSQL has no equality or
/// ordering on <c>json</c>, so such a query could only fail in the database.
/// </summary>
/// <remarks>
/// Not the model builder's <c>[NotFilterable]</c>: with it, <c>$metadata</c> would also claim <c>RequiresFilter</c> for
/// the whole set, which is not true and would mislead clients such as Excel or Power BI.
/// </remarks>
[AttributeUsage(AttributeTargets.Property)]
public sealed class StoredDocumentAttribute : Attribute;

/// <summary>Refuses <see cref="StoredDocumentAttribute"/> properties in <c>$filter</c>, <c>$orderby</c> and <c>$apply</c> with a 400 naming them.</summary>
public static class DocumentProperties
{
    public static void Check(ODataQueryOptions options, ReportingSet set)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(set);
        var documents = set.ClrType.GetProperties()
            .Where(p => p.IsDefined(typeof(StoredDocumentAttribute), inherit: true))
            .Select(p => p.Name)
            .ToHashSet(StringComparer.Ordinal);
        if (documents.Count == 0)
        {
            return;
        }

        Refuse(options.Filter?.FilterClause, "$filter", documents);
        Refuse(options.OrderBy?.OrderByClause, "$orderby", documents);
        Refuse(options.Apply?.ApplyClause, "$apply", documents);
    }

    private static void Refuse(object? clause, string option, HashSet<string> documents)
    {
        var used = new List<string>();
        Collect(clause, used, new HashSet<object>(ReferenceEqualityComparer.Instance));
        if (used.FirstOrDefault(documents.Contains) is { } name)
        {
            throw new ODataException($"The property '{name}' cannot be used in the {option} query option.");
        }
    }

    /// <summary>
    /// Every property the parsed clause reads, found by walking the URI parser's own node objects (filter, groupby,
    /// aggregate and compute nodes and the expressions inside them) rather than a list of node types that could
    /// fall behind the library. EDM objects are not walked: they describe the model, not the query.
    /// </summary>
    private static void Collect(object? node, List<string> used, HashSet<object> seen)
    {
        if (node is null || node is string || node is IEdmElement || node.GetType().IsValueType || !seen.Add(node))
        {
            return;
        }

        if (node is SingleValuePropertyAccessNode property)
        {
            used.Add(property.Property.Name);
        }

        if (node is System.Collections.IEnumerable items)
        {
            foreach (var item in items)
            {
                Collect(item, used, seen);
            }

            return;
        }

        if (node.GetType().Namespace?.StartsWith("Microsoft.OData.UriParser", StringComparison.Ordinal) != true)
        {
            return;
        }

        foreach (var member in node.GetType().GetProperties(System.Reflection.BindingFlags.Public | System.Reflection.BindingFlags.Instance))
        {
            if (member.GetIndexParameters().Length == 0 && !typeof(IEdmElement).IsAssignableFrom(member.PropertyType))
            {
                Collect(member.GetValue(node), used, seen);
            }
        }
    }
}
