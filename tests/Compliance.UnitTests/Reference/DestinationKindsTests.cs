using Compliance.Domain.Reference;

namespace Compliance.UnitTests.Reference;

public class DestinationKindsTests
{
    [Fact]
    public void All_AreValidAndDistinct()
    {
        Assert.Equal(7, DestinationKinds.All.Distinct().Count());
        Assert.All(DestinationKinds.All, k => Assert.True(DestinationKinds.IsValid(k)));
    }

    [Theory]
    [InlineData("immigration")]
    [InlineData("immigration-authority")]
    [InlineData("Police")]
    [InlineData("")]
    [InlineData(null)]
    public void IsValid_RejectsImmigrationAndUnknownKinds_DNH6(string? kind) =>
        Assert.False(DestinationKinds.IsValid(kind));

    [Fact]
    public void All_HasNoImmigrationKind_DNH6() =>
        Assert.DoesNotContain(DestinationKinds.All, k => k.Contains("immigra", StringComparison.OrdinalIgnoreCase));
}
