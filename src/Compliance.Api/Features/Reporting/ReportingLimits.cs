namespace Compliance.Api.Features.Reporting;

/// <summary>The bounds of every OData query. Each has a test and is named in the 400 that refuses a query over it.</summary>
public static class ReportingLimits
{
    /// <summary>Server-driven page size: longer results carry <c>@odata.nextLink</c>.</summary>
    public const int PageSize = 100;

    public const int MaxTop = 1000;

    /// <summary>Nodes in the <c>$filter</c> syntax tree.</summary>
    public const int MaxNodeCount = 100;

    public const int MaxOrderByNodeCount = 5;

    public const int MaxExpansionDepth = 2;

    public const int MaxAnyAllExpressionDepth = 2;

    /// <summary>Names used in the <c>limit</c> member of a refusal.</summary>
    public static class Names
    {
        public const string MaxTop = "maxTop";
        public const string MaxNodeCount = "maxNodeCount";
        public const string MaxOrderByNodeCount = "maxOrderByNodeCount";
        public const string MaxExpansionDepth = "maxExpansionDepth";
        public const string MaxAnyAllExpressionDepth = "maxAnyAllExpressionDepth";
        public const string ExpandAllowList = "expandAllowList";
        public const string AllowedQueryOptions = "allowedQueryOptions";
        public const string StatementTimeout = "statementTimeout";
    }
}

/// <summary>Reporting settings (section <c>Reporting</c>).</summary>
public sealed class ReportingOptions
{
    public const string Section = "Reporting";

    /// <summary>Per-statement limit inside an OData request's transaction, below the runtime connection's default.</summary>
    public int StatementTimeoutMs { get; set; } = 5000;

    /// <summary>
    /// Write pages of plain rows with <see cref="PlainFeedWriter"/> (the default) rather than the OData library's
    /// serializer; the output is the same, byte for byte (tests compare both). Off only to compare or diagnose.
    /// </summary>
    public bool WritePlainPagesDirectly { get; set; } = true;
}
