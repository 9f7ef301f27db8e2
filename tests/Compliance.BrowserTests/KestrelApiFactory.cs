using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Compliance.BrowserTests;

/// <summary>
/// The integration factory served by Kestrel on free loopback ports, so a real browser can reach it: plain http for the
/// worker path (no cookies there), and https for people's sessions. The console's cookies are Secure <c>__Host-</c>
/// cookies and antiforgery will not issue them on a plain-http request, so sessions need https even on loopback; the
/// certificate is made in memory for this run (no dev certificate on disk, nothing in the production code changes).
/// A browser context opts in to it with <c>IgnoreHTTPSErrors</c>; <see cref="CreateSessionClient"/> trusts this one
/// certificate only.
/// </summary>
public sealed class KestrelApiFactory : ComplianceApiFactory
{
    private readonly X509Certificate2 _certificate = LoopbackCertificate();

    /// <summary>http: the worker's pages and the API's keys.</summary>
    public Uri BaseAddress { get; private set; } = null!;

    /// <summary>https: the console and anything a person's session calls.</summary>
    public Uri SecureAddress { get; private set; } = null!;

    public override async Task InitializeAsync()
    {
        await base.InitializeAsync();
        UseKestrel(o =>
        {
            o.Listen(IPAddress.Loopback, 0);
            o.Listen(IPAddress.Loopback, 0, listen => listen.UseHttps(_certificate));
        });
        StartServer();
        var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses;
        BaseAddress = new Uri(addresses.First(a => a.StartsWith("http://", StringComparison.Ordinal)));
        SecureAddress = new Uri(addresses.First(a => a.StartsWith("https://", StringComparison.Ordinal)));
        ClientOptions.BaseAddress = BaseAddress;
    }

    /// <summary>A session client on the https listener, trusting exactly this run's certificate; no redirects followed.</summary>
    public override HttpClient CreateSessionClient(params DelegatingHandler[] handlers)
    {
        ArgumentNullException.ThrowIfNull(handlers);
        var thumbprint = _certificate.Thumbprint;
        HttpMessageHandler inner = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null && certificate.GetCertHashString() == thumbprint },
        };
        for (var i = handlers.Length - 1; i >= 0; i--)
        {
            handlers[i].InnerHandler = inner;
            inner = handlers[i];
        }

        return new HttpClient(inner) { BaseAddress = SecureAddress };
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _certificate.Dispose();
    }

    /// <summary>A self-signed server certificate for 127.0.0.1 and localhost, valid for a day, never written to disk.</summary>
    private static X509Certificate2 LoopbackCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=localhost", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddDnsName("localhost");
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, true));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], false));
        var now = DateTimeOffset.UtcNow;
        using var created = request.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        // Through PKCS#12, so the private key is one TLS can use on every platform (an ephemeral key is not, on Windows).
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pkcs12), password: null);
    }
}
