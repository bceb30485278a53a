using System.Buffers;

namespace AgentMail.Mime.Encodings;

/// <summary>
/// Incremental, tolerant quoted-printable decoder (RFC 2045 §6.7).
/// <list type="bullet">
/// <item>"=XX" (either case of hex) is an octet; "=" followed by anything else is kept literally.</item>
/// <item>"=" then optional white space then a line break (CRLF, LF, or a lone CR) is a soft break;
/// a final "=" at the end of the data is a soft break too.</item>
/// <item>White space at the end of a line is removed: rule (3) says it was added in transport.</item>
/// <item>Line breaks are kept as they are in the input (CRLF stays CRLF, a bare LF stays LF).</item>
/// </list>
/// Pending white space is held as a bit mask (1 = tab), so the decoder never allocates.
/// </summary>
internal struct QuotedPrintableDecoder
{
    private const int MaxPendingWhitespace = 64;
    private static readonly SearchValues<byte> Specials = SearchValues.Create("= \t\r\n"u8);

    private State _state;
    private byte _hex1;
    private ulong _wsTabs;
    private int _wsCount;

    private enum State : byte { Normal, Whitespace, WhitespaceCr, Cr, Equals, EqualsHex, EqualsWhitespace, EqualsCr }

    /// <summary>Maximum output for <paramref name="inputLength"/> input bytes, including pending state.</summary>
    public static int MaxDecodedLength(int inputLength) => inputLength + MaxPendingWhitespace + 4;

    public int Decode(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var w = 0;
        var i = 0;
        while (i < input.Length)
        {
            if (_state == State.Normal)
            {
                var run = input[i..].IndexOfAny(Specials);
                if (run < 0) run = input.Length - i;
                if (run > 0)
                {
                    input.Slice(i, run).CopyTo(output[w..]);
                    w += run;
                    i += run;
                    if (i >= input.Length) break;
                }
            }
            w += Step(input[i], output[w..], out var reprocess);
            if (!reprocess) i++;
        }
        return w;
    }

    /// <summary>Ends the data, emitting whatever the pending state stands for.</summary>
    public int Flush(Span<byte> output)
    {
        var w = 0;
        switch (_state)
        {
            case State.WhitespaceCr: output[w++] = (byte)'\r'; break;   // trailing white space dropped
            case State.Cr: output[w++] = (byte)'\r'; break;
            case State.EqualsHex: output[w++] = (byte)'='; output[w++] = _hex1; break;
        }
        _state = State.Normal;
        _wsCount = 0;
        _wsTabs = 0;
        return w;
    }

    /// <summary>Counts the octets <see cref="Decode"/> would produce.</summary>
    public long Count(ReadOnlySpan<byte> input)
    {
        Span<byte> scratch = stackalloc byte[1024 + MaxPendingWhitespace + 4];
        long total = 0;
        while (!input.IsEmpty)
        {
            var chunk = input[..Math.Min(1024, input.Length)];
            total += Decode(chunk, scratch);
            input = input[chunk.Length..];
        }
        return total;
    }

    public long FlushCount()
    {
        Span<byte> scratch = stackalloc byte[4];
        return Flush(scratch);
    }

    private int Step(byte b, Span<byte> output, out bool reprocess)
    {
        reprocess = false;
        var w = 0;
        switch (_state)
        {
            case State.Normal:
                switch (b)
                {
                    case (byte)' ' or (byte)'\t': _state = State.Whitespace; PushWhitespace(b, output, ref w, withEquals: false); break;
                    case (byte)'=': _state = State.Equals; break;
                    case (byte)'\r': _state = State.Cr; break;
                    default: output[w++] = b; break; // '\n' and anything the fast path left
                }
                break;

            case State.Whitespace:
                if (b is (byte)' ' or (byte)'\t') PushWhitespace(b, output, ref w, withEquals: false);
                else if (b == '\r') _state = State.WhitespaceCr;
                else if (b == '\n') { ClearWhitespace(); output[w++] = b; _state = State.Normal; }
                else { w += EmitWhitespace(output); _state = State.Normal; reprocess = true; }
                break;

            case State.WhitespaceCr:
                if (b == '\n') { ClearWhitespace(); output[w++] = (byte)'\r'; output[w++] = b; _state = State.Normal; }
                else { w += EmitWhitespace(output); output[w++] = (byte)'\r'; _state = State.Normal; reprocess = true; }
                break;

            case State.Cr:
                output[w++] = (byte)'\r';
                if (b == '\n') { output[w++] = b; _state = State.Normal; }
                else { _state = State.Normal; reprocess = true; }
                break;

            case State.Equals:
                if (IsHex(b)) { _hex1 = b; _state = State.EqualsHex; }
                else if (b is (byte)' ' or (byte)'\t') { _state = State.EqualsWhitespace; PushWhitespace(b, output, ref w, withEquals: true); }
                else if (b == '\r') _state = State.EqualsCr;
                else if (b == '\n') _state = State.Normal;               // soft line break
                else if (b == '=') output[w++] = (byte)'=';              // "==41": the first is literal
                else { output[w++] = (byte)'='; _state = State.Normal; reprocess = true; }
                break;

            case State.EqualsHex:
                if (IsHex(b)) { output[w++] = (byte)(HexValue(_hex1) << 4 | HexValue(b)); _state = State.Normal; }
                else { output[w++] = (byte)'='; output[w++] = _hex1; _state = State.Normal; reprocess = true; }
                break;

            case State.EqualsWhitespace:
                if (b is (byte)' ' or (byte)'\t') PushWhitespace(b, output, ref w, withEquals: true);
                else if (b == '\r') { ClearWhitespace(); _state = State.EqualsCr; }
                else if (b == '\n') { ClearWhitespace(); _state = State.Normal; }
                else { output[w++] = (byte)'='; w += EmitWhitespace(output[w..]); _state = State.Normal; reprocess = true; }
                break;

            case State.EqualsCr:
                _state = State.Normal;                                   // soft break ("=\r" + anything)
                if (b != '\n') reprocess = true;
                break;
        }
        return w;
    }

    private void PushWhitespace(byte b, Span<byte> output, ref int w, bool withEquals)
    {
        if (_wsCount == MaxPendingWhitespace)
        {
            // Too long to be transport padding: it is content.
            if (withEquals) output[w++] = (byte)'=';
            w += EmitWhitespace(output[w..]);
            _state = State.Whitespace;
        }
        if (b == '\t') _wsTabs |= 1UL << _wsCount;
        _wsCount++;
    }

    private int EmitWhitespace(Span<byte> output)
    {
        for (var k = 0; k < _wsCount; k++)
            output[k] = (_wsTabs & (1UL << k)) != 0 ? (byte)'\t' : (byte)' ';
        var n = _wsCount;
        ClearWhitespace();
        return n;
    }

    private void ClearWhitespace()
    {
        _wsCount = 0;
        _wsTabs = 0;
    }

    private static bool IsHex(byte b) => char.IsAsciiHexDigit((char)b);

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
