using System.Text.Json;
using System.Text.Json.Serialization;
using Compliance.Domain.Risk;

namespace Compliance.Api.Features.Risk.Assessment;

/// <summary>
/// How assessments are stored as jsonb: Web defaults (camelCase names) with enums as camelCase strings. Generated
/// at build time, so a rescore in a fresh process does not first build serializer metadata by reflection; the
/// bytes are the same as the reflection-based serializer with those options writes (pinned by a unit test).
/// </summary>
[JsonSourceGenerationOptions(
    JsonSerializerDefaults.Web,
    Converters = [typeof(CamelCaseEnumConverter<Measure>), typeof(CamelCaseEnumConverter<Strength>), typeof(CamelCaseEnumConverter<RiskLevel>)])]
[JsonSerializable(typeof(IReadOnlyList<RiskEvidence>))]
[JsonSerializable(typeof(IReadOnlyList<Discrepancy>))]
[JsonSerializable(typeof(IReadOnlyList<DisclosedEvidence>))]
[JsonSerializable(typeof(IReadOnlyList<string>))]
internal sealed partial class RiskJson : JsonSerializerContext;

/// <summary><see cref="JsonStringEnumConverter{TEnum}"/> with camelCase names, usable from a generated context.</summary>
internal sealed class CamelCaseEnumConverter<TEnum>() : JsonStringEnumConverter<TEnum>(JsonNamingPolicy.CamelCase)
    where TEnum : struct, Enum;
