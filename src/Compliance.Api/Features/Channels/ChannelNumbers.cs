using System.Text.RegularExpressions;
using Compliance.Api.Features.Foundation;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Tenancy;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Npgsql;

namespace Compliance.Api.Features.Channels;

/// <summary>
/// One of the installation's provider numbers serving a tenant: the number on a poster, never a worker's. Without a
/// site it serves the whole tenant (the worker types the poster's intake code); several sites may share a number.
/// </summary>
public sealed class ChannelNumber : ITenantOwned
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    public required string Channel { get; set; }

    /// <summary>E.164: <c>+</c> and 7 to 15 digits.</summary>
    public required string Number { get; set; }

    public Guid? SiteId { get; set; }

    public DateOnly CreatedOn { get; set; }
}

internal sealed class ChannelNumberConfiguration : IEntityTypeConfiguration<ChannelNumber>
{
    public void Configure(EntityTypeBuilder<ChannelNumber> builder) => builder.ToTable("channel_numbers");
}

/// <summary>The channels a provider number can be mapped for.</summary>
public static class MessagingChannels
{
    public const string Sms = "sms";
    public const string Voice = "voice";
    public const string WhatsApp = "whatsapp";

    public static readonly IReadOnlyList<string> All = [Sms, Voice, WhatsApp];
}

/// <summary>What a provider number serves: its tenant, and its sites (null: the whole tenant).</summary>
public sealed record NumberService(Guid TenantId, IReadOnlyList<Guid>? Sites);

/// <summary><c>/api/v1/channel-numbers</c>: the owner or compliance maps the installation's numbers to the tenant.</summary>
public static partial class ChannelNumbersApi
{
    public sealed record ChannelNumberRequest(string? Channel, string? Number, Guid? SiteId) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.OneOf("channel", Channel, MessagingChannels.All);
            if (v.Required("number", Number, 16))
            {
                v.Check(E164().IsMatch(Number!), "number", "An E.164 number: + and 7 to 15 digits, no spaces.");
            }
        }
    }

    public sealed record ChannelNumberView(Guid Id, string Channel, string Number, Guid? SiteId, DateOnly CreatedOn)
    {
        public static ChannelNumberView From(ChannelNumber n) => new(n.Id, n.Channel, n.Number, n.SiteId, n.CreatedOn);
    }

    public static RouteGroupBuilder MapChannelNumbers(this RouteGroupBuilder api)
    {
        var group = api.MapGroup("/channel-numbers").WithTags("Channels").AddEndpointFilter<UnitOfWorkFilter>();
        group.MapPost("/", CreateAsync).RequireAuthorization(Policies.ComplianceAdmin)
            .WithSummary("Map a provider number (SMS, voice or WhatsApp) to the tenant, or to one of its sites.");
        group.MapGet("/", ListAsync).RequireAuthorization(Policies.ComplianceAdmin).WithSummary("List the tenant's channel numbers.");
        group.MapDelete("/{id:guid}", DeleteAsync).RequireAuthorization(Policies.ComplianceAdmin).WithSummary("Unmap a channel number.");
        return group;
    }

    private static async Task<Results<Created<ChannelNumberView>, ValidationProblem, ProblemHttpResult>> CreateAsync(
        ChannelNumberRequest request, ComplianceDbContext db, NpgsqlDataSource dataSource, TimeProvider clock, CancellationToken ct)
    {
        if (request.SiteId is { } siteId && !await db.Set<Site>().AnyAsync(s => s.Id == siteId, ct))
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["siteId"] = ["No such site."] });
        }

        // A number answers for one tenant only: the webhook learns the tenant from the number it was sent to.
        var serving = await NumberResolver.RowsAsync(dataSource, request.Channel!, request.Number!, ct);
        var tenantId = db.CurrentTenantId;
        if (serving.Any(r => r.TenantId != tenantId))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Conflict", detail: "The number serves another tenant.");
        }

        var number = new ChannelNumber
        {
            Id = Guid.NewGuid(),
            Channel = request.Channel!,
            Number = request.Number!,
            SiteId = request.SiteId,
            CreatedOn = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime),
        };
        db.Add(number);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/channel-numbers/{number.Id}", ChannelNumberView.From(number));
    }

    private static async Task<Ok<ChannelNumberView[]>> ListAsync(ComplianceDbContext db, CancellationToken ct) =>
        TypedResults.Ok((await db.Set<ChannelNumber>().AsNoTracking().OrderBy(n => n.Channel).ThenBy(n => n.Number).ThenBy(n => n.Id).ToListAsync(ct))
            .Select(ChannelNumberView.From).ToArray());

    private static async Task<Results<NoContent, NotFound>> DeleteAsync(Guid id, ComplianceDbContext db, CancellationToken ct)
    {
        var number = await db.Set<ChannelNumber>().SingleOrDefaultAsync(n => n.Id == id, ct);
        if (number is null)
        {
            return TypedResults.NotFound();
        }

        db.Remove(number);
        await db.SaveChangesAsync(ct);
        return TypedResults.NoContent();
    }

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$")]
    internal static partial Regex E164();
}

/// <summary>Which tenant a provider number serves, through the <c>app.resolve_channel_number</c> bypass.</summary>
public sealed class NumberResolver(NpgsqlDataSource dataSource)
{
    public async Task<NumberService?> ResolveAsync(string channel, string number, CancellationToken ct)
    {
        var rows = await RowsAsync(dataSource, channel, number, ct);
        if (rows.Count == 0 || rows.Select(r => r.TenantId).Distinct().Count() != 1)
        {
            return null;
        }

        return new NumberService(rows[0].TenantId, rows.Any(r => r.SiteId is null) ? null : [.. rows.Select(r => r.SiteId!.Value).Distinct()]);
    }

    internal static async Task<List<(Guid TenantId, Guid? SiteId)>> RowsAsync(NpgsqlDataSource dataSource, string channel, string number, CancellationToken ct)
    {
        await using var cmd = dataSource.CreateCommand("select tenant_id, site_id from app.resolve_channel_number(@c, @n)");
        cmd.Parameters.AddWithValue("c", channel);
        cmd.Parameters.AddWithValue("n", number);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        var rows = new List<(Guid, Guid?)>();
        while (await reader.ReadAsync(ct))
        {
            rows.Add((reader.GetGuid(0), reader.IsDBNull(1) ? null : reader.GetGuid(1)));
        }

        return rows;
    }
}
