using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Domain.Reference;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Risk.Escalations;

/// <summary>
/// Escalation destinations, owner keys only. Kinds come from <see cref="DestinationKinds"/> (no immigration kind,
/// DNH-6). The URL must be https and resolve to public addresses only; the signing secret is write-only.
/// </summary>
public static class DestinationsApi
{
    public static readonly IReadOnlyList<string> MinimumLevels = ["high", "critical"];

    public sealed record CreateDestinationRequest(string? Name, string? Kind, string? Jurisdiction, string? Url, string? SigningSecret, string? MinimumLevel, bool? Active) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.Required("name", Name);
            v.OneOf("kind", Kind, DestinationKinds.All);
            v.Country("jurisdiction", Jurisdiction);
            v.Required("url", Url, 2000);
            ValidateSecret(v, SigningSecret, required: true);
            v.OneOf("minimumLevel", MinimumLevel, MinimumLevels);
        }
    }

    public sealed record UpdateDestinationRequest(string? Name, string? Kind, string? Jurisdiction, string? Url, string? SigningSecret, string? MinimumLevel, bool? Active) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.Optional("name", Name);
            v.OneOf("kind", Kind, DestinationKinds.All, required: false);
            v.Country("jurisdiction", Jurisdiction, required: false);
            v.Optional("url", Url, 2000);
            ValidateSecret(v, SigningSecret, required: false);
            v.OneOf("minimumLevel", MinimumLevel, MinimumLevels, required: false);
        }
    }

    /// <summary>No secret in here, ever: it is write-only.</summary>
    public sealed record DestinationView(Guid Id, string Name, string Kind, string Jurisdiction, string Url, string MinimumLevel, bool Active, bool HasSigningSecret, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
    {
        public static DestinationView From(EscalationDestination d) => new(d.Id, d.Name, d.Kind, d.Jurisdiction, d.Url, d.MinimumLevel, d.Active, d.SigningSecret.Length > 0, d.CreatedAt, d.UpdatedAt);
    }

    public static void MapDestinations(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/escalation-destinations").WithTags("Escalation").RequireAuthorization(Policies.Owner).AddEndpointFilter<UnitOfWorkFilter>();
        group.MapPost("/", CreateAsync).WithSummary("Configure an outside body that receives signed dossiers.");
        group.MapGet("/", ListAsync).WithSummary("List destinations (signing secrets are never returned).");
        group.MapGet("/{id:guid}", GetAsync).WithSummary("Read a destination.");
        group.MapPatch("/{id:guid}", UpdateAsync).WithSummary("Change some fields of a destination (e.g. rotate the secret, deactivate).");
    }

    private static void ValidateSecret(Validator v, string? secret, bool required)
    {
        if (secret is null && !required)
        {
            return;
        }

        if (v.Required("signingSecret", secret, 512))
        {
            v.Check(secret!.Length >= 32, "signingSecret", "At least 32 characters.");
        }
    }

    private static async Task<Results<Created<DestinationView>, ValidationProblem>> CreateAsync(
        CreateDestinationRequest request, ComplianceDbContext db, DestinationAddressGuard guard, SigningSecretProtector secrets, TimeProvider clock, CancellationToken ct)
    {
        if (await guard.CheckAsync(request.Url!, ct) is { } refused)
        {
            return UrlProblem(refused);
        }

        var now = clock.GetUtcNow();
        var id = Guid.CreateVersion7();
        var destination = new EscalationDestination
        {
            Id = id,
            Name = request.Name!.Trim(),
            Kind = request.Kind!,
            Jurisdiction = request.Jurisdiction!,
            Url = request.Url!,
            SigningSecret = secrets.Seal(request.SigningSecret!, id),
            MinimumLevel = request.MinimumLevel!,
            Active = request.Active ?? true,
            CreatedAt = now,
            UpdatedAt = now,
        };
        db.Add(destination);
        await db.SaveChangesAsync(ct);
        return TypedResults.Created($"/api/v1/escalation-destinations/{destination.Id}", DestinationView.From(destination));
    }

    internal static async Task<Ok<Paged<DestinationView>>> ListAsync([AsParameters] PageQuery paging, ComplianceDbContext db, CancellationToken ct) =>
        TypedResults.Ok(await db.Set<EscalationDestination>().AsNoTracking().OrderBy(d => d.Name).ThenBy(d => d.Id).ToPagedAsync(paging, DestinationView.From, ct));

    private static async Task<Results<Ok<DestinationView>, NotFound>> GetAsync(Guid id, ComplianceDbContext db, CancellationToken ct) =>
        await db.Set<EscalationDestination>().AsNoTracking().SingleOrDefaultAsync(d => d.Id == id, ct) is { } d
            ? TypedResults.Ok(DestinationView.From(d))
            : TypedResults.NotFound();

    private static async Task<Results<Ok<DestinationView>, NotFound, ValidationProblem>> UpdateAsync(
        Guid id, UpdateDestinationRequest request, ComplianceDbContext db, DestinationAddressGuard guard, SigningSecretProtector secrets, TimeProvider clock, CancellationToken ct)
    {
        var destination = await db.Set<EscalationDestination>().SingleOrDefaultAsync(d => d.Id == id, ct);
        if (destination is null)
        {
            return TypedResults.NotFound();
        }

        if (request.Url is not null && await guard.CheckAsync(request.Url, ct) is { } refused)
        {
            return UrlProblem(refused);
        }

        destination.Name = request.Name?.Trim() ?? destination.Name;
        destination.Kind = request.Kind ?? destination.Kind;
        destination.Jurisdiction = request.Jurisdiction ?? destination.Jurisdiction;
        destination.Url = request.Url ?? destination.Url;
        destination.SigningSecret = request.SigningSecret is null ? destination.SigningSecret : secrets.Seal(request.SigningSecret, destination.Id);
        destination.MinimumLevel = request.MinimumLevel ?? destination.MinimumLevel;
        destination.Active = request.Active ?? destination.Active;
        destination.UpdatedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(DestinationView.From(destination));
    }

    private static ValidationProblem UrlProblem(string message) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["url"] = [message] });
}
