namespace Compliance.Api.Infrastructure.Tenancy;

/// <summary>Marks an entity owned by one tenant: wall 1 filters it, wall 2 (RLS) guards its table.</summary>
public interface ITenantOwned
{
    Guid TenantId { get; set; }
}

/// <summary>
/// Names the property that narrows an entity to one supplier for supplier-bound keys
/// (<c>SupplierId</c> on most entities, <c>Id</c> on the supplier itself).
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class SupplierScopedAttribute(string property = "SupplierId") : Attribute
{
    public string Property { get; } = property;
}

/// <summary>
/// Who the current unit of work acts for. Filled by authentication for requests, by intake-code resolution
/// on the worker path, and explicitly by jobs, which take tenant ids as arguments.
/// </summary>
public sealed class TenantContext
{
    public Guid? TenantId { get; private set; }

    /// <summary>Set for supplier-bound keys: every supplier-scoped query and RLS policy narrows to it.</summary>
    public Guid? SupplierId { get; private set; }

    public Guid? ApiKeyId { get; private set; }

    public string? Role { get; private set; }

    public Guid RequiredTenantId => TenantId ?? throw new InvalidOperationException("No tenant is set for this unit of work.");

    public void Set(Guid tenantId, Guid? supplierId = null, Guid? apiKeyId = null, string? role = null)
    {
        if (TenantId is Guid current && current != tenantId)
        {
            throw new InvalidOperationException("The tenant of a unit of work cannot change.");
        }

        TenantId = tenantId;
        SupplierId = supplierId;
        ApiKeyId = apiKeyId;
        Role = role;
    }
}
