using System.Security.Cryptography;
using System.Text;
using Compliance.Api.Infrastructure.Crypto;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>
/// Receipts (DNH-9): 20 random decimal digits (log2(10^20) ≈ 66.4 bits), typable on a phone keypad and readable
/// over a phone line, shown once in groups of 4. Stored only as HMAC-SHA256 under <c>WorkerVoice:ReceiptKey</c>.
/// </summary>
public sealed class Receipts(WorkerVoiceKeys keys)
{
    public const int Digits = 20;

    public static string New()
    {
        Span<char> digits = stackalloc char[Digits];
        for (var i = 0; i < Digits; i++)
        {
            digits[i] = (char)('0' + RandomNumberGenerator.GetInt32(10));
        }

        return new string(digits);
    }

    /// <summary>"1234 5678 ..." for display.</summary>
    public static string Grouped(string receipt) =>
        string.Join(' ', Enumerable.Range(0, receipt.Length / 4).Select(i => receipt.Substring(i * 4, 4)));

    /// <summary>Digits only (spaces and dashes dropped), or null when the input cannot be a receipt.</summary>
    public static string? Normalize(string? input)
    {
        if (input is null || input.Length > 64)
        {
            return null;
        }

        var digits = new string(input.Where(c => c is not (' ' or '-' or '\t')).ToArray());
        return digits.Length == Digits && digits.All(char.IsAsciiDigit) ? digits : null;
    }

    public byte[] Hash(string normalizedReceipt) => HMACSHA256.HashData(keys.ReceiptKey, Encoding.ASCII.GetBytes(normalizedReceipt));
}
