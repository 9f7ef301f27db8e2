using System.Security.Cryptography;
using System.Text;
using Compliance.Api.Infrastructure.Crypto;

namespace Compliance.Api.Features.Risk.Escalations;

/// <summary>
/// Destination signing secrets at rest: sealed with AES-256-GCM (the testimony format, <see cref="RowSealing"/>)
/// under a key derived from the configured master key for this purpose only (HKDF-SHA256), bound to the
/// destination's id, and stored as <c>sealed:v1:&lt;base64&gt;</c>. A copy of the database alone does not give an
/// attacker the secret that lets a receiver trust a dossier. Values stored before sealing existed (no prefix) are
/// read as they are and sealed the next time their secret is set.
/// </summary>
public sealed class SigningSecretProtector(WorkerVoiceKeys keys)
{
    public const string Prefix = "sealed:v1:";

    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, keys.MasterKey, 32, info: "compliance/escalation-destination-signing-secret/v1"u8.ToArray());

    public string Seal(string secret, Guid destinationId) =>
        Prefix + Convert.ToBase64String(RowSealing.SealBytes(_key, Encoding.UTF8.GetBytes(secret), destinationId));

    /// <summary>The secret; throws <see cref="CryptographicException"/> if the value was sealed for another destination or key.</summary>
    public string Open(string stored, Guid destinationId)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return stored.StartsWith(Prefix, StringComparison.Ordinal)
            ? Encoding.UTF8.GetString(RowSealing.OpenBytes(_key, Convert.FromBase64String(stored[Prefix.Length..]), destinationId))
            : stored;
    }
}
