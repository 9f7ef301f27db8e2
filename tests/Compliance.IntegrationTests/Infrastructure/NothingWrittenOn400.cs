using Npgsql;
using Xunit.Sdk;

namespace Compliance.IntegrationTests.Infrastructure;

/// <summary>
/// "Bad input writes nothing", checked on every request a test client sends rather than where a test remembers to:
/// when the answer is 400, no statement of the request may have changed a product table (the test database logs each
/// committed write statement, see <c>TestDatabase</c>). A request that writes on a 400 by design opts out with its
/// reason (<see cref="Because"/>); the OData feed does, because an auditor's request is logged before its query runs.
/// </summary>
public sealed class NothingWrittenOn400(string ownerConnectionString) : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<string> Reason = new("writes-on-400");

    /// <summary>Marks <paramref name="request"/> as one that may write although it answers 400, and says why.</summary>
    public static HttpRequestMessage Because(HttpRequestMessage request, string reason)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrWhiteSpace(reason);
        request.Options.Set(Reason, reason);
        return request;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var exempt = request.Options.TryGetValue(Reason, out _)
            || request.RequestUri?.AbsolutePath.StartsWith("/odata", StringComparison.OrdinalIgnoreCase) == true;
        var before = exempt ? 0 : await LastWriteAsync(cancellationToken);
        var response = await base.SendAsync(request, cancellationToken);
        if (!exempt && (int)response.StatusCode == 400)
        {
            var tables = await WrittenSinceAsync(before, cancellationToken);
            if (tables.Count > 0)
            {
                throw new XunitException(
                    $"{request.Method} {request.RequestUri} answered 400 but wrote to {string.Join(", ", tables)}: bad input must write nothing.");
            }
        }

        return response;
    }

    private async Task<long> LastWriteAsync(CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("select coalesce(max(id), 0) from test_write_log", connection);
        return (long)(await cmd.ExecuteScalarAsync(ct))!;
    }

    private async Task<List<string>> WrittenSinceAsync(long id, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(ownerConnectionString);
        await connection.OpenAsync(ct);
        await using var cmd = new NpgsqlCommand("select distinct tbl from test_write_log where id > @id order by 1", connection);
        cmd.Parameters.AddWithValue("id", id);
        var tables = new List<string>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            tables.Add(reader.GetString(0));
        }

        return tables;
    }
}
