using Compliance.IntegrationTests.Infrastructure;
using Hangfire;
using Microsoft.Extensions.DependencyInjection;
using Xunit;

namespace Compliance.IntegrationTests.Foundation;

/// <summary>
/// Hangfire keeps its log provider in a static. A host that configured Hangfire after this one and then stopped must
/// not break this host's first enqueue (it did: <see cref="ObjectDisposedException"/> from the stopped host's logger
/// factory, a 500 on <c>POST /risk-assessments/run</c>, seen as a flaky test in full runs).
/// </summary>
public class JobsAcrossHostsTests(ComplianceApiFactory factory) : IClassFixture<ComplianceApiFactory>
{
    [Fact]
    public async Task AnotherHostStopping_LeavesThisHostsJobsWorking()
    {
        var tenant = await factory.CreateTenantAsync();

        var other = new ComplianceApiFactory();
        await other.InitializeAsync();
        _ = other.Services.GetRequiredService<IBackgroundJobClient>();
        await ((IAsyncLifetime)other).DisposeAsync();

        var response = await tenant.Owner.PostAsync("/api/v1/risk-assessments/run", null);
        await Http.EnsureStatusAsync(response, 202);
    }
}
