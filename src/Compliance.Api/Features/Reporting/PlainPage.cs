using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.AspNetCore.Http.Extensions;
using Microsoft.AspNetCore.OData.Extensions;
using Microsoft.AspNetCore.OData.Query;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;

namespace Compliance.Api.Features.Reporting;

/// <summary>
/// A page of plain rows (no <c>$apply</c>, <c>$select</c>, <c>$expand</c>) read in ONE statement, with
/// <c>$count=true</c> too: the rows and the count of every matching row as a scalar subquery beside them (PostgreSQL
/// runs it once). <c>[EnableQuery]</c> would read the page and then send a second statement for the count, one more
/// round trip on every counted page. When the client asked for plain JSON and the rows qualify, the page is kept for
/// <see cref="PlainFeedWriter"/> instead of the library's serializer.
/// <para>
/// The options are applied in the order and with the settings <see cref="ODataQueryOptions.ApplyTo(IQueryable, ODataQuerySettings)"/>
/// uses (filter, stable order-by, skip token, skip, top, then the page of <see cref="ReportingLimits.PageSize"/>), and the
/// response carries what the default path would: <c>@odata.count</c> over the filtered rows and, when the page is
/// full, an <c>@odata.nextLink</c> with the same skip token (<see cref="ReportingSkipTokenHandler"/>). Anything this
/// does not cover (<c>$apply</c>, <c>$select</c>/<c>$expand</c> wrappers, an order-by over a path or an enum, a
/// <c>Prefer: odata.maxpagesize</c>) takes the default path.
/// </para>
/// </summary>
public static class PlainPage
{
    private static readonly ConcurrentDictionary<Type, Func<IQueryable, ODataQueryOptions, ODataQuerySettings, int, IQueryable?>> Appliers = new();

    /// <summary>Where a page for <see cref="PlainFeedWriter"/> waits in <see cref="HttpContext.Items"/>.</summary>
    public static readonly object Key = new();

    private static readonly MethodInfo ApplyMethod = typeof(PlainPage).GetMethod(nameof(Apply), BindingFlags.NonPublic | BindingFlags.Static)!;

    /// <summary>The page, or null when the request needs the default path.</summary>
    public static IQueryable? TryApply(IQueryable queryable, ODataQueryOptions options, ODataQuerySettings settings, int pageSize)
    {
        ArgumentNullException.ThrowIfNull(queryable);
        ArgumentNullException.ThrowIfNull(options);
        if (!Applies(queryable, options))
        {
            return null;
        }

        var apply = Appliers.GetOrAdd(queryable.ElementType, static type =>
            ApplyMethod.MakeGenericMethod(type).CreateDelegate<Func<IQueryable, ODataQueryOptions, ODataQuerySettings, int, IQueryable?>>());
        return apply(queryable, options, settings, pageSize);
    }

    private static bool Applies(IQueryable queryable, ODataQueryOptions options)
    {
        if (options.Apply is not null || options.SelectExpand is not null || options.Compute is not null
            || options.Search is not null || options.Request.IsCountRequest() || options.Request.Headers.ContainsKey("Prefer")
            || options.Context.ElementClrType != queryable.ElementType || options.Context.ElementType is not IEdmEntityType entity)
        {
            return false;
        }

        // The skip token is written from plain top-level properties; enums and paths go to the default handler.
        for (var clause = options.OrderBy?.OrderByClause; clause is not null; clause = clause.ThenBy)
        {
            if (clause.Expression is not SingleValuePropertyAccessNode { Source: ResourceRangeVariableReferenceNode } property || property.Property.Type.IsEnum())
            {
                return false;
            }
        }

        return entity.Key().All(k => !k.Type.IsEnum());
    }

    private static IQueryable? Apply<T>(IQueryable queryable, ODataQueryOptions options, ODataQuerySettings settings, int pageSize)
    {
        var filtered = (IQueryable<T>)(options.Filter?.ApplyTo(queryable, settings) ?? queryable);
        IQueryable page = filtered;
        if (options.GenerateStableOrder() is { } order)
        {
            page = order.ApplyTo(page, settings);
        }

        if (options.SkipToken is not null)
        {
            page = options.SkipToken.ApplyTo(page, settings, options);
        }

        if (options.Skip is not null)
        {
            page = options.Skip.ApplyTo(page, settings);
        }

        if (options.Top is not null)
        {
            page = options.Top.ApplyTo(page, settings);
        }

        // One statement: the page plus one row, each beside the count of all filtered rows when it was asked for.
        var counted = options.Count?.Value == true;
        var next = ((IQueryable<T>)page).Take(pageSize + 1);
        var rows = counted ? next.Select(row => new Counted<T>(row, filtered.LongCount())).ToList() : next.AsEnumerable().Select(row => new Counted<T>(row, 0)).ToList();
        var truncated = rows.Count > pageSize;
        var items = rows.Take(pageSize).Select(r => r.Row).ToList();

        string? token = null;
        var entity = (IEdmEntityType)options.Context.ElementType;
        if (truncated)
        {
            token = ReportingSkipTokenHandler.SkipToken(items[^1], options.Context.Model, entity, options.OrderBy?.OrderByClause);
            if (token is null)
            {
                return null;
            }
        }

        var feature = options.Request.ODataFeature();
        if (counted)
        {
            // An empty page ($skip past the end, $top=0) has no row to carry the count: only then is it a statement of its own.
            feature.TotalCount = rows.Count > 0 ? rows[0].Total : filtered.LongCount();
        }

        if (token is not null)
        {
            feature.NextLink = ReportingSkipTokenHandler.NextPageLink(new Uri(options.Request.GetEncodedUrl()), pageSize, token);
        }

        if (options.Context.NavigationSource is IEdmEntitySetBase set && PlainFeedWriter.Accepts(options.Request) && PlainFeedWriter.CanWrite(entity, typeof(T)))
        {
            options.Request.HttpContext.Items[Key] = new Page(set, [.. items.Cast<object>()], counted ? feature.TotalCount : null, feature.NextLink);
        }

        return items.AsQueryable();
    }

    /// <summary>A page ready for <see cref="PlainFeedWriter"/>.</summary>
    public sealed record Page(IEdmEntitySetBase Set, IReadOnlyList<object> Rows, long? Count, Uri? NextLink);

    private sealed record Counted<T>(T Row, long Total);
}
