using System.Globalization;
using Compliance.Api.Features.Handling;
using Npgsql;

namespace Compliance.Api.Features.WorkerVoice;

/// <summary>
/// One office that can read a tenant's reports, as the worker page shows it (issue #18): office data only, never a
/// person's name or email, and a day rather than a time.
/// </summary>
public sealed record ReadingOffice(string Name, string Kind, bool Verified, bool Migrated, DateOnly Since, int Readers)
{
    /// <summary>
    /// Not the company's own staff. A migrated office is counted as the company's whatever its kind: the company set up
    /// its readers itself.
    /// </summary>
    public bool Independent => OfficeKinds.Independent.Contains(Kind) && !Migrated;
}

/// <summary>Who can read a tenant's reports: its reading offices and the owner's active escalation destinations.</summary>
public sealed record Readers(IReadOnlyList<ReadingOffice> Offices, int OwnerDestinations)
{
    /// <summary>Whether the page may promise that the employer cannot see what the worker writes (<see cref="WhoReads.EmployerCannotSee"/>).</summary>
    public bool EmployerCannotSee => WhoReads.EmployerCannotSee(Offices, OwnerDestinations);
}

/// <summary>
/// Who reads a tenant's reports, for the worker pages' "Who reads your report" section. Reads
/// <c>app.offices_reading</c> (migration 020, bypass 8) on a plain connection, like intake codes are resolved: the
/// worker page has no tenant scope, and the function returns only the tenant's accepted, live links.
/// </summary>
public sealed class WhoReads(NpgsqlDataSource dataSource)
{
    /// <summary>
    /// Who can read <paramref name="tenantId"/>'s reports, in one round trip: the offices whose accepted, live link lets
    /// them read (oldest link first), and how many active escalation destinations the owner configured (migration
    /// 023): each can receive a consenting worker's words at a URL the owner chose, so any one rules the promise out.
    /// </summary>
    public async Task<Readers> ForTenantAsync(Guid tenantId, CancellationToken ct)
    {
        await using var batch = dataSource.CreateBatch();
        AddTo(batch, tenantId);
        await using var reader = await batch.ExecuteReaderAsync(ct);
        return await ReadAsync(reader, ct);
    }

    /// <summary>
    /// The two commands of <see cref="ForTenantAsync"/>, for a caller that sends them in a batch of its own (the
    /// intake, in its read round trip); read their results with <see cref="ReadAsync"/> when the reader reaches them.
    /// </summary>
    public static void AddTo(NpgsqlBatch batch, Guid tenantId)
    {
        ArgumentNullException.ThrowIfNull(batch);
        batch.BatchCommands.Add(new NpgsqlBatchCommand("select name, kind, verified, migrated, since, readers from app.offices_reading($1)") { Parameters = { new() { Value = tenantId } } });
        batch.BatchCommands.Add(new NpgsqlBatchCommand("select app.owner_testimony_destinations($1)") { Parameters = { new() { Value = tenantId } } });
    }

    /// <summary>Reads the results of <see cref="AddTo"/>'s commands; the reader stands at the first of them.</summary>
    public static async Task<Readers> ReadAsync(NpgsqlDataReader reader, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var offices = new List<ReadingOffice>();
        while (await reader.ReadAsync(ct))
        {
            offices.Add(new ReadingOffice(
                reader.GetString(0),
                reader.GetString(1),
                reader.GetBoolean(2),
                reader.GetBoolean(3),
                DateOnly.FromDateTime(reader.GetFieldValue<DateTimeOffset>(4).UtcDateTime),
                reader.GetInt32(5)));
        }

        await reader.NextResultAsync(ct);
        await reader.ReadAsync(ct);
        return new Readers(offices, reader.GetInt32(0));
    }

    /// <summary>
    /// True only when the page may promise "Your employer cannot see what you write": at least one office reads the
    /// reports, none is the company's own, and the service operator has verified every one. A self-declared office may
    /// be anyone, the employer included, so its word alone does not make the promise true. Nor may the owner have
    /// configured an escalation destination: it sends consenting workers' words to a URL the owner chose.
    /// </summary>
    public static bool EmployerCannotSee(IReadOnlyList<ReadingOffice> offices, int ownerDestinations = 0) =>
        ownerDestinations == 0 && offices.Count > 0 && offices.All(o => o.Independent && o.Verified);

    /// <summary>The section's view model in the page's language, for <c>templates/worker/_who-reads.sbn</c>.</summary>
    public static object Section(WhoReadsTexts texts, IReadOnlyList<ReadingOffice> offices)
    {
        var notes = new List<string>();
        if (offices.Count == 0)
        {
            notes.AddRange([texts.None, texts.NoneLocked, texts.NoneFileNow]);
        }
        else if (offices.Any(o => !o.Independent))
        {
            notes.Add(texts.Internal);
            if (offices.Any(o => o.Migrated))
            {
                notes.Add(texts.Migrated);
            }
        }
        else if (offices.All(o => o.Verified))
        {
            notes.Add(texts.Independent);
        }

        if (offices.Any(o => o.Independent && !o.Verified))
        {
            notes.Add(texts.Unverified);
        }

        return new
        {
            texts.Heading,
            Offices = offices.Select(o => new
            {
                o.Name,
                // The database allows only the four kinds; an unknown one is shown as its code rather than failing the page.
                Kind = texts.Kinds.TryGetValue(o.Kind, out var kind) ? kind : o.Kind,
                Verification = o.Verified ? texts.Verified : texts.SelfDeclared,
                Since = texts.Since.Replace(WhoReadsTexts.DatePlaceholder, o.Since.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), StringComparison.Ordinal),
                Readers = o.Readers == 1
                    ? texts.ReadersOne
                    : texts.Readers.Replace(WhoReadsTexts.CountPlaceholder, o.Readers.ToString(CultureInfo.InvariantCulture), StringComparison.Ordinal),
            }).ToList(),
            Notes = notes,
        };
    }
}
