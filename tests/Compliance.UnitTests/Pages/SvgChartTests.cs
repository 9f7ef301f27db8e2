using System.Globalization;
using System.Xml.Linq;
using Compliance.Api.Features.Pages;

namespace Compliance.UnitTests.Pages;

public class SvgChartTests
{
    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static XElement Parse(string svg) => XElement.Parse(svg);

    private static decimal Width(XElement rect) => decimal.Parse(rect.Attribute("width")!.Value, CultureInfo.InvariantCulture);

    [Fact]
    public void Bars_AreProportionalToTheirCounts_TheLargestTakingTheFullLength()
    {
        var svg = Parse(SvgChart.Bars("c", "Counts", [new("a", 10), new("b", 5), new("c", 2)], "none"));

        var widths = svg.Elements(Svg + "rect").Select(Width).ToList();
        Assert.Equal([SvgChart.BarMaxLength, SvgChart.BarMaxLength / 2m, SvgChart.BarMaxLength / 5m], widths);
    }

    [Fact]
    public void Bars_ShowEachCountAsText_AndAWithheldCountAsItsWords_WithNoBar()
    {
        var svg = Parse(SvgChart.Bars("c", "Counts", [new("shown", 7), new("hidden", null, "fewer than 5")], "none"));

        Assert.Single(svg.Elements(Svg + "rect"));
        var texts = svg.Elements(Svg + "text").Select(t => t.Value).ToList();
        Assert.Equal(["shown", "7", "hidden", "fewer than 5"], texts);
        Assert.DoesNotContain(texts, t => t is "0" or "1" or "2" or "3" or "4");
    }

    [Fact]
    public void Bars_WithNoData_SayWhy_AndDrawNoBar()
    {
        var svg = Parse(SvgChart.Bars("c", "Counts", [], "Nothing to show"));

        Assert.Empty(svg.Elements(Svg + "rect"));
        Assert.Equal("Nothing to show", svg.Element(Svg + "text")!.Value);
    }

    [Fact]
    public void Bars_AllWithheld_DrawNoBar()
    {
        var svg = Parse(SvgChart.Bars("c", "Counts", [new("a", null, "fewer than 5"), new("b", null, "fewer than 5")], "none"));

        Assert.Empty(svg.Elements(Svg + "rect"));
    }

