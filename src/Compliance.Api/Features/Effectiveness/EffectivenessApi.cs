using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Auth;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Http;
using Compliance.Api.Infrastructure.Pdf;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.EntityFrameworkCore;

namespace Compliance.Api.Features.Effectiveness;

/// <summary>
/// <c>/api/v1/effectiveness</c>: the grievance mechanism's effectiveness figures (UNGP 31, LkSG §8(5)), k-suppressed,
/// never testimony; the annual review as HTML or PDF with the tenant's own conclusions; and the case handler's remedies
/// on <c>/api/v1/grievances/{id}/remedies</c>.
/// </summary>
public static class EffectivenessApi
{
    public const string PdfMediaType = "application/pdf";

    public sealed record FiguresQuery(string? Period, string? GroupBy) : IValidatable
    {
        public void Validate(Validator v)
        {
            if (v.Required("period", Period, 7))
            {
                v.Check(EffectivenessPeriod.Parse(Period) is not null, "period", "Must be a month (2026-11), a quarter (2026-Q3) or a year (2026), 2000 to 2100.");
            }

            v.OneOf("groupBy", GroupBy, EffectivenessFigures.GroupBys, required: false);
        }
    }

    public sealed record ReviewQuery(int? Year, string? Format) : IValidatable
    {
        public void Validate(Validator v)
        {
            v.Range("year", Year, 2000, 2100);
            v.OneOf("format", Format, ["html", "pdf"], required: false);
        }
    }

    public sealed record ConclusionsRequest(string? Conclusions, string? Measures) : IValidatable
    {
        public const int MaxLength = 20000;

        public void Validate(Validator v)
        {
            v.Check(Conclusions is not null, "conclusions", "Required (may be empty).");
            v.Check(Conclusions is null || Conclusions.Length <= MaxLength, "conclusions", $"At most {MaxLength} characters.");
            v.Check(Measures is not null, "measures", "Required (may be empty).");
            v.Check(Measures is null || Measures.Length <= MaxLength, "measures", $"At most {MaxLength} characters.");
        }
    }

    public sealed record ConclusionsView(int Year, string Conclusions, string Measures, DateOnly UpdatedOn);

    public sealed record GroupView(string Kind, Guid? Id, string Name, IReadOnlyList<MetricValue> Metrics)
    {
        public static GroupView From(GroupFigures f) => new(f.Group.Kind, f.Group.Id, f.Group.Name, f.Metrics);
    }

    /// <param name="ReprisalFlag">True when at least <paramref name="MinimumCellSize"/> released survey answers say something bad happened because they reported.</param>
    public sealed record FiguresView(
        string Period, DateOnly From, DateOnly To, string? GroupBy, int MinimumCellSize, bool ReprisalFlag, GroupView Tenant, IReadOnlyList<GroupView> Groups, string Note);

    public static void Map(RouteGroupBuilder api)
    {
        var group = api.MapGroup("/effectiveness").WithTags("Effectiveness review").AddEndpointFilter<UnitOfWorkFilter>();
        group.MapGet("/", GetAsync).RequireAuthorization(Policies.TenantReports)
            .WithSummary("Effectiveness figures of the grievance mechanism per UNGP 31 criterion, for a month (2026-11), quarter (2026-Q3) or year (2026), optionally by supplier or site; k-suppressed.");
        group.MapGet("/review", ReviewAsync).RequireAuthorization(Policies.TenantReports)
            .WithSummary("The annual effectiveness review (LkSG §8(5)) as HTML, or as PDF with Accept: application/pdf or format=pdf.");
        group.MapPut("/review/{year:int}/conclusions", PutConclusionsAsync).RequireAuthorization(Policies.ComplianceAdmin)
            .WithSummary("Store the company's conclusions and follow-up measures for a year's review.");

        var remedies = api.MapGroup("/grievances").WithTags("Case handling")
            .RequireAuthorization(Policies.CaseHandler).AddEndpointFilter<UnitOfWorkFilter>();
        remedies.MapGet("/{id:guid}/remedies", ListRemediesAsync).WithSummary("The remedies recorded on the case.");
        remedies.MapPost("/{id:guid}/remedies", RecordRemedyAsync)
            .WithSummary("Record a remedy: kind, optional amount and currency, optional link to the tenant's reimbursement or passport custody record.");
    }

    internal static async Task<Results<Ok<FiguresView>, ValidationProblem>> GetAsync([AsParameters] FiguresQuery query, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (EffectivenessPeriod.Parse(query.Period)!.Complete(now) is not { } period)
        {
            return NoCompleteMonth("period");
        }

        var table = await EffectivenessFigures.ComputeAsync(db, period, query.GroupBy, now, ct);
        return TypedResults.Ok(new FiguresView(
            query.Period!, period.From, period.LastDay, query.GroupBy, table.MinimumCellSize, table.ReprisalFlag, GroupView.From(table.Tenant),
            [.. table.Groups.Select(GroupView.From)], EffectivenessFigures.Note));
    }

    private static async Task<IResult> ReviewAsync(
        [AsParameters] ReviewQuery query, HttpContext http, ComplianceDbContext db, EffectivenessReviews reviews, PdfPrinter printer, TimeProvider clock, CancellationToken ct)
    {
        var year = query.Year!.Value;
        if (await reviews.RenderAsync(year, ct) is not { } html)
        {
            return NoCompleteMonth("year");
        }

        var pdf = query.Format == "pdf" || (query.Format is null && http.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(PdfMediaType, StringComparison.OrdinalIgnoreCase)));
        return pdf
            ? await PdfResults.PdfAsync(printer, html, $"effectiveness-review-{year}.pdf", ct)
            : TypedResults.Content(html, "text/html; charset=utf-8");
    }

    private static async Task<Results<Ok<ConclusionsView>, ValidationProblem>> PutConclusionsAsync(
        int year, ConclusionsRequest request, ComplianceDbContext db, TimeProvider clock, CancellationToken ct)
    {
        if (year is < 2000 or > 2100)
        {
            return TypedResults.ValidationProblem(new Dictionary<string, string[]> { ["year"] = ["Must be between 2000 and 2100."] });
        }

        var review = await db.Set<EffectivenessReviewRecord>().SingleOrDefaultAsync(r => r.Year == year, ct);
        if (review is null)
        {
            review = new EffectivenessReviewRecord { TenantId = db.Tenant.RequiredTenantId, Year = year, Conclusions = string.Empty, Measures = string.Empty };
            db.Add(review);
        }

        review.Conclusions = request.Conclusions!;
        review.Measures = request.Measures!;
        review.UpdatedOn = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(ct);
        return TypedResults.Ok(new ConclusionsView(year, review.Conclusions, review.Measures, review.UpdatedOn));
    }

    private static ValidationProblem NoCompleteMonth(string field) =>
        TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = ["No month of this period has ended yet; figures cover complete months only."] });

    private static async Task<Results<Ok<IReadOnlyList<RemedyView>>, NotFound, ValidationProblem, ProblemHttpResult>> ListRemediesAsync(Guid id, RemedyRecords records, CancellationToken ct) =>
        CaseHandlingApi.Answer(await records.ListAsync(id, ct), TypedResults.Ok);

    private static async Task<Results<Created<RemedyView>, NotFound, ValidationProblem, ProblemHttpResult>> RecordRemedyAsync(
        Guid id, RemedyRequest request, RemedyRecords records, CancellationToken ct) =>
        CaseHandlingApi.Answer(await records.RecordAsync(id, request, ct), r => TypedResults.Created($"/api/v1/grievances/{id}/remedies", r));
}
