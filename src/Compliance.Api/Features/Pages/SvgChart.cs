using System.Globalization;
using System.Text;

namespace Compliance.Api.Features.Pages;

/// <summary>
/// A small SVG writer for the console's charts, rendered on the server as an inline <c>&lt;svg&gt;</c>: presentation
/// attributes only (no <c>style</c> attribute, nothing the console's CSP would block), no fonts to load, no script.
/// Output is deterministic (invariant numbers, fixed layout), and every text is escaped. Each chart has a
/// <c>&lt;title&gt;</c> and <c>role="img"</c>; the page shows a table of the same numbers beside it.
/// </summary>
/// <remarks>Why not ScottPlot: see <c>docs/console.md</c> (native font dependency, non-deterministic output).</remarks>
public static class SvgChart
{
    /// <summary>The width of every chart's coordinate system; the browser scales it to its container.</summary>
    public const int Width = 640;

    /// <summary>Where bars start (left of it: the category labels) and how long the longest bar is.</summary>
    public const int BarLeft = 220;

    public const int BarMaxLength = 330;

    public const int RowHeight = 28;

    /// <summary>Levels on the history chart's y axis, bottom to top.</summary>
    public static readonly IReadOnlyList<string> Levels = ["low", "medium", "high", "critical"];

    private const string Font = "system-ui, sans-serif";
    private const string Ink = "#1a1a1a";
    private const string BarFill = "#0b57d0";

    /// <summary>One bar: its label and its count, or no count with the words shown instead (e.g. "fewer than 5").</summary>
    public sealed record Bar(string Label, int? Value, string? Withheld = null);

    /// <summary>One assessment on the history chart: its day and level (one of <see cref="Levels"/>).</summary>
    public sealed record LevelPoint(DateOnly Day, string Level);

    /// <summary>
    /// A horizontal bar chart (long category names stay readable at 360 px): bar lengths proportional to the counts,
    /// the longest bar for the largest count. A bar without a count is drawn as none, with its words instead.
    /// </summary>
    public static string Bars(string id, string title, IReadOnlyList<Bar> bars, string emptyText)
    {
        ArgumentNullException.ThrowIfNull(bars);
        var height = (Math.Max(bars.Count, 1) * RowHeight) + 16;
        var svg = Open(id, title, height);
        if (bars.Count == 0)
        {
            Text(svg, Width / 2, height / 2, emptyText, "middle");
            return Close(svg);
        }

        var max = bars.Max(b => b.Value ?? 0);
        for (var i = 0; i < bars.Count; i++)
        {
            var bar = bars[i];
            var y = 8 + (i * RowHeight);
            var middle = y + (RowHeight / 2) + 5;
            Text(svg, BarLeft - 8, middle, bar.Label, "end");
            var length = max == 0 || bar.Value is not int value ? 0m : Math.Round((decimal)value * BarMaxLength / max, 2);
            if (length > 0)
            {
                svg.Append(CultureInfo.InvariantCulture, $"<rect x=\"{BarLeft}\" y=\"{y + 4}\" width=\"{N(length)}\" height=\"{RowHeight - 8}\" fill=\"{BarFill}\"/>");
            }

            var shown = bar.Value is int v ? v.ToString(CultureInfo.InvariantCulture) : bar.Withheld ?? string.Empty;
            Text(svg, BarLeft + length + 6, middle, shown, "start");
        }

        return Close(svg);
    }

