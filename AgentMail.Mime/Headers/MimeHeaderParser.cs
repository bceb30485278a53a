namespace AgentMail.Mime.Headers;

/// <summary>Parsing of the MIME header fields (RFC 2045 §5-8, RFC 2183, RFC 3282).</summary>
internal static class MimeHeaderParser
{
    /// <summary>
    /// "type/subtype *(; parameter)". Null when the syntax is invalid (no '/', empty type or
    /// subtype): RFC 2045 §5.2 then has the part taken as the default type.
    /// </summary>
    public static ContentType? ParseContentType(ReadOnlySpan<byte> value)
    {
        var reader = new StructuredReader(value);
        reader.SkipCfws();
        var type = reader.ReadToken();
        if (type.IsEmpty) return null;
        reader.SkipCfws();
        if (reader.Peek() != '/') return null;
        reader.Advance();
        reader.SkipCfws();
        var subtype = reader.ReadToken();
        if (subtype.IsEmpty) return null;
        var parameters = ParameterParser.Parse(ref reader);
        return new ContentType(TokenCache.Get(type), TokenCache.Get(subtype), parameters);
    }

    /// <summary>"disposition-type *(; parameter)"; null when there is no type token.</summary>
    public static ContentDisposition? ParseContentDisposition(ReadOnlySpan<byte> value)
    {
        var reader = new StructuredReader(value);
        reader.SkipCfws();
        var type = reader.ReadToken();
        if (type.IsEmpty) return null;
        var parameters = ParameterParser.Parse(ref reader);
        return new ContentDisposition(TokenCache.Get(type), parameters);
    }

    /// <summary>Content-Language: a comma-separated list of language tags (RFC 3282).</summary>
    public static IReadOnlyList<string> ParseLanguages(ReadOnlySpan<byte> value)
    {
        List<string>? tags = null;
        var reader = new StructuredReader(value);
        while (true)
        {
            reader.SkipCfws();
            if (reader.AtEnd) break;
            if (reader.Peek() == ',') { reader.Advance(); continue; }
            var tag = reader.ReadAtom();
            if (tag.IsEmpty) { reader.Advance(); continue; }
            (tags ??= []).Add(HeaderText.ToText(tag));
            if (tags.Count >= 64) break;
        }
        return tags is null ? [] : tags;
    }

    /// <summary>The first token of a Content-Transfer-Encoding value, as written.</summary>
    public static string? ParseTransferEncoding(ReadOnlySpan<byte> value)
    {
        var reader = new StructuredReader(value);
        reader.SkipCfws();
        var token = reader.ReadToken();
        return token.IsEmpty ? null : TokenCache.Get(token);
    }
}
