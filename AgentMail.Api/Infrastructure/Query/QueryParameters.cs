using System.Globalization;
using AgentMail.Api.Infrastructure.Errors;
using Microsoft.AspNetCore.Http;

namespace AgentMail.Api.Infrastructure.Query;

/// <summary>
/// Typed reads of query parameters, each refusal a 400 naming the parameter and what it must be.
/// A parameter given twice is refused (it would be ambiguous); parameters we do not know are ignored.
/// </summary>
public readonly struct QueryParameters(IQueryCollection query)
{
    public const int MaxStringLength = 1024;

    public string? String(string name, int maxLength = MaxStringLength)
    {
        var values = query[name];
        if (values.Count == 0)
            return null;
        if (values.Count > 1)
            throw ApiException.BadRequest($"'{name}' is given {values.Count} times; give it once.");
        var value = values[0];
        if (string.IsNullOrEmpty(value))
            return null;
        if (value.Length > maxLength)
            throw ApiException.BadRequest($"'{name}' is too long ({value.Length} characters; at most {maxLength}).");
        return value;
    }

    public bool? Bool(string name) => String(name, 16) switch
    {
        null => null,
        var v when v.Equals("true", StringComparison.OrdinalIgnoreCase) => true,
        var v when v.Equals("false", StringComparison.OrdinalIgnoreCase) => false,
        _ => throw ApiException.BadRequest($"'{name}' must be true or false."),
    };

    public long? Long(string name, long min = long.MinValue, long max = long.MaxValue)
    {
        var text = String(name, 32);
        if (text is null)
            return null;
        if (!long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value) || value < min || value > max)
            throw ApiException.BadRequest(min == long.MinValue && max == long.MaxValue
                ? $"'{name}' must be an integer."
                : $"'{name}' must be an integer from {min} to {max}.");
        return value;
    }

    /// <summary>Nylas's <c>limit</c>: 1 to <paramref name="max"/>, <paramref name="defaultValue"/> when absent.</summary>
    public int Limit(int defaultValue, int max) => (int)(Long("limit", 1, max) ?? defaultValue);

    /// <summary>Unix seconds, as Nylas's time filters take them.</summary>
    public DateTimeOffset? UnixTime(string name)
    {
        var seconds = Long(name, 0, 253402300799);
        return seconds is null ? null : DateTimeOffset.FromUnixTimeSeconds(seconds.Value);
    }

    /// <summary>One of <paramref name="allowed"/>; an unknown value is a 400 listing them.</summary>
    public string? Enum(string name, params string[] allowed)
    {
        var value = String(name, 64);
        if (value is null || allowed.Contains(value, StringComparer.Ordinal))
            return value;
        throw ApiException.BadRequest($"'{name}' must be one of {string.Join(", ", allowed)}.");
    }
}
