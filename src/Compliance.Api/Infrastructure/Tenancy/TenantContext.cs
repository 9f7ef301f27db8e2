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

    /// <summary>Set for a handling office's people and keys: the office whose link lets them work on the tenant.</summary>
    public Guid? OfficeId { get; private set; }

    /// <summary>Set when a person signed in (not a key): testimony reads are logged against them.</summary>
    public Guid? PersonId { get; private set; }

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

    /// <summary>An office's member or key working on <paramref name="tenantId"/>'s cases through an accepted link.</summary>
    public void SetForOffice(Guid? tenantId, Guid officeId, Guid? personId, Guid? apiKeyId, string role)
    {
        if (OfficeId is Guid current && current != officeId)
        {
            throw new InvalidOperationException("The office of a unit of work cannot change.");
        }

        if (tenantId is Guid t)
        {
            Set(t, supplierId: null, apiKeyId, role);
        }

        OfficeId = officeId;
        PersonId = personId;
        ApiKeyId = apiKeyId;
        Role = role;
    }

    /// <summary>A tenant's member signed in as a person.</summary>
    public void SetPerson(Guid tenantId, Guid? supplierId, Guid personId, string role)
    {
        Set(tenantId, supplierId, apiKeyId: null, role);
        PersonId = personId;
    }
}
