using Compliance.Api.Features.Foundation;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Enforcement;

/// <summary>
/// Something a site makes: the merchandise a CBP communication must describe (19 CFR 12.42(b)(2)) and the product an
/// EU submission names. Carries the site's supplier, so supplier keys record and read only their own sites' products.
/// </summary>
[SupplierScoped]
public sealed class SiteProduct : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid SupplierId { get; set; }

    public Guid SiteId { get; set; }

    public required string Description { get; set; }

    /// <summary>Harmonized System code: the 6-digit international subheading, optionally followed by national digits (up to 10).</summary>
    public required string HsCode { get; set; }

    /// <summary>Buyers, as free text (company names, not people).</summary>
    public string? Buyers { get; set; }

    /// <summary>Brands, as free text.</summary>
    public string? Brands { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

internal sealed class SiteProductConfiguration : IEntityTypeConfiguration<SiteProduct>
{
    public void Configure(EntityTypeBuilder<SiteProduct> builder) => builder.ToTable("site_products");
}

/// <summary>
/// <c>/api/v1/sites/{id}/products</c>: owner, compliance and supplier keys (for their own sites) record and remove
/// products; every employer-side reader lists them. Another tenant's or supplier's site is a 404.
/// </summary>
public static partial class SiteProductsApi
{
    public const int MaxDescriptionLength = 2000;

    public sealed record ProductRequest(string? Description, string? HsCode, string? Buyers, string? Brands) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.Required("description", Description, MaxDescriptionLength);
            if (v.Required("hsCode", HsCode, 10))
            {
                v.Check(HsCodePattern().IsMatch(HsCode!), "hsCode", "An HS code of 6 to 10 digits, without dots or spaces (e.g. 401519 or 4015190000).");
            }

            v.Optional("buyers", Buyers, MaxDescriptionLength);
            v.Optional("brands", Brands, MaxDescriptionLength);
        }
    }

    public sealed record ProductView(Guid Id, Guid SiteId, Guid SupplierId, string Description, string HsCode, string? Buyers, string? Brands, DateTimeOffset CreatedAt)
    {
        public static ProductView From(SiteProduct p) => new(p.Id, p.SiteId, p.SupplierId, p.Description, p.HsCode, p.Buyers, p.Brands, p.CreatedAt);
    }

    public static RouteGroupBuilder MapSiteProducts(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/sites/{id:guid}/products").WithTags("Sites").AddEndpointFilter<UnitOfWorkFilter>();
        group.MapPost("/", CreateAsync).RequireAuthorization(Policies.EmployerWrite).WithSummary("Record a product the site makes, with its HS code.");
        group.MapGet("/", ListAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("List the products a site makes.");
        group.MapDelete("/{productId:guid}", DeleteAsync).RequireAuthorization(Policies.EmployerWrite).WithSummary("Remove a product from a site.");
        return group;
    }

    private static async Task<Results<Created<ProductView>, NotFound>> CreateAsync(Guid id, ProductRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var site = await db.Set<Site>().AsNoTracking().SingleOrDefaultAsync(s => s.Id == id, ct);
        if (site is null)
        {
            return TypedResults.NotFound();
        }

        var product = new SiteProduct
        {
            Id = Guid.CreateVersion7(),
            SiteId = site.Id,
            SupplierId = site.SupplierId,
            Description = request.Description!.Trim(),
            HsCode = request.HsCode!,
            Buyers = Blank(request.Buyers),
            Brands = Blank(request.Brands),
            CreatedAt = clock.GetUtcNow(),
        };
        db.Add(product);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/sites/{site.Id}/products/{product.Id}", ProductView.From(product));
    }

    private static async Task<Results<Ok<Paged<ProductView>>, NotFound>> ListAsync(Guid id, [AsParameters] PageQuery paging, ComplianceDbContext db, CancellationToken ct)
    {
        if (!await db.Set<Site>().AnyAsync(s => s.Id == id, ct))
        {
            return TypedResults.NotFound();
        }

        var query = db.Set<SiteProduct>().AsNoTracking().Where(p => p.SiteId == id).OrderBy(p => p.CreatedAt).ThenBy(p => p.Id);
        return TypedResults.Ok(await query.ToPagedAsync(paging, ProductView.From, ct));
    }

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, Guid productId, ComplianceDbContext db, CancellationToken ct)
    {
        var product = await db.Set<SiteProduct>().SingleOrDefaultAsync(p => p.Id == productId && p.SiteId == id, ct);
        if (product is null)
        {
            return TypedResults.NotFound();
        }

        db.Remove(product);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    private static string? Blank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    [System.Text.RegularExpressions.GeneratedRegex("^[0-9]{6,10}$")]
    private static partial System.Text.RegularExpressions.Regex HsCodePattern();
}
