using System.Net;
using System.Text;
using Compliance.Api.Features.Foundation;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Templates;
using Compliance.Api.Infrastructure.Tenancy;
using Compliance.Domain.Reference;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;
using Microsoft.Net.Http.Headers;

namespace Compliance.Api.Features.Recruitment;

/// <summary>
/// A zero-fee declaration signed by the worker. Evidence of what the worker was asked to sign, never evidence of
/// compliance: when a worker-paid fee exists it is marked contradicted (FL02).
/// </summary>
[SupplierScoped]
public sealed class Declaration : WorkerRecord
{
    public required string Kind { get; set; }

    public required string Language { get; set; }

    public DateOnly SignedOn { get; set; }

    public bool PaidNoFees { get; set; }

    public bool HoldsOwnPassport { get; set; }

    public bool ContractExplained { get; set; }

    /// <summary>The template version the document is rendered with, fixed when the declaration is recorded.</summary>
    public required string TemplateVersion { get; set; }
}

internal sealed class DeclarationConfiguration : IEntityTypeConfiguration<Declaration>
{
    public void Configure(EntityTypeBuilder<Declaration> builder) => builder.ToTable("declarations");
}

public sealed record DeclarationRequest(string? Kind, string? Language, DateOnly? SignedOn, bool? PaidNoFees, bool? HoldsOwnPassport, bool? ContractExplained) : IValidatable
{
    public static readonly IReadOnlyList<string> Kinds = ["pre-departure", "post-arrival"];

    public void Validate(Validator v)
    {
        v.OneOf("kind", Kind, Kinds);
        v.OneOf("language", Language, Languages.Supported);
        v.Required("signedOn", SignedOn);
        v.Required("paidNoFees", PaidNoFees);
        v.Required("holdsOwnPassport", HoldsOwnPassport);
        v.Required("contractExplained", ContractExplained);
    }
}

public sealed record DeclarationView(
    Guid Id, Guid WorkerId, string Kind, string Language, DateOnly SignedOn, bool PaidNoFees, bool HoldsOwnPassport,
    bool ContractExplained, string TemplateVersion, bool Contradicted, IReadOnlyList<Guid> ContradictingFeeIds, string Indicator, DateTimeOffset RecordedAt)
{
    public static DeclarationView From(Declaration d, IEnumerable<Guid> contradicting)
    {
        var contradictingFeeIds = contradicting.ToList();
        return new(
        d.Id, d.WorkerId, d.Kind, d.Language, d.SignedOn, d.PaidNoFees, d.HoldsOwnPassport, d.ContractExplained, d.TemplateVersion,
        contradictingFeeIds.Count > 0, contradictingFeeIds, Indicators.Deception, d.RecordedAt);
    }
}

public static class DeclarationsApi
{
    /// <summary>Version of <c>templates/declarations/&lt;lang&gt;/zero-fee.sbn</c>; bump it when the wording changes.</summary>
    public const string TemplateVersion = "zero-fee/2026.1";

