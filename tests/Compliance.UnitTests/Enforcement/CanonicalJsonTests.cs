using System.Text;
using System.Text.Json.Nodes;
using Compliance.Api.Features.Enforcement;

namespace Compliance.UnitTests.Enforcement;

/// <summary>The dossier's canonical JSON: the RFC 8785 rules it documents, byte for byte.</summary>
public class CanonicalJsonTests
{
    [Fact]
    public void Members_AreSortedByUtf16CodeUnits_WithNoWhitespace()
    {
        var node = JsonNode.Parse("""{ "b": 1, "a": { "z": true, "y": null }, "B": [ 2, "x" ], "é": "e", "\u20ac": "euro" }""");
        Assert.Equal("""{"B":[2,"x"],"a":{"y":null,"z":true},"b":1,"é":"e","€":"euro"}""", Encoding.UTF8.GetString(CanonicalJson.Serialize(node)));
    }

    [Fact]
    public void Strings_EscapeOnlyWhatJsonRequires_AndKeepNonAscii()
    {
        var node = new JsonObject { ["s"] = "q\"b\\n\nt\tc\u0001 नेपाली <&>" };
        Assert.Equal("{\"s\":\"q\\\"b\\\\n\\nt\\tc\\u0001 नेपाली <&>\"}", Encoding.UTF8.GetString(CanonicalJson.Serialize(node)));
    }

    [Fact]
    public void NonIntegerNumbers_AreRefused_AndDecimalsAreWrittenAsStrings()
    {
        Assert.Throws<InvalidOperationException>(() => CanonicalJson.Serialize(JsonNode.Parse("{\"n\":1.5}")));
        Assert.Equal("{\"amount\":\"1500.000\"}", Encoding.UTF8.GetString(CanonicalJson.Serialize(new { Amount = 1500.000m })));
    }

    [Fact]
    public void TheSameRecord_HashesTheSame_AndAnyChangeChangesTheHash()
    {
        var a = new { Id = Guid.Parse("0193e1c2-0000-7000-8000-000000000001"), Amount = 10.5m, Holder = "agency" };
        Assert.Equal(CanonicalJson.RecordHash(a), CanonicalJson.RecordHash(a with { }));
        Assert.NotEqual(CanonicalJson.RecordHash(a), CanonicalJson.RecordHash(a with { Holder = "worker" }));
        Assert.Matches("^[0-9a-f]{64}$", CanonicalJson.RecordHash(a));
    }
}
