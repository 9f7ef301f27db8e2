namespace Compliance.Domain.Reference;

/// <summary>
/// Languages every worker-facing text must exist in (DNH-11, BRIEF.md §4).
/// </summary>
public static class Languages
{
    public static readonly IReadOnlyList<string> Supported = ["en", "ms", "id", "ne", "bn", "my", "km", "vi"];

    public static readonly IReadOnlyDictionary<string, string> NativeNames = new Dictionary<string, string>
    {
        ["en"] = "English",
        ["ms"] = "Bahasa Melayu",
        ["id"] = "Bahasa Indonesia",
        ["ne"] = "नेपाली",
        ["bn"] = "বাংলা",
        ["my"] = "မြန်မာ",
        ["km"] = "ខ្មែរ",
        ["vi"] = "Tiếng Việt",
    };

    public static bool IsSupported(string? code) => code is not null && Supported.Contains(code);

    /// <summary>
    /// A loose BCP-47 check: a 2–3 letter primary subtag, then subtags of 1–8 alphanumerics.
    /// </summary>
    public static bool IsBcp47(string? tag)
    {
        if (string.IsNullOrWhiteSpace(tag) || tag.Length > 35)
        {
            return false;
        }

        var parts = tag.Split('-');
        if (parts[0].Length is < 2 or > 3 || !parts[0].All(char.IsAsciiLetter))
        {
            return false;
        }

        return parts.Skip(1).All(p => p.Length is >= 1 and <= 8 && p.All(char.IsAsciiLetterOrDigit));
    }

    /// <summary>The primary language subtag, lower-cased ("ne-NP" → "ne").</summary>
    public static string Primary(string tag) => tag.Split('-')[0].ToLowerInvariant();
}
