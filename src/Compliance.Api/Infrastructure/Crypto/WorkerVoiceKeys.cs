using System.Security.Cryptography;
using Compliance.Api.Infrastructure.Database;

namespace Compliance.Api.Infrastructure.Crypto;

/// <summary>
/// The two secrets of the worker path, from configuration (section <c>WorkerVoice</c>), base64 of at least 32
/// bytes: <c>MasterKey</c> wraps each grievance's data key; <c>ReceiptKey</c> keys the receipt hash. In
/// Development and Testing a missing key is generated (and kept beside the embedded cluster when there is one);
/// in any other environment the app refuses to start without them.
/// </summary>
public sealed class WorkerVoiceKeys
{
    public const string Section = "WorkerVoice";

    public WorkerVoiceKeys(byte[] masterKey, byte[] receiptKey)
    {
        if (masterKey.Length != 32)
        {
            throw new InvalidOperationException($"{Section}:MasterKey must be 32 bytes (base64).");
        }

        if (receiptKey.Length < 32)
        {
            throw new InvalidOperationException($"{Section}:ReceiptKey must be at least 32 bytes (base64).");
        }

        MasterKey = masterKey;
        ReceiptKey = receiptKey;
    }

    public byte[] MasterKey { get; }

    public byte[] ReceiptKey { get; }

    public static WorkerVoiceKeys Load(IConfiguration configuration, IHostEnvironment environment, DatabaseConnections connections) =>
        new(Read(configuration, environment, connections, "MasterKey"), Read(configuration, environment, connections, "ReceiptKey"));

    private static byte[] Read(IConfiguration configuration, IHostEnvironment environment, DatabaseConnections connections, string name) =>
        InstallationKeys.Read(
            configuration, environment, connections, $"{Section}:{name}", $"worker-voice-{name.ToLowerInvariant()}.key",
            $"{Section}:{name} must be configured (base64 of 32 random bytes). Without it, testimony cannot be protected.");
}

/// <summary>Resolves the keys when the host starts, so a missing key stops the app instead of the first worker.</summary>
internal sealed class WorkerVoiceKeysCheck(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        _ = services.GetRequiredService<WorkerVoiceKeys>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
