using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Options;

namespace Compliance.Api.Features.Risk.Escalations;

/// <summary>
/// Keeps escalation webhooks off internal networks (SSRF): a destination must resolve only to public addresses.
/// Checked when a destination is created or changed (by resolving its host) and again on every connection (see
/// <see cref="ConnectAsync"/>), so a DNS answer that changes later cannot point a delivery inward.
/// </summary>
public sealed class DestinationAddressGuard(IOptions<EscalationOptions> options)
{
    private bool AllowLoopback => options.Value.AllowLoopback;

    /// <summary>Null when <paramref name="url"/> may be used; otherwise why not (safe to show the owner).</summary>
    public async Task<string?> CheckAsync(string url, CancellationToken ct)
    {
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.UserInfo.Length > 0 || uri.Fragment.Length > 0)
        {
            return "Must be an absolute https URL without credentials or fragment.";
        }

        var loopbackHost = uri.IsLoopback;
        if (uri.Scheme != Uri.UriSchemeHttps && !(AllowLoopback && loopbackHost && uri.Scheme == Uri.UriSchemeHttp))
        {
            return "Must be an https URL.";
        }

        IPAddress[] addresses;
        try
        {
            addresses = IPAddress.TryParse(uri.DnsSafeHost, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(uri.DnsSafeHost, ct);
        }
        catch (SocketException)
        {
            return "The host does not resolve.";
        }

        if (addresses.Length == 0)
        {
            return "The host does not resolve.";
        }

        return addresses.All(IsAllowed) ? null : "Must not point at a private, loopback, link-local or metadata address.";
    }

    /// <summary>Whether a delivery may connect to <paramref name="address"/>.</summary>
    public bool IsAllowed(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (IPAddress.IsLoopback(address))
        {
            return AllowLoopback;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            var b = address.GetAddressBytes();
            return !(b[0] == 0 // "this" network
                || b[0] == 10 // private
                || (b[0] == 100 && b[1] >= 64 && b[1] <= 127) // carrier-grade NAT
                || (b[0] == 169 && b[1] == 254) // link-local, cloud metadata 169.254.169.254
                || (b[0] == 172 && b[1] >= 16 && b[1] <= 31) // private
                || (b[0] == 192 && b[1] == 0 && b[2] == 0) // IETF protocol assignments
                || (b[0] == 192 && b[1] == 168) // private
                || (b[0] == 198 && (b[1] == 18 || b[1] == 19)) // benchmarking
                || b[0] >= 224); // multicast, reserved, broadcast
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var b = address.GetAddressBytes();
            if (b.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0 && !address.Equals(IPAddress.IPv6Any))
            {
                // IPv4-compatible ::a.b.c.d (deprecated, but some stacks still route it to the IPv4 address).
                return IsAllowed(new IPAddress(b.AsSpan(12, 4)));
            }

            return !(address.Equals(IPAddress.IPv6Any)
                || address.IsIPv6LinkLocal
                || address.IsIPv6SiteLocal
                || address.IsIPv6Multicast
                || (b[0] & 0xfe) == 0xfc // unique local fc00::/7, includes fd00:ec2::254 (metadata)
                || IsTranslated(b)
                || (b[0] == 0x01 && b[1] == 0x00 && b.AsSpan(2, 6).IndexOfAnyExcept((byte)0) < 0) // discard-only 100::/64
                || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x0d && b[3] == 0xb8)); // documentation 2001:db8::/32
        }

        return false;
    }

    /// <summary>
    /// IPv6 prefixes that carry an IPv4 address a gateway will translate to, whichever it is (private ones included):
    /// NAT64 64:ff9b::/96 and the local-use 64:ff9b:1::/48, 6to4 2002::/16 and Teredo 2001::/32. Refused whole: the
    /// embedded address is not something this check can trust the gateway to treat as we would.
    /// </summary>
    private static bool IsTranslated(byte[] b) =>
        (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b.AsSpan(4, 8).IndexOfAnyExcept((byte)0) < 0)
        || (b[0] == 0x00 && b[1] == 0x64 && b[2] == 0xff && b[3] == 0x9b && b[4] == 0x00 && b[5] == 0x01)
        || (b[0] == 0x20 && b[1] == 0x02)
        || (b[0] == 0x20 && b[1] == 0x01 && b[2] == 0x00 && b[3] == 0x00);

    /// <summary>
    /// The connect step of the delivery client: resolves the host, keeps only allowed addresses and connects to one
    /// of them, so the check holds for the address actually used (no DNS-rebinding window).
    /// </summary>
    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken ct)
    {
        var host = context.DnsEndPoint.Host;
        var resolved = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, ct);
        var allowed = resolved.Where(IsAllowed).ToArray();
        if (allowed.Length == 0)
        {
            throw new HttpRequestException("Refused: the destination resolves only to private, loopback, link-local or metadata addresses.");
        }

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, context.DnsEndPoint.Port, ct);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
