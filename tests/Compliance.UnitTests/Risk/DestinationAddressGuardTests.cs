using System.Net;
using Compliance.Api.Features.Risk.Escalations;
using Microsoft.Extensions.Options;

namespace Compliance.UnitTests.Risk;

/// <summary>Issue 16, hole 10: the SSRF guard refuses private addresses in every IPv6 disguise.</summary>
public class DestinationAddressGuardTests
{
    private static readonly DestinationAddressGuard Guard = new(Options.Create(new EscalationOptions()));

    [Theory]
    [InlineData("64:ff9b::a00:1")] // NAT64 of 10.0.0.1
    [InlineData("64:ff9b::808:808")] // NAT64 of a public address: refused whole, the gateway decides where it goes
    [InlineData("64:ff9b:1::a00:1")] // local-use NAT64
    [InlineData("2002:a00:1::1")] // 6to4 of 10.0.0.1
    [InlineData("2002:808:808::1")] // 6to4 of a public address
    [InlineData("2001:0:4136:e378:8000:63bf:3fff:fdd2")] // Teredo
    [InlineData("::10.0.0.1")] // IPv4-compatible private
    [InlineData("::127.0.0.1")] // IPv4-compatible loopback
    [InlineData("::169.254.169.254")] // IPv4-compatible metadata
    [InlineData("::192.168.1.1")]
    [InlineData("::ffff:10.0.0.1")] // IPv4-mapped private
    [InlineData("::ffff:127.0.0.1")]
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("::ffff:172.16.0.1")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fd00:ec2::254")]
    [InlineData("100::1")]
    [InlineData("2001:db8::1")]
    [InlineData("10.1.2.3")]
    [InlineData("127.0.0.1")]
    [InlineData("169.254.169.254")]
    [InlineData("100.64.0.1")]
    public void Refuses(string address) => Assert.False(Guard.IsAllowed(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("93.184.216.34")]
    [InlineData("::ffff:93.184.216.34")]
    [InlineData("::93.184.216.34")]
    [InlineData("2606:4700:4700::1111")]
    [InlineData("2001:4860:4860::8888")]
    public void Allows(string address) => Assert.True(Guard.IsAllowed(IPAddress.Parse(address)), address);

    [Theory]
    [InlineData("https://[64:ff9b::a00:1]/hook")]
    [InlineData("https://[::10.0.0.1]/hook")]
    [InlineData("https://[::ffff:10.0.0.1]/hook")]
    [InlineData("https://[2002:a00:1::1]/hook")]
    [InlineData("https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hook")]
    public async Task CheckAsync_RefusesDisguisedPrivateUrls(string url) => Assert.NotNull(await Guard.CheckAsync(url, CancellationToken.None));
}
