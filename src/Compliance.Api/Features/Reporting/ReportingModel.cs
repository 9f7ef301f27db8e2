using System.Linq.Expressions;
using System.Reflection;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.OData.Edm;
using Microsoft.OData.ModelBuilder;

namespace Compliance.Api.Features.Reporting;

/// <summary>One entity set of the feed: its name, CLR element type and the only <c>$expand</c> paths it allows.</summary>
/// <param name="ExpandPaths">Navigation paths such as <c>Supplier</c> or <c>Worker/Site</c>; each prefix of a path is allowed too.</param>
/// <param name="TenantReportsOnly">Readable by owner, compliance and auditor keys only (as the REST worker-voice reports); supplier keys get 403.</param>
/// <param name="RefusesApply">A set of released, suppressed figures: <c>$apply</c> is refused, as re-aggregating rows is how withheld cells would be rebuilt.</param>
public sealed record ReportingSet(string Name, Type ClrType, IReadOnlyList<string> ExpandPaths, bool TenantReportsOnly = false, bool RefusesApply = false)
{
    /// <summary>The property narrowing rows to a supplier for supplier keys (from <see cref="SupplierScopedAttribute"/>), if any.</summary>
    public string? SupplierProperty => ClrType.GetCustomAttribute<SupplierScopedAttribute>()?.Property;

    public bool AllowsExpand(string path) =>
        ExpandPaths.Any(p => p == path || p.StartsWith(path + "/", StringComparison.Ordinal));
}

/// <summary>The EDM of <c>/odata</c> and the expand allow-list of each set. Built once, by <see cref="ReportingModelBuilder"/>.</summary>
public sealed class ReportingModel(IEdmModel edm, IReadOnlyList<ReportingSet> sets)
{
    public IEdmModel Edm { get; } = edm;

    public IReadOnlyList<ReportingSet> Sets { get; } = sets;

    public ReportingSet? Find(string entitySet) => Sets.FirstOrDefault(s => s.Name == entitySet);
}

/// <summary>
/// The one EDM builder. Every set is registered with one call; <see cref="ITenantOwned.TenantId"/> is never part of
/// the model (the tenant is implied by the key). Only what is registered here is reachable: testimony, narratives,
/// messages, receipts and consent have no type in this model, and the <c>$metadata</c> snapshot test keeps it so.
/// </summary>
public sealed class ReportingModelBuilder
{
    public const string Namespace = "Compliance.Reporting";

    private readonly ODataConventionModelBuilder _builder = new() { Namespace = Namespace, ContainerName = "Reporting" };
    private readonly List<ReportingSet> _sets = [];

    /// <param name="name">The entity set name (plural, as in the URL).</param>
    /// <param name="typeName">The EDM type name; defaults to the CLR name without a <c>Row</c> suffix.</param>
    /// <param name="expand">The allow-listed <c>$expand</c> paths, at most <see cref="ReportingLimits.MaxExpansionDepth"/> deep.</param>
    /// <param name="tenantReportsOnly">The set's controller carries an employer-side policy supplier keys do not meet (<c>Policies.TenantReports</c>, or <c>Policies.RosterReaders</c> for the roster).</param>
    /// <param name="refusesApply">Refuse <c>$apply</c> on the set (<see cref="ReportingSet.RefusesApply"/>).</param>
    public ReportingModelBuilder Set<T>(string name, string[]? expand = null, string? typeName = null, bool tenantReportsOnly = false, bool refusesApply = false)
        where T : class
    {
        var set = _builder.EntitySet<T>(name);
        set.EntityType.Name = typeName ?? StripRow(typeof(T).Name);
        set.EntityType.Namespace = Namespace;
        if (typeof(ITenantOwned).IsAssignableFrom(typeof(T)))
        {
            var e = Expression.Parameter(typeof(T), "e");
            set.EntityType.Ignore(Expression.Lambda<Func<T, Guid>>(Expression.Property(e, nameof(ITenantOwned.TenantId)), e));
        }

        foreach (var path in expand ?? [])
        {
            if (path.Split('/').Length > ReportingLimits.MaxExpansionDepth)
            {
                throw new InvalidOperationException($"Expand path '{path}' of {name} is deeper than {ReportingLimits.MaxExpansionDepth}.");
            }
        }

        _sets.Add(new ReportingSet(name, typeof(T), expand ?? [], tenantReportsOnly, refusesApply));
        return this;
    }

    public ReportingModel Build() => new(_builder.GetEdmModel(), _sets);

    private static string StripRow(string name) => name.EndsWith("Row", StringComparison.Ordinal) ? name[..^3] : name;
}
