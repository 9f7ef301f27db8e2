using System.Security.Cryptography;
using System.Text;
using Hangfire.Dashboard;

namespace Compliance.Api.Infrastructure.Jobs;

/// <summary>
/// Settings of the installation's operator (section <c>Operations</c>), who is not a tenant: the job dashboard shows
/// every tenant's jobs, their arguments and errors, so no tenant key ever opens it.
/// </summary>
public sealed class OperationsOptions
{
    public const string Section = "Operations";

    public const int MinimumKeyLength = 32;

    /// <summary>
    /// The bearer credential of the job dashboard (<c>Authorization: Bearer &lt;key&gt;</c>). Unset in Development: a
    /// random one is made at startup and printed to the console once. Unset anywhere else: the dashboard is off (404).
    /// </summary>
    public string? DashboardKey { get; set; }
}

/// <summary>Lets a dashboard request through only with the operator key, compared in constant time and never logged.</summary>
internal sealed class OperatorDashboardAuthorization(string key) : IDashboardAuthorizationFilter
{
    private readonly byte[] _expected = SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public bool Authorize(DashboardContext context)
    {
        var header = context.GetHttpContext().Request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        if (!header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Hashing first makes the comparison independent of the presented key's length too.
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[Bearer.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _expected);
    }
}