    /// <summary>
    /// A step chart of risk levels over time: low to critical on the y axis, days on the x axis (proportional to
    /// the time between assessments), a level holding until the next assessment.
    /// </summary>
    public static string LevelHistory(string id, string title, IReadOnlyList<LevelPoint> points, string emptyText, IReadOnlyDictionary<string, string>? levelNames = null)
    {
        ArgumentNullException.ThrowIfNull(points);
        const int height = 220;
        const int left = 90;
        const int right = Width - 20;
        const int top = 20;
        const int bottom = 170;
        var svg = Open(id, title, height);
        var rowGap = (bottom - top) / (decimal)(Levels.Count - 1);
        for (var i = 0; i < Levels.Count; i++)
        {
            var y = bottom - (i * rowGap);
            svg.Append(CultureInfo.InvariantCulture, $"<line x1=\"{left}\" y1=\"{N(y)}\" x2=\"{right}\" y2=\"{N(y)}\" stroke=\"#cccccc\" stroke-width=\"1\"/>");
            Text(svg, left - 8, y + 5, levelNames?.GetValueOrDefault(Levels[i]) ?? Levels[i], "end");
        }

        var known = points.Where(p => Levels.Contains(p.Level)).OrderBy(p => p.Day).ToList();
        if (known.Count == 0)
        {
            Text(svg, (left + right) / 2, (top + bottom) / 2, emptyText, "middle");
            return Close(svg);
        }

        var first = known[0].Day.DayNumber;
        var span = known[^1].Day.DayNumber - first;
        decimal X(DateOnly day) => span == 0 ? (left + right) / 2m : left + 10 + ((day.DayNumber - first) * (right - left - 20m) / span);
        decimal Y(string level) => bottom - (IndexOf(level) * rowGap);

        var path = new StringBuilder();
        for (var i = 0; i < known.Count; i++)
        {
            var x = X(known[i].Day);
            var y = Y(known[i].Level);
            if (i == 0)
            {
                path.Append(CultureInfo.InvariantCulture, $"M{N(x)} {N(y)}");
            }
            else
            {
                path.Append(CultureInfo.InvariantCulture, $" H{N(x)} V{N(y)}");
            }
        }

        svg.Append(CultureInfo.InvariantCulture, $"<path d=\"{path}\" fill=\"none\" stroke=\"{BarFill}\" stroke-width=\"3\"/>");
        foreach (var point in known)
        {
            svg.Append(CultureInfo.InvariantCulture, $"<circle cx=\"{N(X(point.Day))}\" cy=\"{N(Y(point.Level))}\" r=\"5\" fill=\"{BarFill}\"><title>")
                .Append(Escape(Day(point.Day) + ": " + (levelNames?.GetValueOrDefault(point.Level) ?? point.Level)))
                .Append("</title></circle>");
        }

        Text(svg, known.Count == 1 ? (left + right) / 2m : left + 10, bottom + 30, Day(known[0].Day), known.Count == 1 ? "middle" : "start");
        if (known.Count > 1)
        {
            Text(svg, right - 10, bottom + 30, Day(known[^1].Day), "end");
        }

        return Close(svg);
    }

    /// <summary>Text for XML content and attribute values: &amp;, &lt;, &gt;, quotes.</summary>
    public static string Escape(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                '"' => "&quot;",
                '\'' => "&#39;",
                _ when char.IsControl(c) => " ",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }

    private static int IndexOf(string level)
    {
        for (var i = 0; i < Levels.Count; i++)
        {
            if (Levels[i] == level)
            {
                return i;
            }
        }

        return 0;
    }

    private static StringBuilder Open(string id, string title, int height)
    {
        var svg = new StringBuilder();
        var titleId = Escape(id) + "-title";
        svg.Append(CultureInfo.InvariantCulture, $"<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"{Escape(id)}\" viewBox=\"0 0 {Width} {height}\" width=\"{Width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"{titleId}\">")
            .Append(CultureInfo.InvariantCulture, $"<title id=\"{titleId}\">{Escape(title)}</title>");
        return svg;
    }

    private static string Close(StringBuilder svg) => svg.Append("</svg>").ToString();

    private static void Text(StringBuilder svg, decimal x, decimal y, string text, string anchor) =>
        svg.Append(CultureInfo.InvariantCulture, $"<text x=\"{N(x)}\" y=\"{N(y)}\" text-anchor=\"{anchor}\" font-family=\"{Font}\" font-size=\"14\" fill=\"{Ink}\">{Escape(text)}</text>");

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string N(decimal value) => value.ToString("0.##", CultureInfo.InvariantCulture);
}
