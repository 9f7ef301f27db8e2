using System.Linq.Expressions;
using Microsoft.AspNetCore.OData.Query.Expressions;
using Microsoft.OData.Edm;
using Microsoft.OData.UriParser;

namespace Compliance.Api.Features.Reporting;

/// <summary>
/// <c>$filter</c> binding with one change: a comparison of two <c>Edm.Date</c> values is a plain <see cref="DateOnly"/>
/// comparison. The library rewrites it as <c>year * 10000 + month * 100 + day</c> on both sides, which EF sends as
/// <c>date_part</c> arithmetic: PostgreSQL can then use no index and computes it for every row
/// (<c>DueOn lt 2026-11-22</c> cost the overdue-actions report about 0.8 ms of its 3.6 ms). The result is the same:
/// dates order the same way as that number. Anything else is bound as the library binds it.
/// </summary>
public sealed class ReportingFilterBinder : FilterBinder
{
    public override Expression BindBinaryOperatorNode(BinaryOperatorNode binaryOperatorNode, QueryBinderContext context)
    {
        ArgumentNullException.ThrowIfNull(binaryOperatorNode);
        if (Comparison(binaryOperatorNode.OperatorKind) is { } comparison && IsDate(binaryOperatorNode.Left) && IsDate(binaryOperatorNode.Right))
        {
            if (BindDate(binaryOperatorNode.Left, context) is { } left && BindDate(binaryOperatorNode.Right, context) is { } right)
            {
                if (left.Type != right.Type)
                {
                    left = Expression.Convert(left, typeof(DateOnly?));
                    right = Expression.Convert(right, typeof(DateOnly?));
                }

                return Expression.MakeBinary(comparison, left, right);
            }
        }

        return base.BindBinaryOperatorNode(binaryOperatorNode, context);
    }

    /// <summary>
    /// A date operand as a <see cref="DateOnly"/> expression: a literal becomes a parameter (a property of a holder
    /// object, which EF sends as a query parameter, so one cached query serves every date), a property stays itself.
    /// </summary>
    private Expression? BindDate(SingleValueNode node, QueryBinderContext context)
    {
        var literal = node is ConvertNode { Source: ConstantNode converted } ? converted : node as ConstantNode;
        if (literal is not null)
        {
            // The library still parses date literals as Microsoft.OData.Edm.Date (obsolete, replaced in ODL 9).
#pragma warning disable CS0618
            return literal.Value switch
            {
                Date date => Expression.Property(Expression.Constant(new DateParameter(new DateOnly(date.Year, date.Month, date.Day))), nameof(DateParameter.Value)),
                DateOnly date => Expression.Property(Expression.Constant(new DateParameter(date)), nameof(DateParameter.Value)),
                _ => null,
            };
#pragma warning restore CS0618
        }

        var bound = Bind(node, context);
        return IsDateOnly(bound.Type) ? bound : null;
    }

    private sealed record DateParameter(DateOnly Value);

    private static bool IsDate(SingleValueNode node) => node.TypeReference?.IsDate() == true;

    private static bool IsDateOnly(Type type) => type == typeof(DateOnly) || type == typeof(DateOnly?);

    private static ExpressionType? Comparison(BinaryOperatorKind kind) => kind switch
    {
        BinaryOperatorKind.Equal => ExpressionType.Equal,
        BinaryOperatorKind.NotEqual => ExpressionType.NotEqual,
        BinaryOperatorKind.LessThan => ExpressionType.LessThan,
        BinaryOperatorKind.LessThanOrEqual => ExpressionType.LessThanOrEqual,
        BinaryOperatorKind.GreaterThan => ExpressionType.GreaterThan,
        BinaryOperatorKind.GreaterThanOrEqual => ExpressionType.GreaterThanOrEqual,
        _ => null,
    };
}
