namespace AgentMail.Mime.Headers;

/// <summary>Line-level syntax of header blocks (RFC 5322 §2.2, §3.6.8, §4.5.3 obs-optional).</summary>
internal static class HeaderSyntax
{
    public static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    /// <summary>
    /// Recognizes "field-name *WSP ':'" at the start of a line. field-name is 1*ftext, printable
    /// US-ASCII except ':' (RFC 5322 §3.6.8); the white space before the colon is obsolete syntax.
    /// </summary>
    public static bool TryParseFieldStart(ReadOnlySpan<byte> line, out int nameLength, out int valueStart)
    {
        var i = 0;
        while (i < line.Length && line[i] is >= 33 and <= 126 and not (byte)':') i++;
        nameLength = i;
        while (i < line.Length && line[i] is (byte)' ' or (byte)'\t') i++;
        if (nameLength > 0 && i < line.Length && line[i] == ':')
        {
            valueStart = i + 1;
            return true;
        }
        valueStart = 0;
        return false;
    }

    public static bool IsWhitespace(byte b) => b is (byte)' ' or (byte)'\t';

    /// <summary>A line whose content before its LF is empty (CRs alone count as empty).</summary>
    public static bool IsBlankLine(ReadOnlySpan<byte> lineWithoutLf)
    {
        foreach (var b in lineWithoutLf)
            if (b != '\r') return false;
        return true;
    }

    /// <summary>Removes the line terminator (LF, CRLF) from the end of a line.</summary>
    public static ReadOnlySpan<byte> TrimLineEnd(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == '\n') line = line[..^1];
        if (line.Length > 0 && line[^1] == '\r') line = line[..^1];
        return line;
    }

    /// <summary>True when the line starts with an mbox "From " separator.</summary>
    public static bool IsMboxFromLine(ReadOnlySpan<byte> line) => line.StartsWith("From "u8);
}
