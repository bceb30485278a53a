using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using AgentMail.Api.Infrastructure.Errors;
using Microsoft.AspNetCore.Http;

namespace AgentMail.Api.Infrastructure.Json;

/// <summary>
/// Reads a JSON request body. Every failure is a 400 that names the field at fault: malformed
/// JSON, a value of the wrong type, a missing body. Unknown members are ignored (Nylas's SDKs send
/// fields we do not use); what a field may hold is checked by the endpoint that reads it.
/// </summary>
public static class JsonBody
{
    public static async Task<T> ReadAsync<T>(HttpRequest request, JsonTypeInfo<T> type, CancellationToken cancellationToken) where T : class
    {
        if (!IsJson(request.ContentType))
            throw ApiException.UnsupportedMediaType($"The request body must be JSON (Content-Type: application/json), not '{request.ContentType}'.");
        try
        {
            return await JsonSerializer.DeserializeAsync(request.Body, type, cancellationToken)
                ?? throw ApiException.BadRequest("The request body must be a JSON object, not null.");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest(Describe(e, type));
        }
    }

    /// <summary>Parses JSON already read (a buffered body, a multipart form's <c>message</c> field), with the same errors.</summary>
    public static T Parse<T>(ReadOnlySpan<byte> json, JsonTypeInfo<T> type, string? what = null) where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(json, type) ?? throw ApiException.BadRequest($"{what ?? "The request body"} must be a JSON object, not null.");
        }
        catch (JsonException e)
        {
            throw ApiException.BadRequest(what is null ? Describe(e, type) : $"{what}: {Describe(e, type)}");
        }
    }

    /// <summary>JSON, or no Content-Type at all (then the body is tried as JSON).</summary>
    public static bool IsJson(string? contentType) =>
        string.IsNullOrEmpty(contentType)
        || contentType.StartsWith("application/json", StringComparison.OrdinalIgnoreCase)
        || (contentType.StartsWith("application/", StringComparison.OrdinalIgnoreCase) && contentType.Contains("+json", StringComparison.OrdinalIgnoreCase));

    public static string Describe(JsonException e, JsonTypeInfo root)
    {
        var field = FieldName(e.Path);
        if (e.Path is null or "$" && e.BytePositionInLine is 0 && e.LineNumber is 0 && e.Message.Contains("does not contain any JSON tokens", StringComparison.Ordinal))
            return "The request body is empty; it must be a JSON object.";
        if (e.Message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) && TypeAt(root, e.Path) is { } expected)
        {
            return field is null
                ? $"The request body must be {Describe(expected)}."
                : $"'{field}' must be {Describe(expected)}.";
        }
        var where = field is null ? "" : $" at '{field}'";
        return $"The request body is not valid JSON{where} (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).";
    }

    /// <summary>"$.settings.email" → "settings.email"; null for the root.</summary>
    private static string? FieldName(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
            return null;
        return path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
    }

    /// <summary>
    /// The CLR type the serializer expected at a JSON path ("$.to[0].email"), found by walking the
    /// contract from the root, since the exception's message names the declaring type instead.
    /// </summary>
    private static Type? TypeAt(JsonTypeInfo root, string? path)
    {
        if (string.IsNullOrEmpty(path) || path[0] != '$')
            return null;
        var type = root.Type;
        var i = 1;
        while (i < path.Length)
        {
            var info = root.Options.GetTypeInfo(type);
            if (path[i] == '.')
            {
                var end = path.IndexOfAny(['.', '['], i + 1);
                var name = end < 0 ? path[(i + 1)..] : path[(i + 1)..end];
                i = end < 0 ? path.Length : end;
                type = Member(info, name);
            }
            else if (path[i] == '[')
            {
                var end = path.IndexOf(']', i);
                if (end < 0)
                    return null;
                var inside = path[(i + 1)..end];
                i = end + 1;
                type = inside.StartsWith('\'') ? Member(info, inside.Trim('\'')) : info.ElementType;
            }
            else
            {
                return null;
            }
            if (type is null)
                return null;
        }
        return Nullable.GetUnderlyingType(type) ?? type;
    }

    private static Type? Member(JsonTypeInfo info, string name) => info.Kind switch
    {
        JsonTypeInfoKind.Object => info.Properties.FirstOrDefault(p => p.Name == name)?.PropertyType,
        JsonTypeInfoKind.Dictionary => info.ElementType,
        _ => null,
    };

    private static string Describe(Type type)
    {
        if (type == typeof(bool))
            return "true or false";
        if (type == typeof(string))
            return "a string";
        if (type == typeof(int) || type == typeof(long) || type == typeof(short))
            return "an integer";
        if (type == typeof(double) || type == typeof(decimal))
            return "a number";
        if (type.IsAssignableTo(typeof(System.Collections.IDictionary)) || type.Name.Contains("Dictionary", StringComparison.Ordinal))
            return "an object of string values";
        if (type != typeof(string) && type.IsAssignableTo(typeof(System.Collections.IEnumerable)))
            return "an array";
        return "an object";
    }
}
