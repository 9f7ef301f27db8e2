using System.Security.Cryptography;

namespace Compliance.Domain.Reference;

/// <summary>
/// Random codes people read and type: Crockford base32 (digits and capitals without I, L, O and U), 5 random bits
/// a character from the system's cryptographic generator. They carry no time, place or sequence.
/// </summary>
public static class RandomCodes
{
    private const string Alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

    /// <summary><paramref name="length"/> random characters.</summary>
    public static string New(int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(length);
        Span<char> chars = stackalloc char[length];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = Alphabet[RandomNumberGenerator.GetInt32(Alphabet.Length)];
        }

        return new string(chars);
    }

    /// <summary>True when <paramref name="code"/> has exactly <paramref name="length"/> characters of the alphabet.</summary>
    public static bool IsWellFormed(string? code, int length) => code is not null && code.Length == length && code.All(Alphabet.Contains);
}
