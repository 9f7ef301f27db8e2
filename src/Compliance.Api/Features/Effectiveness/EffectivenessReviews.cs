using System.Globalization;
using System.Text.Json;
using Compliance.Api.Features.Foundation;
using Compliance.Api.Features.Handling;
using Compliance.Api.Features.Pages;
using Compliance.Api.Features.WorkerVoice;
using Compliance.Api.Infrastructure.Database;
using Compliance.Api.Infrastructure.Templates;
using Compliance.Api.Infrastructure.Tenancy;
using Compliance.Domain.Reference;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Compliance.Api.Features.Effectiveness;

/// <summary>The company's own conclusions and follow-up measures for one year's review (migration 026).</summary>
public sealed class EffectivenessReviewRecord : ITenantOwned
{
    public Guid TenantId { get; set; }

    public int Year { get; set; }

    public required string Conclusions { get; set; }

    public required string Measures { get; set; }

    public DateOnly UpdatedOn { get; set; }
}

internal sealed class EffectivenessReviewRecordConfiguration : IEntityTypeConfiguration<EffectivenessReviewRecord>
{
    public void Configure(EntityTypeBuilder<EffectivenessReviewRecord> builder)
    {
        builder.ToTable("effectiveness_reviews");
        builder.HasKey(r => new { r.TenantId, r.Year });
    }
}

/// <summary>
/// The annual review (LkSG §8(5)): the procedure rules in force, every metric as a table and a chart per UNGP 31
/// criterion, the change from the year before, the remedies, and the company's conclusions. One HTML page
/// (<c>templates/effectiveness/review.sbn</c>), printed to PDF by the product's one PDF path.
/// </summary>
public sealed class EffectivenessReviews(ComplianceDbContext db, TemplateStore templates, TimeProvider clock)
{
    public const string Template = "effectiveness/review.sbn";
    public const string StringsFile = "effectiveness/strings.en.json";

    public sealed record Row(string Label, string Count, string Of, string Value);

    public sealed record Section(string Criterion, string Heading, IReadOnlyList<Row> Rows, string Chart);

    public sealed record Change(string Label, string LastYear, string ThisYear, string Difference);

    /// <summary>The review of <paramref name="year"/>, or null when none of its months has ended.</summary>
    public async Task<string?> RenderAsync(int year, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (EffectivenessPeriod.Year(year).Complete(now) is not { } period)
        {
            return null;
        }

        var t = Strings();
        var before = EffectivenessPeriod.Year(year - 1).Complete(now);
        var loaded = await EffectivenessFigures.LoadAsync(db, before is null ? period : period with { From = before.From }, now, ct);
        var current = loaded.Table(period, null);
        var previous = before is null ? null : loaded.Table(before, null);
        var stored = await db.Set<EffectivenessReviewRecord>().AsNoTracking().SingleOrDefaultAsync(r => r.Year == year, ct);
        var tenant = await db.Set<Tenant>().AsNoTracking().Select(x => x.Name).SingleAsync(ct);
        var fewer = string.Format(CultureInfo.InvariantCulture, t["fewer_than"], current.MinimumCellSize);

        var sections = EffectivenessMetrics.Criteria.Select(criterion =>
        {
            var rows = current.Tenant.Metrics.Where(m => m.Criterion == criterion && m.Metric != EffectivenessMetrics.RemedyAmount).ToList();
            var heading = t[$"criterion_{criterion}"];
            var bars = rows.Select(m => new SvgChart.Bar(Label(t, m), ChartValue(m), fewer)).ToList();
            return new Section(criterion, heading, [.. rows.Select(m => new Row(Label(t, m), Shown(m.Count, fewer), Shown(m.Of, "–"), Value(m)))],
                SvgChart.Bars($"chart-{criterion}", heading, bars, t["empty"]));
        }).ToList();

        var changes = previous is null ? [] : current.Tenant.Metrics.Select(m =>
        {
            var last = previous.Tenant.Find(m.Metric, m.Key);
            var (a, b) = (Headline(last), Headline(m));
            return new Change(Label(t, m), Format(a, fewer), Format(b, fewer), a is null || b is null ? "–" : Signed(b.Value - a.Value));
        }).ToList();

        var remedies = current.Tenant.Metrics.Where(m => m.Metric is EffectivenessMetrics.Remedies or EffectivenessMetrics.RemedyAmount)
            .Select(m => new Row(Label(t, m), Shown(m.Count, fewer), Shown(m.Of, "–"), Value(m))).ToList();

        var offices = await (
            from l in db.Set<HandlingLink>().AsNoTracking()
            join o in db.Set<HandlingOffice>().AsNoTracking() on l.OfficeId equals o.Id
            where l.AcceptedAt != null && l.EndedAt == null
            orderby o.Name
            select new { o.Name, o.Kind, Verified = o.VerifiedAt != null }).ToListAsync(ct);

        return templates.Render(Template, new
        {
            Strings = t,
            Tenant = tenant,
            Year = year,
            From = Day(period.From),
            To = Day(period.LastDay),
            GeneratedOn = Day(DateOnly.FromDateTime(now.UtcDateTime)),
            current.MinimumCellSize,
            current.ReprisalFlag,
            ReprisalFlagText = string.Format(CultureInfo.InvariantCulture, t["reprisal_flag"], current.MinimumCellSize),
            Rules = new
            {
                AcknowledgeDays = GrievanceClocks.AcknowledgeWindow.TotalDays,
                CriticalAcknowledgeHours = GrievanceClocks.CriticalAcknowledgeWindow.TotalHours,
                GrievanceClocks.FeedbackMonths,
                RetentionDays = await WorkerVoiceSettingsApi.RetentionDaysAsync(db, ct),
                Languages = Languages.Supported.Select(l => $"{Languages.NativeNames[l]} ({l})").ToList(),
                Channels = ReportChannels.All,
                Offices = offices.Select(o => new { o.Name, Kind = o.Kind, o.Verified }).ToList(),
            },
            Sections = sections,
            PreviousYear = previous is null ? null : (int?)(year - 1),
            Changes = changes,
            Remedies = remedies,
            Conclusions = stored?.Conclusions ?? string.Empty,
            Measures = stored?.Measures ?? string.Empty,
            ConclusionsUpdatedOn = stored is null ? null : Day(stored.UpdatedOn),
            Note = EffectivenessFigures.Note,
        });
    }

