using System.Linq.Expressions;
using System.Reflection;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Infrastructure.Database;

/// <summary>
/// The one EF context. Entities come from <see cref="IEntityTypeConfiguration{TEntity}"/> classes beside their
/// features. Wall 1: every <see cref="ITenantOwned"/> entity gets a query filter that reads the context's
/// current tenant (never a captured constant), and <see cref="SaveChangesAsync(bool, CancellationToken)"/>
/// refuses rows of another tenant. Not pooled: the tenant is per instance.
/// </summary>
public sealed class ComplianceDbContext(DbContextOptions<ComplianceDbContext> options, TenantContext tenant) : DbContext(options)
{
    public TenantContext Tenant { get; } = tenant;

    /// <summary>Read by the query filters on every execution; <see cref="Guid.Empty"/> matches nothing.</summary>
    internal Guid CurrentTenantId => Tenant.TenantId ?? Guid.Empty;

    internal Guid? CurrentSupplierId => Tenant.SupplierId;

    /// <summary>
    /// <c>SET</c> statements the next command sends first, in its own round trip (<see cref="TransactionPrologueInterceptor"/>);
    /// cleared once sent.
    /// </summary>
    internal string? TransactionPrologue { get; set; }

    /// <summary>Scopes this context to <paramref name="tenantId"/> and opens a transaction that PostgreSQL scopes too.</summary>
    public Task<Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction> BeginTenantTransactionAsync(Guid tenantId, CancellationToken ct)
    {
        Tenant.Set(tenantId);
        return Database.BeginTransactionAsync(ct);
    }

    protected override void OnModelCreating(ModelBuilder modelBuilder)
    {
        modelBuilder.ApplyConfigurationsFromAssembly(typeof(ComplianceDbContext).Assembly);
        foreach (var entityType in modelBuilder.Model.GetEntityTypes().ToList())
        {
            if (typeof(ITenantOwned).IsAssignableFrom(entityType.ClrType) && entityType.BaseType is null)
            {
                modelBuilder.Entity(entityType.ClrType).HasQueryFilter(BuildFilter(entityType.ClrType));
            }
        }
    }

    private LambdaExpression BuildFilter(Type clrType)
    {
        var e = Expression.Parameter(clrType, "e");
        var self = Expression.Constant(this);
        Expression body = Expression.Equal(
            Expression.Property(e, nameof(ITenantOwned.TenantId)),
            Expression.Property(self, nameof(CurrentTenantId)));

        if (clrType.GetCustomAttribute<SupplierScopedAttribute>() is { } scope)
        {
            var current = Expression.Property(self, nameof(CurrentSupplierId));
            var column = Expression.Convert(Expression.Property(e, scope.Property), typeof(Guid?));
            body = Expression.AndAlso(
                body,
                Expression.OrElse(Expression.Equal(current, Expression.Constant(null, typeof(Guid?))), Expression.Equal(column, current)));
        }

        return Expression.Lambda(body, e);
    }

    public override int SaveChanges(bool acceptAllChangesOnSuccess)
    {
        StampTenant();
        return base.SaveChanges(acceptAllChangesOnSuccess);
    }

    public override Task<int> SaveChangesAsync(bool acceptAllChangesOnSuccess, CancellationToken cancellationToken = default)
    {
        StampTenant();
        return base.SaveChangesAsync(acceptAllChangesOnSuccess, cancellationToken);
    }

    /// <summary>New rows take the current tenant; any row of another tenant is a programming error, never saved.</summary>
    private void StampTenant()
    {
        foreach (var entry in ChangeTracker.Entries<ITenantOwned>())
        {
            if (entry.State == EntityState.Unchanged || entry.State == EntityState.Detached)
            {
                continue;
            }

            var tenantId = Tenant.RequiredTenantId;
            if (entry.State == EntityState.Added && entry.Entity.TenantId == Guid.Empty)
            {
                entry.Entity.TenantId = tenantId;
            }
            else if (entry.Entity.TenantId != tenantId)
            {
                throw new InvalidOperationException(
                    $"Refusing to save a {entry.Metadata.ClrType.Name} of another tenant.");
            }
        }
    }
}
