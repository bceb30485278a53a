using System.Buffers;

namespace AgentMail.Mime.Headers;

/// <summary>
/// Lexer for structured header values (RFC 5322 §3.2, RFC 2045 §5.1): comments, quoted
/// strings, atoms, MIME tokens and domain literals. Folding (CR, LF) counts as white space.
/// Bytes above 0x7F are atom text (RFC 6532 §3.2).
/// </summary>
internal ref struct StructuredReader(ReadOnlySpan<byte> text)
{
    private static readonly SearchValues<byte> AtomSpecials = SearchValues.Create("()<>[]:;@\\,.\" \t\r\n"u8);
    private static readonly SearchValues<byte> TokenSpecials = SearchValues.Create("()<>@,;:\\\"/[]?= \t\r\n"u8);
    private const int MaxCommentDepth = 64;

    private readonly ReadOnlySpan<byte> _text = text;

    public int Position { get; set; }

    public readonly bool AtEnd => Position >= _text.Length;

    public readonly byte Peek() => Position < _text.Length ? _text[Position] : (byte)0;

    public readonly ReadOnlySpan<byte> Remaining => _text[Math.Min(Position, _text.Length)..];

    public readonly ReadOnlySpan<byte> Slice(int start, int end) => _text[start..end];

    public void Advance(int count = 1) => Position = Math.Min(_text.Length, Position + count);

    /// <summary>Skips white space and comments. Returns true when anything was skipped.</summary>
    public bool SkipCfws()
    {
        var start = Position;
        SkipCfws(out _, out _);
        return Position > start;
    }

    /// <summary>Skips white space and comments, reporting the last top-level comment's content.</summary>
    public void SkipCfws(out int commentStart, out int commentEnd)
    {
        commentStart = commentEnd = -1;
        while (Position < _text.Length)
        {
            var b = _text[Position];
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') { Position++; continue; }
            if (b != '(') break;
            var start = Position + 1;
            SkipComment();
            commentStart = start;
            commentEnd = Math.Max(start, _text[Position - 1] == ')' ? Position - 1 : Position);
        }
    }

    private void SkipComment()
    {
        var depth = 0;
        while (Position < _text.Length)
        {
            var b = _text[Position++];
            if (b == '\\') { Position = Math.Min(_text.Length, Position + 1); continue; }
            if (b == '(') { if (depth < MaxCommentDepth) depth++; continue; }
            if (b == ')' && --depth == 0) return;
        }
    }

    /// <summary>Reads 1*atext (no dots). Empty when the next byte is not atom text.</summary>
    public ReadOnlySpan<byte> ReadAtom()
    {
        var rest = _text[Position..];
        var n = rest.IndexOfAny(AtomSpecials);
        if (n < 0) n = rest.Length;
        Position += n;
        return rest[..n];
    }

    /// <summary>Reads a MIME token (RFC 2045 §5.1). Empty when none.</summary>
    public ReadOnlySpan<byte> ReadToken()
    {
        var rest = _text[Position..];
        var n = rest.IndexOfAny(TokenSpecials);
        if (n < 0) n = rest.Length;
        // Controls are not token characters.
        var ctl = rest[..n].IndexOfAnyInRange((byte)0, (byte)31);
        if (ctl >= 0) n = ctl;
        Position += n;
        return rest[..n];
    }

    /// <summary>
    /// Reads a quoted string at the current '"', appending its content without quoting to
    /// <paramref name="output"/>. Folding CR/LF inside is removed. An unterminated string ends
    /// at the end of the text.
    /// </summary>
    public void ReadQuotedString(ref ByteBuilder output)
    {
        Position++; // opening quote
        while (Position < _text.Length)
        {
            var b = _text[Position++];
            if (b == '"') return;
            if (b == '\\' && Position < _text.Length) b = _text[Position++];
            else if (b is (byte)'\r' or (byte)'\n') continue;
            output.Append(b);
        }
    }

    /// <summary>Reads a domain literal "[...]" including its brackets (white space removed).</summary>
    public void ReadDomainLiteral(ref ByteBuilder output)
    {
        output.Append((byte)'[');
        Position++;
        while (Position < _text.Length)
        {
            var b = _text[Position++];
            if (b == ']') break;
            if (b == '\\' && Position < _text.Length) b = _text[Position++];
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n') continue;
            output.Append(b);
        }
        output.Append((byte)']');
    }

    /// <summary>True for atext (RFC 5322 §3.2.3) including 8-bit bytes.</summary>
    public static bool IsAtomText(byte b) => !AtomSpecials.Contains(b) && b > 31 && b != 127;
}
