using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Compliance.Api.Features.Enforcement;

/// <summary>
/// The dossier's canonical JSON, a subset of RFC 8785 (JCS) that any JCS implementation reproduces byte for byte:
/// object members sorted by their names' UTF-16 code units, no whitespace, UTF-8 without a byte-order mark, strings
/// escaped only where JSON requires it (<c>\"</c>, <c>\\</c>, <c>\b \f \n \r \t</c>, other controls as <c>\u00xx</c>
/// in lower-case hex; everything else, including non-ASCII, written as itself). Numbers are integers only, written
/// in plain decimal digits (a dossier writes amounts and rates as strings, so no floating-point form is ever needed).
/// </summary>
public static class CanonicalJson
{
    /// <summary>How records and dossier bodies become JSON before canonicalisation: camelCase names, decimals as strings.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        Converters = { new InvariantDecimalConverter() },
        DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    };

    public static byte[] Serialize<T>(T value) => Serialize(JsonSerializer.SerializeToNode(value, Options));

    public static byte[] Serialize(JsonNode? node)
    {
        var text = new StringBuilder();
        Write(node, text);
        return new UTF8Encoding(false, true).GetBytes(text.ToString());
    }

    /// <summary>Lower-case hex SHA-256 of <paramref name="bytes"/>.</summary>
    public static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));

    /// <summary>
    /// The hash that proves a fact's origin: SHA-256 of the record's canonical JSON (its columns as the product's
    /// entity holds them, camelCase names, decimals as invariant strings keeping their stored scale).
    /// </summary>
    public static string RecordHash<T>(T record) => Sha256(Serialize(record));

    private static void Write(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                text.Append('{');
                var first = true;
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first)
                    {
                        text.Append(',');
                    }

                    first = false;
                    WriteString(name, text);
                    text.Append(':');
                    Write(value, text);
                }

                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0)
                    {
                        text.Append(',');
                    }

                    Write(array[i], text);
                }

                text.Append(']');
                break;
            default:
                WriteValue((JsonValue)node, text);
                break;
        }
    }

    private static void WriteValue(JsonValue value, StringBuilder text)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(value.GetValue<string>(), text);
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Number:
                var number = value.ToJsonString();
                if (!long.TryParse(number, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var integer))
                {
                    throw new InvalidOperationException($"Canonical dossier JSON holds integers only; write '{number}' as a string.");
                }

                text.Append(integer.ToString(CultureInfo.InvariantCulture));
                break;
            default:
                text.Append("null");
                break;
        }
    }

    private static void WriteString(string value, StringBuilder text)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case < ' ': text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }

        text.Append('"');
    }

    private sealed class InvariantDecimalConverter : JsonConverter<decimal>
    {
        public override decimal Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            reader.TokenType == JsonTokenType.String
                ? decimal.Parse(reader.GetString()!, CultureInfo.InvariantCulture)
                : reader.GetDecimal();

        public override void Write(Utf8JsonWriter writer, decimal value, JsonSerializerOptions options) =>
            writer.WriteStringValue(value.ToString(CultureInfo.InvariantCulture));
    }
}