    [Fact]
    public void EveryText_IsEscaped_InTitleLabelsAndIds()
    {
        const string evil = "<script>alert('x')</script> & \"q\"";
        var raw = SvgChart.Bars("id\"><x", evil, [new(evil, 3)], evil);

        Assert.DoesNotContain("<script>", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("<x", raw, StringComparison.Ordinal);
        var svg = Parse(raw);
        Assert.Equal(evil, svg.Element(Svg + "title")!.Value);
        Assert.Equal(evil, svg.Elements(Svg + "text").First().Value);
    }

    [Fact]
    public void Charts_AreAccessibleImages_WithATitle_AndNoStyleAttributes()
    {
        foreach (var raw in new[]
        {
            SvgChart.Bars("bars", "Bar title", [new("a", 1)], "none"),
            SvgChart.LevelHistory("history", "History title", [new(new DateOnly(2026, 1, 1), "high")], "none"),
        })
        {
            var svg = Parse(raw);
            Assert.Equal("img", svg.Attribute("role")!.Value);
            var title = svg.Elements().First();
            Assert.Equal(Svg + "title", title.Name);
            Assert.Equal(svg.Attribute("aria-labelledby")!.Value, title.Attribute("id")!.Value);
            Assert.DoesNotContain(svg.DescendantsAndSelf(), e => e.Attribute("style") is not null);
            Assert.DoesNotContain(svg.DescendantsAndSelf(), e => e.Name.LocalName is "script" or "foreignObject" or "image");
        }
    }

    [Fact]
    public void Output_IsDeterministic_WhateverTheCurrentCulture()
    {
        var points = new SvgChart.LevelPoint[] { new(new DateOnly(2026, 1, 1), "low"), new(new DateOnly(2026, 1, 4), "critical") };
        var before = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = CultureInfo.GetCultureInfo("de-DE");
            var german = SvgChart.LevelHistory("h", "t", points, "none") + SvgChart.Bars("b", "t", [new("a", 3), new("b", 7)], "none");
            CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;
            var invariant = SvgChart.LevelHistory("h", "t", points, "none") + SvgChart.Bars("b", "t", [new("a", 3), new("b", 7)], "none");
            Assert.Equal(invariant, german);
            Assert.DoesNotContain(",", german.Split("<title")[0], StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = before;
        }
    }

    [Fact]
    public void LevelHistory_PlacesEachLevelOnItsOwnRow_CriticalHighest()
    {
        var day = new DateOnly(2026, 3, 1);
        var svg = Parse(SvgChart.LevelHistory("h", "t", [new(day, "low"), new(day.AddDays(1), "medium"), new(day.AddDays(2), "high"), new(day.AddDays(3), "critical")], "none"));

        var ys = svg.Elements(Svg + "circle").Select(c => decimal.Parse(c.Attribute("cy")!.Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(4, ys.Count);
        Assert.True(ys[0] > ys[1] && ys[1] > ys[2] && ys[2] > ys[3], string.Join(", ", ys));
        var labels = svg.Elements(Svg + "text").Select(t => t.Value).ToList();
        Assert.Equal(["low", "medium", "high", "critical"], labels.Take(4));
        Assert.Contains("2026-03-01", labels);
        Assert.Contains("2026-03-04", labels);
    }

    [Fact]
    public void LevelHistory_SpacesPointsByTheTimeBetweenThem()
    {
        var svg = Parse(SvgChart.LevelHistory(
            "h", "t", [new(new DateOnly(2026, 1, 1), "low"), new(new DateOnly(2026, 1, 2), "high"), new(new DateOnly(2026, 1, 11), "high")], "none"));

        var xs = svg.Elements(Svg + "circle").Select(c => decimal.Parse(c.Attribute("cx")!.Value, CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(9m, Math.Round((xs[2] - xs[1]) / (xs[1] - xs[0]), 2));
    }

    [Fact]
    public void LevelHistory_StepsHoldALevelUntilTheNextAssessment()
    {
        var svg = Parse(SvgChart.LevelHistory("h", "t", [new(new DateOnly(2026, 1, 1), "low"), new(new DateOnly(2026, 1, 5), "critical")], "none"));

        var d = svg.Element(Svg + "path")!.Attribute("d")!.Value;
        Assert.Matches(@"^M[\d.]+ [\d.]+ H[\d.]+ V[\d.]+$", d);
    }

    [Fact]
    public void LevelHistory_WithNoAssessments_SaysSo_AndDrawsNoLine()
    {
        var svg = Parse(SvgChart.LevelHistory("h", "t", [], "No assessments yet"));

        Assert.Empty(svg.Elements(Svg + "path"));
        Assert.Empty(svg.Elements(Svg + "circle"));
        Assert.Contains("No assessments yet", svg.Elements(Svg + "text").Select(t => t.Value));
    }

    [Fact]
    public void LevelHistory_UsesTheGivenLevelNames()
    {
        var names = new Dictionary<string, string> { ["low"] = "Rendah", ["medium"] = "Sederhana", ["high"] = "Tinggi", ["critical"] = "Kritikal" };
        var svg = Parse(SvgChart.LevelHistory("h", "t", [new(new DateOnly(2026, 1, 1), "critical")], "none", names));

        Assert.Equal(["Rendah", "Sederhana", "Tinggi", "Kritikal"], svg.Elements(Svg + "text").Select(t => t.Value).Take(4));
        Assert.Equal("2026-01-01: Kritikal", svg.Element(Svg + "circle")!.Value);
    }
}
