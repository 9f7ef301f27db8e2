using System.Security.Cryptography;
using System.Text;

namespace Compliance.Api.Infrastructure.Auth;

/// <summary>
/// API key material: <c>ck_&lt;8-char prefix&gt;_&lt;43-char secret&gt;</c>, 256 random bits, shown once. Only the
/// SHA-256 of the whole key is stored (a key this random needs no slow hash); the prefix identifies it in lists.
/// </summary>
public static class ApiKeySecrets
{
    public const string Scheme = "ck";

    public sealed record Generated(string Key, string Prefix, byte[] Hash);

    public static Generated Generate() => FromSecret(RandomNumberGenerator.GetBytes(32));

    /// <summary>Builds a key from given secret bytes (demo keys derive theirs from a local seed).</summary>
    public static Generated FromSecret(byte[] secret)
    {
        var prefix = Convert.ToHexStringLower(SHA256.HashData(secret))[..8];
        var key = $"{Scheme}_{prefix}_{Base64Url(secret)}";
        return new Generated(key, $"{Scheme}_{prefix}", Hash(key));
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
