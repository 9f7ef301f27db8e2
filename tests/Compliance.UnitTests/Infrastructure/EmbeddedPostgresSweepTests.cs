using Compliance.Api.Infrastructure.Database;

namespace Compliance.UnitTests.Infrastructure;

public sealed class EmbeddedPostgresSweepTests : IDisposable
{
    private readonly string _parent = Directory.CreateTempSubdirectory("sweep-").FullName;

    public void Dispose() => Directory.Delete(_parent, recursive: true);

    [Fact]
    public void SweepAbandoned_DeletesFoldersOfExitedProcesses_KeepsLiveOnesAndOthers()
    {
        // int.MaxValue is above any pid Linux hands out (pid_max is at most 2^22).
        var abandoned = Directory.CreateDirectory(Path.Combine(_parent, $"compliance-tests-{int.MaxValue}-abc")).FullName;
        File.WriteAllText(Path.Combine(abandoned, "postgres.log"), "x");
        var live = Directory.CreateDirectory(Path.Combine(_parent, $"compliance-tests-{Environment.ProcessId}-def")).FullName;
        var unrelated = Directory.CreateDirectory(Path.Combine(_parent, "compliance-tests-notapid")).FullName;
        var otherPrefix = Directory.CreateDirectory(Path.Combine(_parent, $"compliance-bench-{int.MaxValue}-abc")).FullName;

        var deleted = EmbeddedPostgres.SweepAbandoned(_parent, "compliance-tests-");

        Assert.Equal(1, deleted);
        Assert.False(Directory.Exists(abandoned));
        Assert.True(Directory.Exists(live));
        Assert.True(Directory.Exists(unrelated));
        Assert.True(Directory.Exists(otherPrefix));
    }
}
