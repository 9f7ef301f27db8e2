namespace Compliance.Domain.Reference;

/// <summary>
/// Kinds of outside body a case or site can be escalated to (BRIEF.md §7). Several kinds, not police only
/// (<c>000:258</c>). There is deliberately no immigration kind: an immigration authority is never a
/// destination (DNH-6, <c>000:416</c>, <c>001:589</c>, <c>004:822</c>).
/// </summary>
public static class DestinationKinds
{
    public const string Ngo = "ngo";
    public const string LabourAuthority = "labour-authority";
    public const string AntiTraffickingCouncil = "anti-trafficking-council";
    public const string Police = "police";
    public const string ChildProtection = "child-protection";
    public const string Buyer = "buyer";

    /// <summary>Authorities that can stop goods made with forced labour from being sold (US CBP, the EU portal, BAFA; issue #22).</summary>
    public const string TradeAuthority = "trade-authority";

    /// <summary>Every destination kind, in the order offered to a tenant.</summary>
    public static readonly IReadOnlyList<string> All =
        [Ngo, LabourAuthority, AntiTraffickingCouncil, Police, ChildProtection, Buyer, TradeAuthority];

    public static bool IsValid(string? code) => code is not null && All.Contains(code, StringComparer.Ordinal);
}
