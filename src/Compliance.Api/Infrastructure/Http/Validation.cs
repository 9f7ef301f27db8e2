using System.Net.Mail;
using Compliance.Domain.Reference;

namespace Compliance.Api.Infrastructure.Http;

/// <summary>Implemented by request bodies; <see cref="ValidationFilter"/> runs it before the handler.</summary>
public interface IValidatable
{
    void Validate(Validator v);
}

/// <summary>
/// Collects every bad field of a request (camelCase JSON names) so one 400 lists them all.
/// Each method returns whether its value was valid, so dependent checks can be skipped.
/// </summary>
public sealed class Validator
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool IsValid => _errors.Count == 0;

    public IDictionary<string, string[]> Errors => _errors.ToDictionary(kv => kv.Key, kv => kv.Value.ToArray());

    public bool Add(string field, string message)
    {
        if (!_errors.TryGetValue(field, out var list))
        {
            _errors[field] = list = [];
        }

        list.Add(message);
        return false;
    }

    public bool Check(bool condition, string field, string message) => condition || Add(field, message);

    public bool Required(string field, string? value, int maxLength = 200)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return Add(field, "Required.");
        }

        return Check(value.Length <= maxLength, field, $"At most {maxLength} characters.");
    }

    public bool Optional(string field, string? value, int maxLength = 200) =>
        value is null || Check(value.Length <= maxLength && value.Trim().Length > 0, field, $"Between 1 and {maxLength} characters when given.");

    public bool Required<T>(string field, T? value)
        where T : struct => value is not null || Add(field, "Required.");

    public bool Required(string field, object? value) => value is not null || Add(field, "Required.");

    public bool Country(string field, string? code, bool required = true) =>
        code is null ? !required || Add(field, "Required.") : Check(Countries.IsValid(code), field, "Must be an ISO 3166-1 alpha-2 code, upper case (e.g. MY).");

    public bool Currency(string field, string? code) =>
        code is null ? Add(field, "Required.") : Check(Currencies.IsValid(code), field, "Must be an ISO 4217 code, upper case (e.g. MYR).");

    public bool Email(string field, string? value)
    {
        if (!Required(field, value, 254))
        {
            return false;
        }

        return Check(MailAddress.TryCreate(value, out var parsed) && parsed.Address == value, field, "Must be an email address.");
    }

    public bool Range(string field, decimal? value, decimal min, decimal max, bool required = true)
    {
        if (value is null)
        {
            return !required || Add(field, "Required.");
        }

        return Check(value >= min && value <= max, field, $"Must be between {min} and {max}.");
    }

    public bool OneOf(string field, string? value, IEnumerable<string> allowed, bool required = true)
    {
        if (value is null)
        {
            return !required || Add(field, "Required.");
        }

        var list = allowed.ToList();
        return Check(list.Contains(value), field, $"Must be one of: {string.Join(", ", list)}.");
    }
}
