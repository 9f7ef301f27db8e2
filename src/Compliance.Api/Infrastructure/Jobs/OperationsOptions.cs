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

/// <summary>
/// The installation operator's credential, resolved once per host: <see cref="OperationsOptions.DashboardKey"/>, or in
/// Development a random one printed to the console once. It opens the job dashboard and the operator's few endpoints
/// (verifying a handling office); never a tenant's or an office's.
/// </summary>
public sealed class OperatorCredential
{
    private readonly byte[]? _expected;

    public OperatorCredential(Microsoft.Extensions.Options.IOptions<OperationsOptions> options, IHostEnvironment environment)
    {
        var key = options.Value.DashboardKey?.Trim();
        if (string.IsNullOrEmpty(key) && environment.IsDevelopment())
        {
            key = "op_" + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

            // To the console on purpose (never to the log), like the demo keys: the developer's way in, this run only.
            Console.Out.WriteLine($"OPERATOR key for /hangfire and /api/v1/operator (this run only; set Operations:DashboardKey to keep one): {key}");
            Console.Out.Flush();
        }

        _expected = string.IsNullOrEmpty(key) ? null : SHA256.HashData(Encoding.UTF8.GetBytes(key));
    }

    /// <summary>False when the installation has no operator credential (outside Development without a key).</summary>
    public bool IsConfigured => _expected is not null;

    /// <summary>Whether the request carries the operator key as its bearer credential, compared in constant time, never logged.</summary>
    public bool Matches(HttpContext http)
    {
        var header = http.Request.Headers.Authorization.ToString();
        const string Bearer = "Bearer ";
        if (_expected is null || !header.StartsWith(Bearer, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        // Hashing first makes the comparison independent of the presented key's length too.
        var presented = SHA256.HashData(Encoding.UTF8.GetBytes(header[Bearer.Length..].Trim()));
        return CryptographicOperations.FixedTimeEquals(presented, _expected);
    }
}

/// <summary>Lets a dashboard request through only with the operator key.</summary>
internal sealed class OperatorDashboardAuthorization(OperatorCredential credential) : IDashboardAuthorizationFilter
{
    public bool Authorize(DashboardContext context) => credential.Matches(context.GetHttpContext());
}
