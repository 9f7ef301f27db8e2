using System.Security.Cryptography;
using Compliance.Api.Infrastructure.Database;

namespace Compliance.Api.Infrastructure.Crypto;

/// <summary>
/// An installation secret: from configuration (base64) wherever the app runs; in Development and Testing only, when
/// unset, 32 random bytes generated once and kept beside the embedded cluster in a file only its owner reads (never in
/// the repository), so the demo's data stays readable across restarts. In any other environment a missing secret stops
/// the app at start rather than failing its first user.
/// </summary>
internal static class InstallationKeys
{
    /// <param name="setting">The configuration key, e.g. <c>WorkerVoice:MasterKey</c>.</param>
    /// <param name="fileName">The file beside the embedded cluster that keeps a generated key.</param>
    /// <param name="whenMissing">The start-up error outside Development and Testing: what the key is and why it is needed.</param>
    public static byte[] Read(
        IConfiguration configuration, IHostEnvironment environment, DatabaseConnections connections, string setting, string fileName, string whenMissing)
    {
        var configured = configuration[setting];
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return FromBase64(configured, setting);
        }

        if (!environment.IsDevelopment() && !environment.IsEnvironment("Testing"))
        {
            throw new InvalidOperationException(whenMissing);
        }

        if (connections.Embedded is not { } embedded)
        {
            return RandomNumberGenerator.GetBytes(32);
        }

        var path = Path.Combine(Path.GetDirectoryName(embedded.DataDirectory)!, fileName);
        if (!File.Exists(path))
        {
            File.WriteAllText(path, Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)));
            EmbeddedPostgres.Restrict(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return Convert.FromBase64String(File.ReadAllText(path).Trim());
    }

    public static byte[] FromBase64(string value, string setting)
    {
        try
        {
            return Convert.FromBase64String(value.Trim());
        }
        catch (FormatException)
        {
            throw new InvalidOperationException($"{setting} must be base64.");
        }
    }
}
