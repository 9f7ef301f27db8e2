using System.Security.Cryptography;
using System.Text;
using Compliance.Api.Infrastructure.Auth;

namespace Compliance.UnitTests.Auth;

/// <summary>
/// The shape of an API key (<c>ck_&lt;8 hex&gt;_&lt;43 URL-safe base64&gt;</c>), that its prefix names it without
/// giving the secret away, and that only the SHA-256 of the whole key is kept.
/// </summary>
public class ApiKeySecretsTests
{
    [Fact]
    public void FromSecret_BuildsTheKey_PrefixAndHash_FromTheSecretAlone()
    {
        // 0xFB 0xFF 0xBF encodes as "+/+/" in standard base64: the key must carry "-_-_" instead, and no padding.
        var secret = Enumerable.Range(0, 32).Select(i => (byte)(i % 3 == 0 ? 0xFB : i % 3 == 1 ? 0xFF : 0xBF)).ToArray();
        var prefix = "ck_" + Convert.ToHexStringLower(SHA256.HashData(secret))[..8];

        var generated = ApiKeySecrets.FromSecret(secret);

        var encoded = Convert.ToBase64String(secret).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        Assert.Equal($"{prefix}_{encoded}", generated.Key);
        Assert.StartsWith($"{prefix}_-_-_", generated.Key, StringComparison.Ordinal);
        Assert.Equal(3 + 8 + 1 + 43, generated.Key.Length);
        Assert.DoesNotContain('=', generated.Key);
        Assert.DoesNotContain('+', generated.Key);
        Assert.DoesNotContain('/', generated.Key);
        Assert.Equal(prefix, generated.Prefix);
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(generated.Key)), generated.Hash);
        Assert.Equal(generated.Hash, ApiKeySecrets.Hash(generated.Key));
        Assert.Equal(generated.Key, ApiKeySecrets.FromSecret(secret).Key); // deterministic: demo keys rely on it
    }

    [Fact]
    public void Generate_GivesADifferentWellFormedKeyEachTime()
    {
        var a = ApiKeySecrets.Generate();
        var b = ApiKeySecrets.Generate();

        Assert.NotEqual(a.Key, b.Key);
        Assert.NotEqual(a.Hash, b.Hash);
        Assert.Matches("^ck_[0-9a-f]{8}_[A-Za-z0-9_-]{43}$", a.Key);
        Assert.StartsWith(a.Prefix + "_", a.Key, StringComparison.Ordinal);
    }
}
