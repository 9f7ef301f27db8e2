using Compliance.Domain.Reference;

namespace Compliance.UnitTests.Reference;

/// <summary>BRIEF.md §3 "Hard triggers": CH01; FL05; FL03 from a worker (FL07 refusal is an employer-side rule).</summary>
public class HardTriggersTests
{
    [Fact]
    public void AnyEvidence_IsAChildOrViolence() =>
        Assert.Equal(["CH01", "FL05"], HardTriggers.AnyEvidence.Order(StringComparer.Ordinal));

    [Fact]
    public void WorkerOnly_IsAWorkerSayingTheyCannotLeave() =>
        Assert.Equal(["FL03"], HardTriggers.WorkerOnly);

    [Fact]
    public void FromWorker_IsBothSets() =>
        Assert.Equal(["CH01", "FL03", "FL05"], HardTriggers.FromWorker.Order(StringComparer.Ordinal));

    [Theory]
    [InlineData(true, "FL03")]
    [InlineData(true, "FL05")]
    [InlineData(true, "CH01")]
    [InlineData(true, "FL11", "CH01")]
    [InlineData(false, "FL07")]
    [InlineData(false, "FL01", "FL02", "FL04", "FL06", "FL08", "FL09", "FL10", "FL11")]
    [InlineData(false)]
    public void AnyFromWorker_TrueOnlyWithAWorkerHardTrigger(bool expected, params string[] indicators) =>
        Assert.Equal(expected, HardTriggers.AnyFromWorker(indicators));
}
