using System.Globalization;

namespace AgentMail.Imap.Protocol;

/// <summary>
/// Reads the arguments of one command (RFC 9051 §9) from its bytes: the framer hands over the
/// whole command — lines and literal data exactly as they came over the wire, without the final
/// CRLF — as one contiguous buffer, so spans returned here point into it and nothing is copied
/// except the values a command keeps (names, strings). Every violation throws
/// <see cref="ImapSyntaxException"/>, which the session answers with a tagged BAD.
/// </summary>
public ref struct ImapReader
{
    private SequenceReader<byte> _reader;
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly int _column;

    /// <param name="command">The bytes to read.</param>
    /// <param name="column">Where they start in the command line, so errors name the client's column.</param>
    public ImapReader(ReadOnlyMemory<byte> command, int column = 0)
    {
        _memory = command;
        _column = column;
        _reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(command));
    }

    /// <summary>The 1-based column of the next byte in the command line (for error messages).</summary>
    private readonly long Column => _column + _reader.Consumed + 1;

    public readonly bool End => _reader.End;

    public readonly long Position => _reader.Consumed;

    /// <summary>The bytes read since <paramref name="start"/> (a <see cref="Position"/>).</summary>
    public readonly ReadOnlySpan<byte> Slice(long start) => _memory.Span[(int)start..(int)Position];

    /// <summary>The next byte, or 0 at the end.</summary>
    public readonly byte Peek() => _reader.TryPeek(out var b) ? b : (byte)0;

    public bool TryConsume(byte b) => _reader.IsNext(b, advancePast: true);

    public void Expect(byte b)
    {
        if (!_reader.IsNext(b, advancePast: true))
            throw new ImapSyntaxException(End ? $"Missing '{(char)b}'" : $"Expected '{(char)b}' at position {Column}");
    }

    /// <summary>Exactly one space: RFC 9051 separates arguments by single SP.</summary>
    public void Space()
    {
        if (!_reader.IsNext((byte)' ', advancePast: true))
            throw new ImapSyntaxException(End ? "Missing arguments" : $"Expected a space at position {Column}");
        if (_reader.IsNext((byte)' '))
            throw new ImapSyntaxException("Arguments must be separated by a single space");
    }

    public readonly void ExpectEnd()
    {
        if (!End) throw new ImapSyntaxException($"Unexpected characters at the end of the command (position {Column})");
    }

    /// <summary>Consumes <paramref name="keyword"/> (upper case, compared case-insensitively) when it is the next whole word.</summary>
    public bool TryKeyword(ReadOnlySpan<byte> keyword)
    {
        var span = _reader.UnreadSpan;
        if (span.Length < keyword.Length || !Ascii.EqualsIgnoreCase(span[..keyword.Length], keyword)) return false;
        if (span.Length > keyword.Length && ImapChars.IsAtomChar(span[keyword.Length])) return false;
        _reader.Advance(keyword.Length);
        return true;
    }

    /// <summary>An atom (1*ATOM-CHAR).</summary>
    public ReadOnlySpan<byte> Atom() => Take(ImapChars.IsAtomChar, "an atom");

    /// <summary>1*ASTRING-CHAR (an atom that may contain "]").</summary>
    public ReadOnlySpan<byte> AStringAtom() => Take(ImapChars.IsAStringChar, "an atom");

    /// <summary>Bytes while <paramref name="accept"/> holds; at least one.</summary>
    public ReadOnlySpan<byte> Take(Func<byte, bool> accept, string what)
    {
        var span = _reader.UnreadSpan;
        var n = 0;
        while (n < span.Length && accept(span[n])) n++;
        if (n == 0) throw new ImapSyntaxException(End ? $"Missing {what}" : $"Expected {what} at position {Column}");
        _reader.Advance(n);
        return span[..n];
    }

    /// <summary>The next atom-like word without consuming it (empty when none).</summary>
    public readonly ReadOnlySpan<byte> PeekAtom()
    {
        var span = _reader.UnreadSpan;
        var n = 0;
        while (n < span.Length && ImapChars.IsAtomChar(span[n])) n++;
        return span[..n];
    }

    private static bool IsDateChar(byte b) => b == (byte)'-' || char.IsAsciiLetterOrDigit((char)b);

    private static bool IsDigit(byte b) => b is >= (byte)'0' and <= (byte)'9';

    public uint Number()
    {
        var value = Number64();
        if (value > uint.MaxValue) throw new ImapSyntaxException("Number out of range (at most 4294967295)");
        return (uint)value;
    }

    public uint NzNumber()
    {
        var value = Number();
        if (value == 0) throw new ImapSyntaxException("Number must not be zero");
        return value;
    }

    /// <summary>number64 (RFC 9051): 0 ... 2^63-1.</summary>
    public ulong Number64()
    {
        var digits = Take(IsDigit, "a number");
        if (digits.Length > 19 || !ulong.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value) || value > long.MaxValue)
            throw new ImapSyntaxException("Number out of range");
        return value;
    }

    /// <summary>astring: atom, quoted string or literal, decoded as UTF-8.</summary>
    public string AString() => Encoding.UTF8.GetString(AStringBytes());

    /// <summary>The bytes of an astring (atom, quoted string with escapes removed, or literal).</summary>
    public byte[] AStringBytes()
    {
        var next = Peek();
        if (next is (byte)'"' or (byte)'{' or (byte)'~') return StringBytes();
        return AStringAtom().ToArray();
    }

    /// <summary>nstring: NIL or a string.</summary>
    public string? NString()
    {
        if (TryKeyword("NIL"u8)) return null;
        return Encoding.UTF8.GetString(StringBytes());
    }

    /// <summary>string: quoted or literal.</summary>
    public string String() => Encoding.UTF8.GetString(StringBytes());

    public byte[] StringBytes()
    {
        var next = Peek();
        if (next == (byte)'"') return Quoted();
        if (next is (byte)'{' or (byte)'~') return Literal(allowLiteral8: false).ToArray();
        throw new ImapSyntaxException(End ? "Missing string" : $"Expected a quoted string or a literal at position {Column}");
    }

    /// <summary>A quoted string: "\" escapes only '"' and "\"; CR and LF are not allowed.</summary>
    public byte[] Quoted()
    {
        Expect((byte)'"');
        var span = _reader.UnreadSpan;
        var end = span.IndexOfAny((byte)'"', (byte)'\\', (byte)'\r');
        if (end >= 0 && span[end] == (byte)'"' && span[..end].IndexOf((byte)'\n') < 0 && span[..end].IndexOf((byte)0) < 0)
        {
            _reader.Advance(end + 1);
            return span[..end].ToArray();
        }
        var value = new ArrayBufferWriter<byte>(Math.Max(16, span.Length));
        for (var i = 0; i < span.Length; i++)
        {
            var b = span[i];
            if (b == (byte)'"')
            {
                _reader.Advance(i + 1);
                return value.WrittenSpan.ToArray();
            }
            if (b is (byte)'\r' or (byte)'\n' or 0) throw new ImapSyntaxException("Quoted strings cannot contain CR, LF or NUL; use a literal");
            if (b == (byte)'\\')
            {
                if (++i == span.Length) break;
                b = span[i];
                if (b is not ((byte)'"' or (byte)'\\')) throw new ImapSyntaxException("Only '\"' and '\\' may be escaped in a quoted string");
            }
            value.GetSpan(1)[0] = b;
            value.Advance(1);
        }
        throw new ImapSyntaxException("Unterminated quoted string");
    }

    /// <summary>
    /// A literal <c>{n}</c>, <c>{n+}</c> or — when <paramref name="allowLiteral8"/> — <c>~{n}</c>
    /// (RFC 3516 literal8); returns its data, a slice of the command buffer.
    /// </summary>
    public ReadOnlyMemory<byte> Literal(bool allowLiteral8) => Literal(allowLiteral8, out _);

    public ReadOnlyMemory<byte> Literal(bool allowLiteral8, out bool isLiteral8)
    {
        isLiteral8 = TryConsume((byte)'~');
        if (isLiteral8 && !allowLiteral8) throw new ImapSyntaxException("literal8 (~{n}) is not allowed here");
        Expect((byte)'{');
        var length = Number64();
        TryConsume((byte)'+');
        Expect((byte)'}');
        if (!_reader.IsNext("\r\n"u8, advancePast: true)) throw new ImapSyntaxException("A literal's length must be followed by CRLF");
        if ((ulong)_reader.Remaining < length) throw new ImapSyntaxException("Literal shorter than announced");
        var data = _memory.Slice((int)_reader.Consumed, (int)length);
        _reader.Advance((long)length);
        return data;
    }

    /// <summary>sequence-set, or "$" (SEARCHRES) when <paramref name="allowSaved"/>.</summary>
    public SequenceSet SequenceSet(bool allowSaved = true)
    {
        if (TryConsume((byte)'$'))
        {
            if (!allowSaved) throw new ImapSyntaxException("$ is not allowed here");
            return Protocol.SequenceSet.SavedResult;
        }
        var ranges = new List<SequenceRange>();
        do
        {
            var start = SequenceNumber();
            var end = start;
            if (TryConsume((byte)':')) end = SequenceNumber();
            ranges.Add(new SequenceRange(start, end));
            if (ranges.Count > 100_000) throw new ImapSyntaxException("Sequence set too long");
        }
        while (TryConsume((byte)','));
        return new SequenceSet(ranges);
    }

    private long SequenceNumber()
    {
        if (TryConsume((byte)'*')) return Protocol.SequenceSet.Star;
        var digits = Take(IsDigit, "a sequence number");
        if (digits.Length > 10 || !uint.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
            throw new ImapSyntaxException("Invalid sequence set: numbers are at most 4294967295");
        if (value == 0) throw new ImapSyntaxException("Invalid sequence set: 0 is not a message number");
        return value;
    }

    /// <summary>A parenthesized list of flags; "()" is allowed. Returns the flags as written.</summary>
    public List<string> FlagList()
    {
        Expect((byte)'(');
        var flags = new List<string>();
        if (TryConsume((byte)')')) return flags;
        do
        {
            flags.Add(Flag());
            if (flags.Count > 1000) throw new ImapSyntaxException("Too many flags");
        }
        while (TryConsume((byte)' '));
        Expect((byte)')');
        return flags;
    }

    /// <summary>flag: "\" atom or a keyword atom.</summary>
    public string Flag()
    {
        var system = TryConsume((byte)'\\');
        if (system && TryConsume((byte)'*')) return "\\*";
        var atom = Atom();
        return system ? "\\" + Encoding.ASCII.GetString(atom) : Encoding.ASCII.GetString(atom);
    }

    /// <summary>date-time: "dd-Mon-yyyy hh:mm:ss +zzzz" (day may be space-padded).</summary>
    public DateTimeOffset DateTime()
    {
        var text = Quoted();
        if (!ImapDates.TryParseDateTime(text, out var value)) throw new ImapSyntaxException("Invalid date-time (expected \"dd-Mon-yyyy hh:mm:ss +zzzz\")");
        return value;
    }

    /// <summary>date: dd-Mon-yyyy, optionally quoted.</summary>
    public DateOnly Date()
    {
        ReadOnlySpan<byte> text = Peek() == (byte)'"' ? Quoted() : Take(IsDateChar, "a date");
        if (!ImapDates.TryParseDate(text, out var date)) throw new ImapSyntaxException("Invalid date (expected dd-Mon-yyyy)");
        return date;
    }
}
