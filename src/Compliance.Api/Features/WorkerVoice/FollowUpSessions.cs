using System.Buffers.Binary;
using System.Security.Cryptography;
using Compliance.Api.Infrastructure.Crypto;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>
/// DNH-9 keeps the receipt to one appearance: the page that files the report. The follow-up page still needs to know
/// which case its message and consent forms belong to, so instead of the receipt it carries a session token: the tenant,
/// the case and an expiry sealed under a key derived from the master key for this purpose only (AES-256-GCM, so it can
/// be neither read nor forged), valid for <see cref="Lifetime"/>. Anyone holding the page can act on the case until then,
/// as they could with the receipt it replaces; after that the worker types the receipt again. Nothing is stored.
/// </summary>
public sealed class FollowUpSessions(WorkerVoiceKeys keys, TimeProvider clock)
{
    /// <summary>Long enough to write a message on a slow phone; short enough that a page left open goes stale.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromHours(2);

    // Associated data of every token: binds a sealed value to this use, so nothing else sealed under the key passes.
    private static readonly Guid Purpose = new("7d3f2a10-5c4e-4b8a-9e61-0f2b8c7d4a93");

    private readonly byte[] _key = HKDF.DeriveKey(HashAlgorithmName.SHA256, keys.MasterKey, 32, info: "compliance/worker-voice/follow-up-session/v1"u8.ToArray());

    public string Issue(Guid tenantId, Guid grievanceId)
    {
        var payload = new byte[40];
        tenantId.TryWriteBytes(payload.AsSpan(0, 16));
        grievanceId.TryWriteBytes(payload.AsSpan(16, 16));
        BinaryPrimitives.WriteInt64BigEndian(payload.AsSpan(32), clock.GetUtcNow().Add(Lifetime).ToUnixTimeSeconds());
        return Base64UrlEncode(RowSealing.SealBytes(_key, payload, Purpose));
    }

    /// <summary>The case a token names, or null when it is missing, forged, damaged or expired.</summary>
    public (Guid TenantId, Guid GrievanceId)? Read(string? token)
    {
        if (string.IsNullOrEmpty(token) || token.Length > 200)
        {
            return null;
        }

        try
        {
            var payload = RowSealing.OpenBytes(_key, Base64UrlDecode(token), Purpose);
            if (payload.Length != 40 || BinaryPrimitives.ReadInt64BigEndian(payload.AsSpan(32)) < clock.GetUtcNow().ToUnixTimeSeconds())
            {
                return null;
            }

            return (new Guid(payload.AsSpan(0, 16)), new Guid(payload.AsSpan(16, 16)));
        }
        catch (Exception e) when (e is CryptographicException or FormatException)
        {
            return null;
        }
    }

    private static string Base64UrlEncode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static byte[] Base64UrlDecode(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s.PadRight(s.Length + ((4 - (s.Length % 4)) % 4), '='));
    }
}
