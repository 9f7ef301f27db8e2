using System.Security.Cryptography;
using Compliance.Api.Features.Risk.Escalations;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Crypto;

namespace Compliance.UnitTests.Risk;

public class SigningSecretProtectorTests
{
    private static SigningSecretProtector Protector(byte[]? master = null) =>
        new(new WorkerVoiceKeys(master ?? Enumerable.Repeat((byte)7, 32).ToArray(), RandomNumberGenerator.GetBytes(32)));

    [Fact]
    public void Sealed_OpensToTheSecret_ForItsDestinationOnly()
    {
        var protector = Protector();
        var destination = Guid.NewGuid();

        var sealedValue = protector.Seal("whsec-0123456789abcdef", destination);

        Assert.StartsWith(SigningSecretProtector.Prefix, sealedValue, StringComparison.Ordinal);
        Assert.DoesNotContain("whsec", sealedValue, StringComparison.Ordinal);
        Assert.Equal("whsec-0123456789abcdef", protector.Open(sealedValue, destination));
        Assert.ThrowsAny<CryptographicException>(() => protector.Open(sealedValue, Guid.NewGuid()));
    }

    [Fact]
    public void AnotherMasterKey_CannotOpenIt()
    {
        var destination = Guid.NewGuid();
        var sealedValue = Protector().Seal("whsec-0123456789abcdef", destination);

        Assert.ThrowsAny<CryptographicException>(() => Protector(Enumerable.Repeat((byte)8, 32).ToArray()).Open(sealedValue, destination));
    }

    [Fact]
    public void AValueStoredBeforeSealing_IsReadAsItIs() =>
        Assert.Equal("legacy-plain-secret-0123456789", Protector().Open("legacy-plain-secret-0123456789", Guid.NewGuid()));
}
