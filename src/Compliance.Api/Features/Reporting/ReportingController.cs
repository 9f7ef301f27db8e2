using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.OData.Routing.Controllers;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Reporting;

/// <summary>
/// The read-only base of every entity set: <c>GET /odata/{Set}</c> returns the rows of <typeparamref name="T"/>
/// that the key may see, as a query the OData options compose onto. Tenant and supplier narrowing come from the
/// context's global filters and PostgreSQL RLS inside the request transaction opened by
/// <see cref="ReportingRequestMiddleware"/>. A set over an EF entity needs nothing more than
/// <c>public sealed class FeesController(ComplianceDbContext db) : ReportingController&lt;Fee&gt;(db);</c>.
/// </summary>
[Authorize(Policy = Policies.EmployerRead)]
public abstract class ReportingController<T>(ComplianceDbContext db) : ODataController
    where T : class
{
    protected ComplianceDbContext Db { get; } = db;

    [ReportingQuery]
    public async Task<IQueryable<T>> Get() =>
        NavigationPruning.Prune(await RowsAsync(HttpContext.RequestAborted), NavigationPruning.ExpandedNames(Request.Query["$expand"].FirstOrDefault()));

    /// <summary>The set's rows; override to project an entity into a row type carrying navigations for <c>$expand</c>.</summary>
    protected virtual IQueryable<T> Rows() => Db.Set<T>().AsNoTracking();

    /// <summary>For a set computed before the OData options apply (grievance statistics): awaited, never blocked on.</summary>
    protected virtual Task<IQueryable<T>> RowsAsync(CancellationToken ct) => Task.FromResult(Rows());
}
