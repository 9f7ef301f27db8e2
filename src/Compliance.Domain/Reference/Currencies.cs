namespace Compliance.Domain.Reference;

/// <summary>
/// ISO 4217 active currency codes with their minor units, so amounts can be checked
/// ("RM 12.345" is not a valid ringgit amount).
/// </summary>
public static class Currencies
{
    private static readonly Dictionary<string, int> MinorUnits = Build();

    private static Dictionary<string, int> Build()
    {
        var map = new Dictionary<string, int>(StringComparer.Ordinal);
        const string two =
            "AED AFN ALL AMD ANG AOA ARS AUD AWG AZN BAM BBD BDT BGN BMD BND BOB BRL BSD BTN BWP BYN BZD CAD CDF CHF CNY COP CRC " +
            "CUP CZK DKK DOP DZD EGP ERN ETB EUR FJD FKP GBP GEL GHS GIP GMD GTQ GYD HKD HNL HTG HUF IDR ILS INR IRR JMD KES KGS " +
            "KHR KYD KZT LAK LBP LKR LRD LSL MAD MDL MKD MMK MNT MOP MRU MUR MVR MWK MXN MYR MZN NAD NGN NIO NOK NPR NZD PAB PEN " +
            "PGK PHP PKR PLN QAR RON RSD RUB SAR SBD SCR SDG SEK SGD SHP SLE SOS SRD SSP STN SVC SYP SZL THB TJS TMT TOP TRY TTD " +
            "TWD TZS UAH USD UYU UZS VES WST XCD YER ZAR ZMW ZWG";
        const string zero = "BIF CLP DJF GNF ISK JPY KMF KRW PYG RWF UGX UYI VND VUV XAF XOF XPF";
        const string three = "BHD IQD JOD KWD LYD OMR TND";
        foreach (var c in two.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            map[c] = 2;
        }

        foreach (var c in zero.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            map[c] = 0;
        }

        foreach (var c in three.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            map[c] = 3;
        }

        return map;
    }

    public static bool IsValid(string? code) => code is not null && MinorUnits.ContainsKey(code);

    /// <summary>Minor units of <paramref name="code"/>; throws for an unknown code.</summary>
    public static int MinorUnitsOf(string code) => MinorUnits[code];

    /// <summary>True when <paramref name="amount"/> has no more decimals than the currency allows.</summary>
    public static bool FitsMinorUnits(string code, decimal amount)
    {
        var scaled = amount * (decimal)Math.Pow(10, MinorUnitsOf(code));
        return scaled == decimal.Truncate(scaled);
    }
}
