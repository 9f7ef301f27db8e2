using Compliance.IntegrationTests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Options;

namespace Compliance.IntegrationTests.WorkerVoice;

/// <summary>The worker path refuses to start half-configured, rather than failing the first worker who files.</summary>
public class StartupRefusalTests
{
    private sealed class ZeroCeilingFactory : ComplianceApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => [new("WorkerVoice:Intake:DailyCeilingPerCode", "0")];
    }

    /// <summary>Outside Development and Testing, with every setting but the worker-voice keys.</summary>
    private sealed class KeylessProductionFactory(string? masterKey) : ComplianceApiFactory
    {
        protected override IEnumerable<KeyValuePair<string, string?>> Settings() => masterKey is null
            ? []
            : [new("WorkerVoice:MasterKey", masterKey), new("WorkerVoice:ReceiptKey", Convert.ToBase64String(new byte[32]))];

        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment("Production");
        }
    }

    private static async Task<Exception> StartFailureAsync(ComplianceApiFactory factory)
    {
        await factory.InitializeAsync();
        try
        {
            return Assert.ThrowsAny<Exception>(() => factory.CreateClient());
        }
        finally
        {
            await ((IAsyncLifetime)factory).DisposeAsync();
        }
    }

    [Fact]
    public async Task ADailyCeilingOfZero_StopsTheAppAtStart_NamingTheSetting()
    {
        var e = await StartFailureAsync(new ZeroCeilingFactory());

        var validation = Assert.IsType<OptionsValidationException>(e);
        Assert.Contains("WorkerVoice:Intake:DailyCeilingPerCode must be positive.", validation.Failures);
    }

    [Theory]
    [InlineData(null, "WorkerVoice:MasterKey must be configured")]
    [InlineData("AAAA", "WorkerVoice:MasterKey must be 32 bytes")]
    public async Task InProduction_AMissingOrShortKey_StopsTheAppAtStart_NotAtTheFirstWorker(string? masterKey, string message)
    {
        var e = await StartFailureAsync(new KeylessProductionFactory(masterKey));

        Assert.Contains(message, e.ToString(), StringComparison.Ordinal);
    }
}
