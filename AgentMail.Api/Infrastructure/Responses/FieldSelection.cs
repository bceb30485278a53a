using AgentMail.Api.Infrastructure.Errors;

namespace AgentMail.Api.Infrastructure.Responses;

/// <summary>
/// Nylas's <c>select</c> query parameter: the top-level fields of each object to return
/// (<c>select=id,subject</c>). Names must be fields the object has; an unknown name is a 400
/// rather than a silently missing field.
/// </summary>
public sealed class FieldSelection
{
    private readonly HashSet<string> _fields;

    private FieldSelection(HashSet<string> fields) => _fields = fields;

    public bool Includes(string field) => _fields.Contains(field);


    /// <summary>Null when <paramref name="select"/> is absent or empty (every field).</summary>
    public static FieldSelection? Parse(string? select, IReadOnlyCollection<string> known)
    {
        if (string.IsNullOrWhiteSpace(select))
            return null;
        var fields = new HashSet<string>(StringComparer.Ordinal);
        foreach (var raw in select.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!known.Contains(raw))
                throw ApiException.BadRequest($"'select' names an unknown field '{Truncate(raw)}'; fields are: {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
            fields.Add(raw);
        }
        return fields.Count == 0 ? null : new FieldSelection(fields);
    }

    private static string Truncate(string value) => value.Length <= 64 ? value : value[..64] + "…";
}
