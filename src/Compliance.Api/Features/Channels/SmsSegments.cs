namespace Compliance.Api.Features.Channels;

/// <summary>
/// SMS length rules (3GPP TS 23.038 / 23.040). A text made only of GSM-7 characters travels in 7-bit septets: 160 in a
/// single SMS, 153 a segment once concatenated (the rest is the concatenation header; the extension characters
/// <c>^{}\[~]|€</c> take two). Any other character (every Devanagari, Bengali, Myanmar or Khmer letter, most Vietnamese
/// ones) switches the whole SMS to UCS-2: 70 UTF-16 units single, 67 a segment concatenated. A segment boundary never
/// falls inside a surrogate pair or a GSM-7 escape. A reply longer than <see cref="MaxSegmentsPerMessage"/> segments is
/// sent as several SMS, cut at line ends where it can be, so that a phone that does not reassemble shows whole lines.
/// </summary>
public static class SmsSegments
{
    public const int Gsm7Single = 160;
    public const int Gsm7Segment = 153;
    public const int Ucs2Single = 70;
    public const int Ucs2Segment = 67;

    /// <summary>The most segments one SMS of ours is made of (4 × 67 = 268 UCS-2 units, 4 × 153 = 612 septets).</summary>
    public const int MaxSegmentsPerMessage = 4;

    private const string Gsm7Basic =
        "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";

    private const string Gsm7Extension = "^{}\\[~]|€\f";

    public static bool IsGsm7(string text) => text.All(c => Gsm7Basic.Contains(c) || Gsm7Extension.Contains(c));

    /// <summary>Septets (GSM-7) or UTF-16 units (UCS-2) the text takes.</summary>
    public static int Units(string text) => IsGsm7(text) ? text.Sum(c => Gsm7Extension.Contains(c) ? 2 : 1) : text.Length;

    /// <summary>The segments the network carries <paramref name="text"/> in, each within its limit.</summary>
    public static IReadOnlyList<string> Segments(string text)
    {
        var gsm = IsGsm7(text);
        if (Units(text) <= (gsm ? Gsm7Single : Ucs2Single))
        {
            return [text];
        }

        return Cut(text, gsm, gsm ? Gsm7Segment : Ucs2Segment, preferBreaks: false);
    }

    /// <summary>
    /// The SMS a reply is sent as: each at most <see cref="MaxSegmentsPerMessage"/> segments, cut at a line end, else at a
    /// space, else anywhere but inside a surrogate pair.
    /// </summary>
    public static IReadOnlyList<string> Messages(string text)
    {
        if (text.Length == 0)
        {
            return [];
        }

        var gsm = IsGsm7(text);
        var capacity = MaxSegmentsPerMessage * (gsm ? Gsm7Segment : Ucs2Segment);
        return Units(text) <= capacity ? [text] : Cut(text, gsm, capacity, preferBreaks: true);
    }

    private static List<string> Cut(string text, bool gsm, int capacity, bool preferBreaks)
    {
        var parts = new List<string>();
        var start = 0;
        while (start < text.Length)
        {
            // The longest run from start that fits, never ending between a high and a low surrogate.
            var end = start;
            var used = 0;
            while (end < text.Length)
            {
                var width = char.IsHighSurrogate(text[end]) && end + 1 < text.Length ? 2 : 1;
                var cost = gsm ? (Gsm7Extension.Contains(text[end]) ? 2 : 1) : width;
                if (used + cost > capacity)
                {
                    break;
                }

                used += cost;
                end += width;
            }

            if (end < text.Length && preferBreaks)
            {
                var line = text.LastIndexOf('\n', end - 1, end - start);
                var space = text.LastIndexOf(' ', end - 1, end - start);
                var at = line > start ? line : space > start ? space : -1;
                if (at > start)
                {
                    end = at + 1;
                }
            }

            parts.Add(preferBreaks ? text[start..end].TrimEnd('\n', ' ') : text[start..end]);
            start = end;
        }

        return [.. parts.Where(p => p.Length > 0)];
    }
}
