using System.Security.Cryptography;
using Compliance.Api.Infrastructure.Tenancy;
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
public static class IntakeCodes
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
    public const int Length = 10;

    public static string New()
    {
        Span<char> chars = stackalloc char[Length];
        for (var i = 0; i < Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return new string(chars);
    }

    public static bool IsWellFormed(string? code) => code is { Length: Length } && code.All(Alphabet.Contains);
}