    private Dictionary<string, string> Strings() => LoadStrings(templates);

    /// <summary>The review's English labels of criteria, metrics and keys (<c>templates/effectiveness/strings.en.json</c>).</summary>
    public static Dictionary<string, string> LoadStrings(TemplateStore templates)
    {
        ArgumentNullException.ThrowIfNull(templates);
        return JsonSerializer.Deserialize<Dictionary<string, string>>(templates.ReadText(StringsFile)) ?? throw new InvalidOperationException($"{StringsFile} is empty.");
    }

    /// <summary>
    /// The console statistics page's effectiveness section: this year's complete months (last year's in January), the
    /// reprisal flag, every figure of the tenant with the review's labels, and the review's links.
    /// </summary>
    public async Task<object> ConsoleSectionAsync(CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        var year = EffectivenessPeriod.Year(now.UtcDateTime.Year).Complete(now) is null ? now.UtcDateTime.Year - 1 : now.UtcDateTime.Year;
        var period = EffectivenessPeriod.Year(year).Complete(now)!;
        var table = await EffectivenessFigures.ComputeAsync(db, period, null, now, ct);
        var t = Strings();
        var fewer = string.Format(CultureInfo.InvariantCulture, t["fewer_than"], table.MinimumCellSize);
        return new
        {
            Year = year,
            From = Day(period.From),
            To = Day(period.LastDay),
            table.ReprisalFlag,
            ReprisalFlagText = string.Format(CultureInfo.InvariantCulture, t["reprisal_flag"], table.MinimumCellSize),
            Rows = table.Tenant.Metrics.Select(m => new
            {
                Criterion = t[$"criterion_{m.Criterion}"],
                Label = Label(t, m),
                Count = Shown(m.Count, fewer),
                Of = Shown(m.Of, "–"),
                Value = Value(m),
            }).ToList(),
            ReviewUrl = $"/api/v1/effectiveness/review?year={year}",
            PdfUrl = $"/api/v1/effectiveness/review?year={year}&format=pdf",
        };
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    public static string Label(IReadOnlyDictionary<string, string> t, MetricValue m)
    {
        ArgumentNullException.ThrowIfNull(t);
        ArgumentNullException.ThrowIfNull(m);
        var name = t[$"metric_{m.Metric}"];
        return m.Key is null ? name : $"{name}: {(t.TryGetValue($"key_{m.Key}", out var key) ? key : m.Key)}";
    }

    /// <summary>The number a metric is judged by: its value (share, days, rate, mean, amount) or else its count.</summary>
    private static decimal? Headline(MetricValue? m) => m is null ? null : m.Value ?? m.Count;

    private static int? ChartValue(MetricValue m) => Headline(m) is decimal d ? (int)Math.Round(d, MidpointRounding.AwayFromZero) : null;

    private static string Shown(int? count, string withheld) => count is int n ? n.ToString(CultureInfo.InvariantCulture) : withheld;

    private static string Format(decimal? value, string withheld) => value is decimal d ? d.ToString("0.##", CultureInfo.InvariantCulture) : withheld;

    private static string Signed(decimal d) => (d > 0 ? "+" : string.Empty) + d.ToString("0.##", CultureInfo.InvariantCulture);

    private static string Value(MetricValue m) => m.Value is not decimal v
        ? "–"
        : m.Metric switch
        {
            _ when EffectivenessMetrics.Shares.ContainsKey(m.Metric) || m.Metric is EffectivenessMetrics.Channel or EffectivenessMetrics.Language
                or EffectivenessMetrics.Remedies or EffectivenessMetrics.Satisfaction or EffectivenessMetrics.Reprisal => v.ToString("0.#", CultureInfo.InvariantCulture) + " %",
            _ when EffectivenessMetrics.Durations.Contains(m.Metric) => v.ToString("0", CultureInfo.InvariantCulture) + " days",
            EffectivenessMetrics.RemedyAmount => v.ToString("#,0.##", CultureInfo.InvariantCulture) + " " + m.Key,
            _ => v.ToString("0.##", CultureInfo.InvariantCulture),
        };
}
