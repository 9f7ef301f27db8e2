using System.Collections.Concurrent;
using System.Globalization;
using System.Linq.Expressions;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.AspNetCore.OData.Extensions;
using Microsoft.Extensions.Primitives;
using Microsoft.Net.Http.Headers;
using Microsoft.OData.Edm;

namespace Compliance.Api.Features.Reporting;

/// <summary>Getters for row properties by name, compiled once per type and property (no per-request compiles).</summary>
public static class RowGetters
{
    private static readonly ConcurrentDictionary<(Type Type, string Property), Func<object, object?>?> Cache = new();

    public static Func<object, object?>? Get(Type type, string property) => Cache.GetOrAdd((type, property), static key =>
    {
        if (key.Type.GetProperty(key.Property) is not { CanRead: true } info)
        {
            return null;
        }

        var row = Expression.Parameter(typeof(object), "row");
        var read = Expression.Convert(Expression.Property(Expression.Convert(row, key.Type), info), typeof(object));
        return Expression.Lambda<Func<object, object?>>(read, row).Compile();
    });
}

/// <summary>
/// Writes a page of plain rows (no <c>$select</c>, <c>$expand</c> or <c>$apply</c>) as the OData JSON the library's
/// serializer writes for it with minimal metadata: the same members, order, value formats and headers, without its
/// per-property object model. Serialising a 100-row page through the library cost about as much CPU as the rest of
/// the request. Only rows whose every structural property is a primitive written here qualify, and only for a client
/// that asked for plain JSON; anything else is left to the library. <c>PlainFeedWriterTests</c> compares the bytes of
/// both writers for every entity set.
/// </summary>
public static class PlainFeedWriter
{
    /// <summary>The response type the library answers a plain JSON request with.</summary>
    public const string ContentType = "application/json; odata.metadata=minimal; odata.streaming=true; charset=utf-8";

    private static readonly ConcurrentDictionary<(IEdmEntityType Entity, Type Clr), Column[]?> Plans = new();

    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = true };

    private enum Kind
    {
        Guid,
        String,
        Boolean,
        Integer,
        Decimal,
        Date,
        DateTimeOffset,
    }

    private sealed record Column(JsonEncodedText Name, Func<object, object?> Get, Kind Kind);

    /// <summary>Whether the request asks for what this writer writes: JSON, minimal metadata, no <c>$format</c>.</summary>
    public static bool Accepts(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Query.ContainsKey("$format"))
        {
            return false;
        }

        var accept = request.Headers.Accept;
        if (StringValues.IsNullOrEmpty(accept))
        {
            return true;
        }

        if (!MediaTypeHeaderValue.TryParseList(accept, out var types))
        {
            return false;
        }

        return types.All(t => (t.MediaType.Equals("*/*", StringComparison.Ordinal) || t.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            && t.Parameters.All(p => p.Name.Equals("odata.metadata", StringComparison.OrdinalIgnoreCase) && p.Value.Equals("minimal", StringComparison.OrdinalIgnoreCase)));
    }

    /// <summary>Whether rows of <paramref name="clr"/> for <paramref name="entity"/> can be written here.</summary>
    public static bool CanWrite(IEdmEntityType entity, Type clr) => Plan(entity, clr) is not null;

    public static async Task WriteAsync(HttpContext http, IEdmEntitySetBase set, IReadOnlyList<object> rows, long? count, Uri? nextLink)
    {
        ArgumentNullException.ThrowIfNull(http);
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(rows);
        var columns = rows.Count == 0 ? [] : Plan(set.EntityType, rows[0].GetType()) ?? throw new InvalidOperationException("Rows this writer cannot write.");
        var response = http.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        response.Headers["OData-Version"] = "4.0";

        await using (var json = new Utf8JsonWriter(response.BodyWriter, Options))
        {
            json.WriteStartObject();
            json.WriteString("@odata.context", http.Request.CreateODataLink() + "/$metadata#" + set.Name);
            if (count is long total)
            {
                json.WriteNumber("@odata.count", total);
            }

            json.WriteStartArray("value");
            foreach (var row in rows)
            {
                json.WriteStartObject();
                foreach (var column in columns)
                {
                    json.WritePropertyName(column.Name);
                    WriteValue(json, column.Kind, column.Get(row));
                }

                json.WriteEndObject();
            }

            json.WriteEndArray();
            if (nextLink is not null)
            {
                json.WriteString("@odata.nextLink", nextLink.AbsoluteUri);
            }

            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(http.RequestAborted);
    }

    private static void WriteValue(Utf8JsonWriter json, Kind kind, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNullValue();
                break;
            case Guid g:
                json.WriteStringValue(g);
                break;
            case string s:
                json.WriteStringValue(s);
                break;
            case bool b:
                json.WriteBooleanValue(b);
                break;
            case int i:
                json.WriteNumberValue(i);
                break;
            case long l:
                json.WriteNumberValue(l);
                break;
            case short sh:
                json.WriteNumberValue(sh);
                break;
            case byte by:
                json.WriteNumberValue(by);
                break;
            case decimal d:
                json.WriteNumberValue(d);
                break;
            case DateOnly date:
                json.WriteStringValue(date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                break;
            case DateTimeOffset time:
                json.WriteStringValue(DateTimeOffsetText(time));
                break;
            default:
                throw new InvalidOperationException($"A {kind} column holds a {value.GetType().Name}.");
        }
    }

    /// <summary>As the library writes Edm.DateTimeOffset: ISO 8601, UTC as <c>Z</c>, fractional seconds only when present.</summary>
    private static string DateTimeOffsetText(DateTimeOffset value) =>
        System.Xml.XmlConvert.ToString(value);

    private static Column[]? Plan(IEdmEntityType entity, Type clr) => Plans.GetOrAdd((entity, clr), static key =>
    {
        var columns = new List<Column>();
        foreach (var property in key.Entity.StructuralProperties())
        {
            if (property.Type.Definition is not IEdmPrimitiveType primitive || KindOf(primitive.PrimitiveKind) is not Kind kind
                || RowGetters.Get(key.Clr, property.Name) is not { } getter)
            {
                return null;
            }

            columns.Add(new Column(JsonEncodedText.Encode(property.Name, Options.Encoder), getter, kind));
        }

        return [.. columns];
    });

    private static Kind? KindOf(EdmPrimitiveTypeKind kind) => kind switch
    {
        EdmPrimitiveTypeKind.Guid => Kind.Guid,
        EdmPrimitiveTypeKind.String => Kind.String,
        EdmPrimitiveTypeKind.Boolean => Kind.Boolean,
        EdmPrimitiveTypeKind.Int16 or EdmPrimitiveTypeKind.Int32 or EdmPrimitiveTypeKind.Int64 or EdmPrimitiveTypeKind.Byte => Kind.Integer,
        EdmPrimitiveTypeKind.Decimal => Kind.Decimal,
        EdmPrimitiveTypeKind.Date => Kind.Date,
        EdmPrimitiveTypeKind.DateTimeOffset => Kind.DateTimeOffset,
        _ => null,
    };
}
