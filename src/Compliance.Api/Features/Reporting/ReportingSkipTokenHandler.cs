using System.Collections.Concurrent;
using System.Globalization;
using System.Linq.Expressions;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.OData.Formatter.Serialization;
using Microsoft.AspNetCore.OData.Formatter.Value;
using Microsoft.AspNetCore.OData.Query;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.OData;
using Microsoft.OData.Edm;
using Microsoft.OData.ModelBuilder;
using Microsoft.OData.UriParser;

namespace Compliance.Api.Features.Reporting;

/// <summary>
/// The <c>@odata.nextLink</c> of a page of plain rows, without compiling code per request.
/// <para>
/// <see cref="DefaultSkipTokenHandler"/> reads the last row's order-by values by building and compiling a projection
/// (a new dynamic method) on every paged response; the compile and the finaliser work it leaves behind were the
/// largest single cost of a paged <c>/odata</c> request. Here the values are read through getters compiled once per
/// row type and property. The token has the default handler's format (<c>Name-literal,...</c> over the order-by
/// properties, then any key not ordered by), so the default handler still applies it to the next request.
/// </para>
/// Anything else (an <c>$apply</c> or <c>$select</c> wrapper, a nested expanded collection, an order-by over a path
/// rather than a property) goes to the default handler unchanged.
/// </summary>
public sealed class ReportingSkipTokenHandler : DefaultSkipTokenHandler
{
    public override Uri GenerateNextPageLink(Uri baseUri, int pageSize, object instance, ODataSerializerContext context)
    {
        // Top level only: a nested expanded collection carries its own order-by, which the default handler reads.
        var token = pageSize > 0 && context is { NavigationProperty: null, ExpandedResource: null, QueryOptions.Context.DefaultQueryConfigurations.EnableSkipToken: true }
            ? SkipToken(instance, context)
            : null;
        return token is null ? base.GenerateNextPageLink(baseUri, pageSize, instance, context) : NextPageLink(baseUri, pageSize, token)!;
    }

    /// <summary>The skip token for a plain row ordered by top-level properties; null when the default handler must decide.</summary>
    public static string? SkipToken(object? row, ODataSerializerContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return SkipToken(row, context.Model, context.NavigationSource?.EntityType, context.QueryOptions?.OrderBy?.OrderByClause);
    }

    /// <summary>The same token from the model, the set's entity type and the request's <c>$orderby</c> (null when none).</summary>
    public static string? SkipToken(object? row, IEdmModel model, IEdmEntityType? entity, OrderByClause? orderBy)
    {
        ArgumentNullException.ThrowIfNull(model);
        // A plain row of the set's own entity type; wrappers ($select, $expand, $apply) already carry their values.
        if (row is null or IEdmStructuredObject || entity is null || model.GetAnnotationValue<ClrTypeAnnotation>(entity)?.ClrType != row.GetType())
        {
            return null;
        }

        var names = new List<string>();
        for (var clause = orderBy; clause is not null; clause = clause.ThenBy)
        {
            if (clause.Expression is not SingleValuePropertyAccessNode { Source: ResourceRangeVariableReferenceNode } property)
            {
                return null;
            }

            names.Add(property.Property.Name);
        }

        names.AddRange(entity.Key().Select(k => k.Name).Where(k => !names.Contains(k)));

        var token = new StringBuilder();
        foreach (var name in names)
        {
            if (RowGetters.Get(row.GetType(), name) is not { } getter || getter(row) is Enum)
            {
                return null;
            }

            var literal = ODataUriUtils.ConvertToUriLiteral(getter(row), ODataVersion.V401, model);
            token.Append(token.Length == 0 ? string.Empty : ",").Append(name).Append('-').Append(WebUtility.UrlEncode(literal));
        }

        return token.ToString();
    }

    /// <summary>The request's own query with <c>$skip</c> and any old token dropped, <c>$top</c> reduced by this page, and the new token.</summary>
    public static Uri? NextPageLink(Uri requestUri, int pageSize, string skipToken)
    {
        ArgumentNullException.ThrowIfNull(requestUri);
        var query = new StringBuilder();
        foreach (var (key, values) in QueryHelpers.ParseQuery(requestUri.Query))
        {
            var option = key.ToLowerInvariant();
            if (option is "$skip" or "$skiptoken")
            {
                continue;
            }

            foreach (var raw in values)
            {
                var value = raw ?? string.Empty;
                if (option == "$top" && int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var top))
                {
                    if (top <= pageSize)
                    {
                        return null;
                    }

                    value = (top - pageSize).ToString(CultureInfo.InvariantCulture);
                }

                var name = option.StartsWith('$') ? "$" + Uri.EscapeDataString(option[1..]) : Uri.EscapeDataString(key);
                query.Append(name).Append('=').Append(Uri.EscapeDataString(value)).Append('&');
            }
        }

        query.Append("$skiptoken=").Append(skipToken);
        return new UriBuilder(requestUri) { Query = query.ToString() }.Uri;
    }
}
