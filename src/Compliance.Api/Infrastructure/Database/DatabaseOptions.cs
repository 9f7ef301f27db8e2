namespace Compliance.Api.Infrastructure.Database;

/// <summary>Database settings (section <c>Database</c>). The owner connection is <c>ConnectionStrings:Compliance</c>.</summary>
public sealed class DatabaseOptions
{
    public const string Section = "Database";

    /// <summary>Login role used for request handling: not owner, not superuser, no BYPASSRLS.</summary>
    public string RuntimeRole { get; set; } = "compliance_app";

    /// <summary>Password of <see cref="RuntimeRole"/>. Required with a real server; generated for the embedded cluster.</summary>
    public string? RuntimePassword { get; set; }

    /// <summary>Folder of the embedded cluster used when no connection string is configured.</summary>
    public string? EmbeddedDataDirectory { get; set; }

    /// <summary>Per-statement limit for request handling, so no query can hang a request.</summary>
    public int StatementTimeoutSeconds { get; set; } = 30;
}

/// <summary>The two connections the app uses, resolved once at startup.</summary>
/// <param name="Owner">Owns the schema: migrations, Hangfire storage, demo seeding.</param>
/// <param name="Runtime">The restricted role every request runs as; row-level security applies to it.</param>
/// <param name="Embedded">The private cluster, when one was started.</param>
public sealed record DatabaseConnections(string Owner, string Runtime, EmbeddedPostgres? Embedded);
