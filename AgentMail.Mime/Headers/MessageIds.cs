namespace AgentMail.Mime.Headers;

/// <summary>
/// Message-ID, In-Reply-To and References (RFC 5322 §3.6.4), normalized without angle
/// brackets. Tolerant of junk: phrases and quoted strings between ids are skipped (obsolete
/// In-Reply-To), comments are ignored, white space inside brackets is removed, and a value
/// with no bracketed id at all yields its words that contain '@'.
/// </summary>
public static class MessageIds
{
    private const int MaxIds = 1000;

    public static IReadOnlyList<string> ParseList(string? value) =>
        value is null ? [] : ParseList(Encoding.UTF8.GetBytes(value));

    public static IReadOnlyList<string> ParseList(ReadOnlySpan<byte> value)
    {
        var ids = new List<string>();
        var reader = new StructuredReader(value);
        while (!reader.AtEnd && ids.Count < MaxIds)
        {
            reader.SkipCfws();
            if (reader.AtEnd) break;
            var c = reader.Peek();
            if (c == '"')
            {
                var ignored = new ByteBuilder([]);
                reader.ReadQuotedString(ref ignored);
                ignored.Dispose();
                continue;
            }
            if (c != '<') { reader.Advance(); continue; }
            reader.Advance();
            var start = reader.Position;
            var rest = reader.Remaining;
            var close = rest.IndexOfAny((byte)'>', (byte)'<');
            var inner = close < 0 ? rest : rest[..close];
            reader.Position = start + inner.Length;
            if (close >= 0 && rest[close] == '>') reader.Advance();
            var id = WithoutWhitespace(inner);
            if (id.Length > 0) ids.Add(id);
        }
        if (ids.Count > 0) return ids;

        // No angle brackets at all: take words that look like ids.
        foreach (var word in HeaderText.ToText(value).Split([' ', '\t', '\r', '\n', ','], StringSplitOptions.RemoveEmptyEntries))
        {
            var trimmed = word.Trim('"', '\'', '(', ')', '<', '>');
            if (trimmed.Contains('@') && ids.Count < MaxIds) ids.Add(trimmed);
        }
        return ids;
    }

    /// <summary>The first id of a Message-ID or In-Reply-To value, or null.</summary>
    public static string? ParseSingle(ReadOnlySpan<byte> value)
    {
        var ids = ParseList(value);
        return ids.Count > 0 ? ids[0] : null;
    }

    public static string? ParseSingle(string? value) => value is null ? null : ParseSingle(Encoding.UTF8.GetBytes(value));

    private static string WithoutWhitespace(ReadOnlySpan<byte> inner)
    {
        inner = HeaderText.Trim(inner);
        if (inner.IndexOfAny(" \t\r\n"u8) < 0) return HeaderText.ToText(inner);
        var bytes = new ByteBuilder([]);
        foreach (var b in inner)
            if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n')) bytes.Append(b);
        var text = HeaderText.ToText(bytes.Written);
        bytes.Dispose();
        return text;
    }
}
