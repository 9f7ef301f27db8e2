using System.Security.Cryptography;
using System.Text;
using Compliance.Api.Infrastructure.Crypto;
using Compliance.Api.Infrastructure.Database;
using NSec.Cryptography;

namespace Compliance.Api.Features.Enforcement;

/// <summary>One public key of the installation as <c>GET /.well-known/dossier-keys</c> publishes it.</summary>
/// <param name="PublicKey">The raw 32-byte Ed25519 public key, base64.</param>
/// <param name="PublicKeyPem">The same key as a PEM SubjectPublicKeyInfo, as <c>openssl pkeyutl -pubin -inkey</c> reads it.</param>
/// <param name="Current">Whether new dossiers are signed with it (the others are retired keys, kept so old dossiers verify).</param>
public sealed record PublishedKey(string KeyId, string Algorithm, string PublicKey, string PublicKeyPem, bool Current);

/// <summary>
/// The installation's Ed25519 dossier signing key, from configuration (section <c>Dossiers</c>): <c>SigningKey</c>
/// is base64 of the 32-byte private key (seed) or of a PKCS#8 private key; <c>RetiredPublicKeys</c> lists base64 raw
/// public keys of earlier signing keys, still published so dossiers they signed keep verifying (rotation). In
/// Development and Testing a missing key is generated and kept beside the embedded cluster (never in the repository);
/// in any other environment the app refuses to start without one.
/// </summary>
public sealed class DossierSigningKeys : IDisposable
{
    public const string Section = "Dossiers";

    private static readonly SignatureAlgorithm Ed25519 = SignatureAlgorithm.Ed25519;
    private readonly Key _key;

    public DossierSigningKeys(byte[] privateKey, IEnumerable<byte[]> retiredPublicKeys)
    {
        ArgumentNullException.ThrowIfNull(privateKey);
        var format = privateKey.Length == 32 ? KeyBlobFormat.RawPrivateKey : KeyBlobFormat.PkixPrivateKey;
        if (!Key.TryImport(Ed25519, privateKey, format, out var key) || key is null)
        {
            throw new InvalidOperationException($"{Section}:SigningKey must be base64 of a 32-byte Ed25519 private key or of a PKCS#8 Ed25519 private key.");
        }

        _key = key;
        var keys = new List<PublishedKey> { Publish(key.PublicKey, current: true) };
        foreach (var raw in retiredPublicKeys)
        {
            if (!PublicKey.TryImport(Ed25519, raw, KeyBlobFormat.RawPublicKey, out var retired) || retired is null)
            {
                throw new InvalidOperationException($"{Section}:RetiredPublicKeys must each be base64 of a 32-byte Ed25519 public key.");
            }

            keys.Add(Publish(retired, current: false));
        }

        CurrentKeyId = keys[0].KeyId;
        Published = keys;
    }

    public string CurrentKeyId { get; }

    public IReadOnlyList<PublishedKey> Published { get; }

    /// <summary>The Ed25519 signature of <paramref name="data"/> (64 bytes) with the current key.</summary>
    public byte[] Sign(byte[] data) => Ed25519.Sign(_key, data);

    /// <summary>A key's id: the first 16 hex digits of the SHA-256 of its raw public key.</summary>
    public static string KeyIdOf(byte[] rawPublicKey) => Convert.ToHexStringLower(SHA256.HashData(rawPublicKey))[..16];

    public static DossierSigningKeys Load(IConfiguration configuration, IHostEnvironment environment, DatabaseConnections connections)
    {
        var retired = configuration.GetSection($"{Section}:RetiredPublicKeys").Get<string[]>() ?? [];
        return new DossierSigningKeys(ReadPrivateKey(configuration, environment, connections), retired.Select(k => InstallationKeys.FromBase64(k, $"{Section}:RetiredPublicKeys")));
    }

    public void Dispose() => _key.Dispose();

    private static PublishedKey Publish(PublicKey key, bool current)
    {
        var raw = key.Export(KeyBlobFormat.RawPublicKey);
        var pem = Encoding.ASCII.GetString(key.Export(KeyBlobFormat.PkixPublicKeyText)).Replace("\r\n", "\n", StringComparison.Ordinal);
        return new PublishedKey(KeyIdOf(raw), "Ed25519", Convert.ToBase64String(raw), pem, current);
    }

    private static byte[] ReadPrivateKey(IConfiguration configuration, IHostEnvironment environment, DatabaseConnections connections) =>
        InstallationKeys.Read(
            configuration, environment, connections, $"{Section}:SigningKey", "dossier-signing.key",
            $"{Section}:SigningKey must be configured (base64 of a 32-byte Ed25519 private key): receiving bodies verify dossiers with its public key.");
}
