namespace AgentMail.Mime.Headers;

/// <summary>One header field inside a header block: offsets relative to the block.</summary>
internal readonly ref struct RawHeaderField(ReadOnlySpan<byte> name, ReadOnlySpan<byte> value, int start, int end)
{
    public ReadOnlySpan<byte> Name { get; } = name;

    /// <summary>The raw value after the colon: folded, untrimmed, without the final line break.</summary>
    public ReadOnlySpan<byte> Value { get; } = value;

    /// <summary>Offset of the field's first byte.</summary>
    public int Start { get; } = start;

    /// <summary>Offset after the field's last line break (continuation lines included).</summary>
    public int End { get; } = end;

    public bool NameIs(ReadOnlySpan<byte> name) => Ascii.EqualsIgnoreCase(Name, name);
}

/// <summary>
/// Enumerates the fields of a header block (from its first byte to the blank line or the end).
/// Lines that are neither fields nor continuations (a leading BOM, an mbox From_ line, a
/// continuation with no field before it) are skipped, as the parser kept them in the block.
/// </summary>
internal ref struct HeaderFieldReader(ReadOnlySpan<byte> block)
{
    private readonly ReadOnlySpan<byte> _block = block;
    private int _position = block.StartsWith(HeaderSyntax.Utf8Bom) ? 3 : 0;

    public bool TryRead(out RawHeaderField field)
    {
        while (_position < _block.Length)
        {
            var start = _position;
            var lineEnd = NextLineEnd(start);
            var line = _block[start..lineEnd];
            var content = HeaderSyntax.TrimLineEnd(line);
            if (content.Length == 0 || HeaderSyntax.IsBlankLine(content))
            {
                _position = _block.Length;
                break;
            }
            _position = lineEnd;
            if (HeaderSyntax.IsWhitespace(content[0]) || !HeaderSyntax.TryParseFieldStart(content, out var nameLength, out var valueStart))
                continue;

            // Continuation lines: any following line starting with white space (RFC 5322 §2.2.3).
            var end = lineEnd;
            while (end < _block.Length && HeaderSyntax.IsWhitespace(_block[end]))
            {
                end = NextLineEnd(end);
            }
            _position = end;
            var valueEnd = end;
            if (valueEnd > start && _block[valueEnd - 1] == '\n') valueEnd--;
            if (valueEnd > start + valueStart && _block[valueEnd - 1] == '\r') valueEnd--;
            field = new RawHeaderField(_block.Slice(start, nameLength), _block[(start + valueStart)..Math.Max(start + valueStart, valueEnd)], start, end);
            return true;
        }
        field = default;
        return false;
    }

    private readonly int NextLineEnd(int from)
    {
        var lf = _block[from..].IndexOf((byte)'\n');
        return lf < 0 ? _block.Length : from + lf + 1;
    }
}