    public static void MapDeclarations(this RouteGroupBuilder workers)
    {
        workers.MapPost("/{id:guid}/declarations", CreateAsync).RequireAuthorization(Policies.EmployerWrite).WithSummary("Record a signed zero-fee declaration (pre-departure or post-arrival).");
        workers.MapGet("/{id:guid}/declarations", ListAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("List a worker's declarations, each marked contradicted when a worker-paid fee exists.");
        workers.MapGet("/{id:guid}/declarations/{declarationId:guid}", GetAsync).RequireAuthorization(Policies.EmployerRead).WithSummary("Read a declaration with the fee ids that contradict it.");
        workers.MapGet("/{id:guid}/declarations/{declarationId:guid}/document", DocumentAsync).RequireAuthorization(Policies.EmployerRead)
            .WithSummary("Render the declaration in its language (text/plain or text/html by Accept).");
    }

    private static async Task<Results<Created<DeclarationView>, NotFound>> CreateAsync(Guid id, DeclarationRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (await WorkersApi.FindAsync(db, id, ct) is not { } worker)
        {
            return TypedResults.NotFound();
        }

        var declaration = new Declaration
        {
            Kind = request.Kind!,
            Language = request.Language!,
            SignedOn = request.SignedOn!.Value,
            PaidNoFees = request.PaidNoFees!.Value,
            HoldsOwnPassport = request.HoldsOwnPassport!.Value,
            ContractExplained = request.ContractExplained!.Value,
            TemplateVersion = TemplateVersion,
        }.For<Declaration>(worker, clock.GetUtcNow());
        db.Add(declaration);
        await db.SaveChangesAsync(ct);
        var contradictions = await ContradictionsAsync(db, id, ct);
        return TypedResults.Created($"/api/v1/workers/{id}/declarations/{declaration.Id}", DeclarationView.From(declaration, contradictions[declaration.Id]));
    }

    private static async Task<Results<Ok<Paged<DeclarationView>>, NotFound>> ListAsync(Guid id, [AsParameters] PageQuery paging, ComplianceDbContext db, CancellationToken ct)
    {
        if (await WorkersApi.FindAsync(db, id, ct) is null)
        {
            return TypedResults.NotFound();
        }

        var contradictions = await ContradictionsAsync(db, id, ct);
        var query = db.Set<Declaration>().AsNoTracking().Where(d => d.WorkerId == id).OrderBy(d => d.SignedOn).ThenBy(d => d.Id);
        return TypedResults.Ok(await query.ToPagedAsync(paging, d => DeclarationView.From(d, contradictions[d.Id]), ct));
    }

    private static async Task<Results<Ok<DeclarationView>, NotFound>> GetAsync(Guid id, Guid declarationId, ComplianceDbContext db, CancellationToken ct)
    {
        var declaration = await db.Set<Declaration>().AsNoTracking().SingleOrDefaultAsync(d => d.Id == declarationId && d.WorkerId == id, ct);
        if (declaration is null)
        {
            return TypedResults.NotFound();
        }

        var contradictions = await ContradictionsAsync(db, id, ct);
        return TypedResults.Ok(DeclarationView.From(declaration, contradictions[declarationId]));
    }

    private static async Task<Results<ContentHttpResult, NotFound, StatusCodeHttpResult>> DocumentAsync(
        Guid id, Guid declarationId, HttpRequest http, ComplianceDbContext db, TemplateStore templates, CancellationToken ct)
    {
        var declaration = await db.Set<Declaration>().AsNoTracking().SingleOrDefaultAsync(d => d.Id == declarationId && d.WorkerId == id, ct);
        if (declaration is null)
        {
            return TypedResults.NotFound();
        }

        var mediaType = Negotiate(http.GetTypedHeaders().Accept);
        if (mediaType is null)
        {
            return TypedResults.StatusCode(StatusCodes.Status406NotAcceptable);
        }

        var worker = await db.Set<Worker>().AsNoTracking().SingleAsync(w => w.Id == id, ct);
        var site = await db.Set<Site>().AsNoTracking().SingleAsync(s => s.Id == worker.SiteId, ct);
        var supplier = await db.Set<Supplier>().AsNoTracking().SingleAsync(s => s.Id == worker.SupplierId, ct);
        var text = templates.Render($"declarations/{declaration.Language}/zero-fee.sbn", new
        {
            declaration.TemplateVersion,
            declaration.Kind,
            SignedOn = declaration.SignedOn.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
            EmployerName = supplier.Name,
            SiteName = site.Name,
            WorkerRef = worker.EmployeeRef,
            worker.Nationality,
            declaration.PaidNoFees,
            declaration.HoldsOwnPassport,
            declaration.ContractExplained,
        });
        http.HttpContext.Response.Headers.CacheControl = "no-store";
        http.HttpContext.Response.Headers["X-Template-Version"] = declaration.TemplateVersion;
        http.HttpContext.Response.Headers.ContentLanguage = declaration.Language;
        return mediaType == "text/html"
            ? TypedResults.Content(Html(text, declaration.Language), "text/html", Encoding.UTF8)
            : TypedResults.Content(text, "text/plain", Encoding.UTF8);
    }

    /// <summary>The plain-text template does not escape (docs/translations.md), so the whole output is escaped here.</summary>
    private static string Html(string text, string language) =>
        $"<!DOCTYPE html>\n<html lang=\"{language}\"><head><meta charset=\"utf-8\"><title>Zero-fee declaration</title></head>\n<body><pre style=\"white-space:pre-wrap\">{WebUtility.HtmlEncode(text)}</pre></body></html>\n";

    /// <summary>text/plain unless the client prefers text/html; null when it accepts neither.</summary>
    internal static string? Negotiate(IList<MediaTypeHeaderValue> accept)
    {
        if (accept.Count == 0)
        {
            return "text/plain";
        }

        string? best = null;
        double bestQuality = 0;
        foreach (var candidate in new[] { "text/plain", "text/html" })
        {
            var offered = new MediaTypeHeaderValue(candidate);
            foreach (var a in accept)
            {
                var quality = a.Quality ?? 1;
                if (quality > bestQuality && offered.IsSubsetOf(a))
                {
                    best = candidate;
                    bestQuality = quality;
                }
            }
        }

        return best;
    }

    /// <summary>Fee ids contradicting each of a worker's declarations, from <c>app.declaration_contradictions()</c> (one definition).</summary>
    private static async Task<ILookup<Guid, Guid>> ContradictionsAsync(ComplianceDbContext db, Guid workerId, CancellationToken ct) =>
        (await TenantSql.RowsAsync(db, "select declaration_id, fee_id from app.declaration_contradictions() where worker_id = @w order by fee_id",
            r => (Key: r.GetGuid(0), Value: r.GetGuid(1)), ct, ("w", workerId))).ToLookup(x => x.Key, x => x.Value);
}
