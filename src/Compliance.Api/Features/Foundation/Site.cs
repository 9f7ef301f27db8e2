using Compliance.Api.Infrastructure.Tenancy;
using Compliance.Domain.Reference;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Foundation;

/// <summary>A workplace of a supplier. Its <see cref="IntakeCode"/> is printed on the worker QR poster.</summary>
[SupplierScoped]
public sealed class Site : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public Guid SupplierId { get; set; }

    public required string Name { get; set; }

    public required string CountryCode { get; set; }

    public required string Sector { get; set; }

    public bool WorkerHousing { get; set; }

    public required string IntakeCode { get; set; }

    /// <summary>The facility's Open Supply Hub id (OS ID), when it is listed there.</summary>
    public string? OsId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}

internal sealed class SiteConfiguration : IEntityTypeConfiguration<Site>
{
    public void Configure(EntityTypeBuilder<Site> builder) => builder.ToTable("sites");
}

public static class Sectors
{
    public static readonly IReadOnlyList<string> All =
    [
        "electronics", "rubber-gloves", "palm-oil", "garment", "construction", "fishing",
        "seafood-processing", "agriculture", "domestic-work", "hospitality", "other",
    ];
}

/// <summary>
/// Intake codes: 10 characters of Crockford base32 (no I, L, O, U), 50 random bits. Short enough for a QR
/// poster and to type, too many to enumerate through a rate-limited endpoint.
/// </summary>
/// <summary>
/// Open Supply Hub facility ids: two-letter country, the year and day of year the facility was listed (7 digits),
/// then 6 letters or digits, e.g. <c>CN2019303BQ3FZP</c>.
/// </summary>
public static partial class OsIds
{
    public static bool IsWellFormed(string value) => Pattern().IsMatch(value);

    [System.Text.RegularExpressions.GeneratedRegex("^[A-Z]{2}[0-9]{7}[0-9A-Z]{6}$")]
    private static partial System.Text.RegularExpressions.Regex Pattern();
}

public static class IntakeCodes
{
    public const int Length = 10;

    public static string New() => RandomCodes.New(Length);

    public static bool IsWellFormed(string? code) => RandomCodes.IsWellFormed(code, Length);
}
