using System.Globalization;
using System.Security.Cryptography;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Domain.Reference;
using Compliance.Domain.Risk;

namespace Compliance.Api.Features.Enforcement;

/// <summary>
/// What a dossier's body says of consented testimony, without showing the employer-side team a count below the
/// tenant's k (5 unless raised; DNH-4). From k consented cases on, one commitment per case. Below k, including none, a single <b>aggregate</b> commitment:
/// <c>SHA-256(aggregate salt ‖ each case commitment's 32 bytes, in ascending hex order)</c>, where the salt is secret
/// (<see cref="TestimonyCrypto.DossierAggregateSalt"/>) and only the handling office's export gives it. So a body with
/// no consented case looks like one with four, and a worker who consents or withdraws changes nothing the team can count.
/// </summary>
public static class DossierTestimony
{
    public const string NotRequested = "not requested";

    /// <param name="k">The tenant's minimum cell size: from k consenting cases on, one commitment each.</param>
    public static TestimonySection Section(bool requested, IReadOnlyList<string> commitments, int k, byte[] aggregateSalt)
    {
        if (!requested)
        {
            return new(DestinationKinds.TradeAuthority, NotRequested, [], null);
        }

        return commitments.Count >= k
            ? new(DestinationKinds.TradeAuthority, $"{commitments.Count.ToString(CultureInfo.InvariantCulture)} cases whose worker consents to trade-authority, one commitment each", [.. commitments.Order(StringComparer.Ordinal)], null)
            : new(DestinationKinds.TradeAuthority, $"{RiskDisclosure.FewerThan(k)} cases (possibly none) whose worker consents to trade-authority, under one aggregate commitment so that their number does not show", [], Aggregate(aggregateSalt, commitments));
    }

    /// <summary>The salt's context: the dossier's inputs, so identical dossiers share it and no two others do.</summary>
    public static string Context(string regime, IEnumerable<Guid> siteIds, DateOnly from, DateOnly to) =>
        string.Join('|', "dossier-aggregate/1", regime, string.Join(',', siteIds.Order().Select(id => id.ToString("D"))), Day(from), Day(to));

    /// <summary>SHA-256 over the salt and each commitment's bytes in ascending order, lower-case hex.</summary>
    public static string Aggregate(byte[] salt, IEnumerable<string> commitments)
    {
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        sha.AppendData(salt);
        foreach (var c in commitments.Order(StringComparer.Ordinal))
        {
            sha.AppendData(Convert.FromHexString(c));
        }

        return Convert.ToHexStringLower(sha.GetHashAndReset());
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
