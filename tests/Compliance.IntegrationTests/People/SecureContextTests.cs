using System.Net;
using Compliance.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;

namespace Compliance.IntegrationTests.People;

/// <summary>
/// The console's cookies are Secure, so it needs a secure context: https, or (Development, as browsers treat
/// <c>http://localhost</c>) a request from this machine. Without the loopback rule <c>dotnet run</c>'s console answered
/// 500 on every page; a plain-http page from elsewhere is a 400 that says why.
/// </summary>
public class SecureContextTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task ConsoleOverPlainHttp_FromThisMachine_IsServed_InDevelopment_AndRefusedOutsideIt()
    {
        await using var development = factory.WithWebHostBuilder(b => b.UseEnvironment("Development"));
        var served = await development.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Scheme = "http";
            c.Request.Path = "/console/sign-in";
            c.Connection.RemoteIpAddress = IPAddress.Loopback;
        });

        Assert.Equal(200, served.Response.StatusCode);
        Assert.Contains(served.Response.Headers.SetCookie, c => c is not null && c.Contains("secure", StringComparison.OrdinalIgnoreCase));

        var context = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Scheme = "http";
            c.Request.Path = "/console/sign-in";
            c.Connection.RemoteIpAddress = IPAddress.Loopback;
        });

        Assert.Equal(400, context.Response.StatusCode);
    }

    [Fact]
    public async Task ConsoleOverPlainHttp_FromElsewhere_Is400SayingHttpsOnly()
    {
        var context = await factory.Server.SendAsync(c =>
        {
            c.Request.Method = "GET";
            c.Request.Scheme = "http";
            c.Request.Path = "/console/sign-in";
            c.Connection.RemoteIpAddress = IPAddress.Parse("203.0.113.7");
        });

        Assert.Equal(400, context.Response.StatusCode);
        Assert.Contains("HTTPS only", await new StreamReader(context.Response.Body).ReadToEndAsync(), StringComparison.Ordinal);
    }
}
