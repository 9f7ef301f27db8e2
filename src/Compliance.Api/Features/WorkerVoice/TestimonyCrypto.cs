using System.Security.Cryptography;
using System.Text;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>
/// AES-256-GCM envelope encryption of testimony. Each grievance has its own random data key, stored only wrapped
/// by the master key; every sealed value is bound (associated data) to the row it belongs to, so ciphertext
/// cannot be moved between rows. Layout: version (1 byte) | nonce (12) | tag (16) | ciphertext.
/// </summary>
public sealed class TestimonyCrypto(WorkerVoiceKeys keys)
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>A fresh data key and its wrapped form (bound to <paramref name="grievanceId"/>).</summary>
    public (byte[] DataKey, byte[] Wrapped) NewDataKey(Guid grievanceId)
    {
        var dataKey = RandomNumberGenerator.GetBytes(32);
        return (dataKey, SealBytes(keys.MasterKey, dataKey, grievanceId));
    }

    /// <summary>Unwraps a data key; throws <see cref="CryptographicException"/> under any other master key.</summary>
    public byte[] Unwrap(byte[] wrapped, Guid grievanceId) => OpenBytes(keys.MasterKey, wrapped, grievanceId);

    public static byte[] Seal(byte[] dataKey, string plaintext, Guid rowId) => SealBytes(dataKey, Encoding.UTF8.GetBytes(plaintext), rowId);

    public static string Open(byte[] dataKey, byte[] sealedValue, Guid rowId) => Encoding.UTF8.GetString(OpenBytes(dataKey, sealedValue, rowId));

    /// <summary>AES-256-GCM under <paramref name="key"/>, bound to <paramref name="rowId"/> (also used for destination signing secrets).</summary>
    public static byte[] SealBytes(byte[] key, byte[] plaintext, Guid rowId)
    {
        var output = new byte[1 + NonceSize + TagSize + plaintext.Length];
        output[0] = Version;
        var nonce = output.AsSpan(1, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plaintext, output.AsSpan(1 + NonceSize + TagSize), output.AsSpan(1 + NonceSize, TagSize), rowId.ToByteArray());
        return output;
    }

    public static byte[] OpenBytes(byte[] key, byte[] sealedValue, Guid rowId)
    {
        if (sealedValue.Length < 1 + NonceSize + TagSize || sealedValue[0] != Version)
        {
            throw new CryptographicException("Unknown testimony ciphertext format.");
        }

        var plaintext = new byte[sealedValue.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedValue.AsSpan(1, NonceSize), sealedValue.AsSpan(1 + NonceSize + TagSize), sealedValue.AsSpan(1 + NonceSize, TagSize), plaintext, rowId.ToByteArray());
        return plaintext;
    }
}
