using System.Collections;
using System.Linq.Expressions;
using System.Reflection;
using System.Text.RegularExpressions;

namespace Compliance.Api.Features.Reporting;

/// <summary>
/// Drops the navigation assignments of a row projection that the request does not <c>$expand</c>, so a set's
/// <c>Rows()</c> can name every navigation once and the database computes only the ones asked for (without this
/// <c>/odata/Sites</c> ran the supplier lookup for every row even when nothing was expanded).
/// </summary>
public static partial class NavigationPruning
{
    /// <summary>Every identifier in the raw <c>$expand</c> option; over-inclusion only costs a lookup, never rows.</summary>
    public static ISet<string> ExpandedNames(string? expand) =>
        expand is null ? new HashSet<string>() : Identifier().Matches(expand).Select(m => m.Value).ToHashSet(StringComparer.Ordinal);

    public static IQueryable<T> Prune<T>(IQueryable<T> rows, ISet<string> expanded) =>
        rows.Provider.CreateQuery<T>(new Pruner(expanded).Visit(rows.Expression));

    /// <summary>A navigation: a property whose type is a class other than string, or a collection of such.</summary>
    public static bool IsNavigation(PropertyInfo property)
    {
        var type = property.PropertyType;
        if (type == typeof(string) || type.IsValueType)
        {
            return false;
        }

        if (typeof(IEnumerable).IsAssignableFrom(type))
        {
            var element = type.IsGenericType ? type.GetGenericArguments()[0] : null;
            return element is not null && element != typeof(string) && !element.IsValueType;
        }

        return type.IsClass;
    }

    [GeneratedRegex("[A-Za-z_][A-Za-z0-9_]*")]
    private static partial Regex Identifier();

    private sealed class Pruner(ISet<string> expanded) : ExpressionVisitor
    {
        protected override Expression VisitMemberInit(MemberInitExpression node)
        {
            var kept = node.Bindings.Where(b => b.Member is not PropertyInfo p || !IsNavigation(p) || expanded.Contains(p.Name)).ToList();
            return base.VisitMemberInit(kept.Count == node.Bindings.Count ? node : node.Update(node.NewExpression, kept));
        }
    }
}
