using System.Security.Cryptography;
using System.Text;
using Compliance.Api.Infrastructure.Crypto;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>
/// AES-256-GCM envelope encryption of testimony. Each grievance has its own random data key, stored only wrapped
/// by the master key; every sealed value is bound (associated data) to the row it belongs to, so ciphertext
/// cannot be moved between rows (<see cref="RowSealing"/>).
/// </summary>
public sealed class TestimonyCrypto(WorkerVoiceKeys keys)
{
    /// <summary>A fresh data key and its wrapped form (bound to <paramref name="grievanceId"/>).</summary>
    public (byte[] DataKey, byte[] Wrapped) NewDataKey(Guid grievanceId)
    {
        var dataKey = RandomNumberGenerator.GetBytes(32);
        return (dataKey, RowSealing.SealBytes(keys.MasterKey, dataKey, grievanceId));
    }

    /// <summary>Unwraps a data key; throws <see cref="CryptographicException"/> under any other master key.</summary>
    public byte[] Unwrap(byte[] wrapped, Guid grievanceId) => RowSealing.OpenBytes(keys.MasterKey, wrapped, grievanceId);

    public static byte[] Seal(byte[] dataKey, string plaintext, Guid rowId) => RowSealing.SealBytes(dataKey, Encoding.UTF8.GetBytes(plaintext), rowId);

    public static string Open(byte[] dataKey, byte[] sealedValue, Guid rowId) => Encoding.UTF8.GetString(RowSealing.OpenBytes(dataKey, sealedValue, rowId));

    /// <summary>
    /// The secret salt of a dossier's aggregate commitment: HMAC-SHA256, under a key derived from the master key for
    /// this use only, of <paramref name="context"/> (the dossier's inputs). Reproducible for identical inputs, so identical
    /// dossiers stay byte-identical; unknown to anyone without the master key, so the employer cannot test guesses.
    /// </summary>
    public byte[] DossierAggregateSalt(string context) =>
        HMACSHA256.HashData(HMACSHA256.HashData(keys.MasterKey, "dossier-aggregate-salt"u8), Encoding.UTF8.GetBytes(context));

    /// <summary>The review note is sealed under its own associated data so it cannot pose as the narrative.</summary>
    public static Guid ReviewNoteId(Guid grievanceId)
    {
        var bytes = grievanceId.ToByteArray();
        bytes[0] ^= 0xFF;
        return new Guid(bytes);
    }
}
