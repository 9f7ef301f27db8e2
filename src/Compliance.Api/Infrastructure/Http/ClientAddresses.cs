using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Microsoft.AspNetCore.HttpOverrides;

namespace Compliance.Api.Infrastructure.Http;

/// <summary>
/// The proxies in front of the app (section <c>Network</c>). Only these are believed when they say, in
/// <c>X-Forwarded-For</c>, who the client is; with none configured the header is ignored and the client is the
/// connection's own address.
/// </summary>
public sealed class NetworkOptions
{
    public const string Section = "Network";

    /// <summary>Addresses of trusted reverse proxies, e.g. <c>10.0.0.5</c>.</summary>
    public IList<string> KnownProxies { get; } = [];

    /// <summary>Networks of trusted reverse proxies in CIDR form, e.g. <c>10.0.0.0/24</c>.</summary>
    public IList<string> KnownNetworks { get; } = [];

    public bool TrustsAnyProxy => KnownProxies.Count > 0 || KnownNetworks.Count > 0;
}

/// <summary>
/// Who "one client" is for the worker path's in-memory limits (DNH-2: the address lives in memory only, never in a
/// log or the database): an IPv4 address, or the /64 an IPv6 address belongs to (one household or phone usually
/// holds a whole /64 and can pick any address in it). The key is an HMAC under a per-process random key, so even a
/// memory dump does not list addresses.
/// </summary>
public static class ClientAddresses
{
    private static readonly byte[] ProcessKey = RandomNumberGenerator.GetBytes(32);

    public static IServiceCollection AddClientAddresses(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<NetworkOptions>().BindConfiguration(NetworkOptions.Section)
            .Validate(o => o.KnownProxies.All(p => IPAddress.TryParse(p, out _)), "Network:KnownProxies must be IP addresses.")
            .Validate(o => o.KnownNetworks.All(n => System.Net.IPNetwork.TryParse(n, out _)), "Network:KnownNetworks must be CIDR networks (e.g. 10.0.0.0/24).")
            .ValidateOnStart();
        var network = configuration.GetSection(NetworkOptions.Section).Get<NetworkOptions>() ?? new NetworkOptions();
        services.Configure<ForwardedHeadersOptions>(o =>
        {
            // The scheme too, so a TLS-terminating proxy's https reaches the Secure-cookie checks of the console.
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;

            // The framework trusts loopback by default; here nothing is trusted that configuration does not name.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in network.KnownProxies)
            {
                if (IPAddress.TryParse(proxy, out var address))
                {
                    o.KnownProxies.Add(address);
                }
            }

            foreach (var cidr in network.KnownNetworks)
            {
                if (System.Net.IPNetwork.TryParse(cidr, out var net))
                {
                    o.KnownIPNetworks.Add(net);
                }
            }
        });
        return services;
    }

    /// <summary>
    /// Reads <c>X-Forwarded-For</c> from the configured proxies only. With no proxy configured the middleware is not
    /// added at all: given empty lists it would believe the header from anyone.
    /// </summary>
    public static WebApplication UseClientAddresses(this WebApplication app)
    {
        var network = app.Configuration.GetSection(NetworkOptions.Section).Get<NetworkOptions>() ?? new NetworkOptions();
        if (network.TrustsAnyProxy)
        {
            app.UseForwardedHeaders();
        }

        return app;
    }

    /// <summary>
    /// The console's secure context. Development only: a request from this machine over plain http counts as secure, as browsers count
    /// <c>http://localhost</c> a secure context (they keep its Secure and <c>__Host-</c> cookies). Without it the
    /// console's antiforgery, which insists on Secure cookies, refuses every page of <c>dotnet run</c>'s
    /// <c>http://localhost:5080</c>. Anywhere else the console needs HTTPS: at the app, or at a proxy named in
    /// <c>Network:KnownProxies</c> that sends <c>X-Forwarded-Proto</c>; a console page over plain http is a 400 saying so.
    /// </summary>
    public static WebApplication UseSecureContext(this WebApplication app)
    {
        var development = app.Environment.IsDevelopment();
        app.Use((http, next) =>
        {
            if (development && !http.Request.IsHttps && http.Connection.RemoteIpAddress is { } remote && IPAddress.IsLoopback(remote))
            {
                http.Request.Scheme = Uri.UriSchemeHttps;
            }

            if (!http.Request.IsHttps && http.Request.Path.StartsWithSegments("/console", StringComparison.OrdinalIgnoreCase))
            {
                // Its cookies are Secure: over plain http a sign-in could never hold. Say so rather than fail.
                http.Response.StatusCode = StatusCodes.Status400BadRequest;
                http.Response.ContentType = "text/plain; charset=utf-8";
                return http.Response.WriteAsync("The console is served over HTTPS only (or from this machine in Development).", http.RequestAborted);
            }

            return next(http);
        });
        return app;
    }

    /// <summary>The limit key of the request's client; "unknown" clients (no address) share one key.</summary>
    public static string Key(HttpContext http) => Key(http.Connection.RemoteIpAddress);

    public static string Key(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        var bytes = address.GetAddressBytes();
        var prefix = address.AddressFamily == AddressFamily.InterNetworkV6 ? bytes.AsSpan(0, 8) : bytes.AsSpan();
        Span<byte> input = stackalloc byte[prefix.Length + 1];
        input[0] = (byte)prefix.Length;
        prefix.CopyTo(input[1..]);
        return Convert.ToBase64String(HMACSHA256.HashData(ProcessKey, input));
    }
}
