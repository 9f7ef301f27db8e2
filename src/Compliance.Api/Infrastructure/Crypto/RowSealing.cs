using System.Security.Cryptography;

namespace Compliance.Api.Infrastructure.Crypto;

/// <summary>
/// AES-256-GCM sealing of one value bound to the row it belongs to (the row id is the associated data), so a sealed
/// value cannot be moved to another row. Used for testimony and for destination signing secrets at rest.
/// Layout: version (1 byte) | nonce (12) | tag (16) | ciphertext.
/// </summary>
public static class RowSealing
{
    private const byte Version = 1;
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Seals <paramref name="plaintext"/> under <paramref name="key"/> (32 bytes), bound to <paramref name="rowId"/>.</summary>
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

    /// <summary>Opens a sealed value; throws <see cref="CryptographicException"/> under any other key or row.</summary>
    public static byte[] OpenBytes(byte[] key, byte[] sealedValue, Guid rowId)
    {
        if (sealedValue.Length < 1 + NonceSize + TagSize || sealedValue[0] != Version)
        {
            throw new CryptographicException("Unknown sealed value format.");
        }

        var plaintext = new byte[sealedValue.Length - 1 - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(sealedValue.AsSpan(1, NonceSize), sealedValue.AsSpan(1 + NonceSize + TagSize), sealedValue.AsSpan(1 + NonceSize, TagSize), plaintext, rowId.ToByteArray());
        return plaintext;
    }
}
