using AgentMail.Mime.Encodings;

namespace AgentMail.Mime.Headers;

/// <summary>
/// RFC 2047 decoding, tolerant of what real senders produce:
/// <list type="bullet">
/// <item>white space between adjacent encoded-words is dropped (§6.2);</item>
/// <item>adjacent words in the same charset are joined as bytes before decoding, so a
/// multi-byte character split across two words (or a stateful ISO-2022-JP run) decodes whole;</item>
/// <item>encoded-words glued to text without white space are decoded anyway;</item>
/// <item>unknown charsets decode as UTF-8 when valid, else windows-1252; B tolerates bad padding,
/// Q tolerates bad escapes; a "*language" suffix on the charset (RFC 2231 §5) is ignored.</item>
/// </list>
/// Raw 8-bit text outside encoded-words is read as UTF-8 (RFC 6532), else windows-1252.
/// </summary>
public static class EncodedWords
{
    private const int MaxCharsetLength = 64;

    /// <summary>Decodes the encoded-words in a header value given as text.</summary>
    public static string Decode(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (!value.Contains("=?", StringComparison.Ordinal)) return value;
        return Decode(Encoding.UTF8.GetBytes(value));
    }

    /// <summary>Unfolds and trims a raw (folded) header value, then decodes its encoded-words.</summary>
    public static string DecodeHeaderValue(ReadOnlySpan<byte> rawValue)
    {
        rawValue = HeaderText.Trim(rawValue);
        if (rawValue.IndexOfAny((byte)'\r', (byte)'\n') < 0) return Decode(rawValue);
        var unfolded = new ByteBuilder([]);
        try
        {
            foreach (var b in rawValue)
                if (b is not ((byte)'\r' or (byte)'\n')) unfolded.Append(b);
            return Decode(HeaderText.Trim(unfolded.Written));
        }
        finally
        {
            unfolded.Dispose();
        }
    }

    /// <summary>Decodes the encoded-words in raw header bytes (unfold first for header values).</summary>
    public static string Decode(ReadOnlySpan<byte> raw)
    {
        if (raw.IndexOf("=?"u8) < 0) return HeaderText.ToText(raw);

        var text = new StringBuilder(raw.Length);
        var pending = new ByteBuilder(stackalloc byte[256]);
        string? pendingCharset = null;
        var afterWord = false;
        var position = 0;
        try
        {
            while (position < raw.Length)
            {
                var start = raw[position..].IndexOf("=?"u8);
                if (start < 0) break;
                start += position;
                if (!TryParseWord(raw, start, out var charset, out var isBase64, out var payload, out var end))
                {
                    // Not an encoded-word: keep "=?" as text and look further.
                    AppendLiteral(text, ref pending, ref pendingCharset, raw[position..(start + 2)], ref afterWord);
                    position = start + 2;
                    continue;
                }

                var between = raw[position..start];
                if (!(afterWord && IsLinearWhitespace(between)))
                    AppendLiteral(text, ref pending, ref pendingCharset, between, ref afterWord);

                if (pendingCharset is not null && !pendingCharset.Equals(charset, StringComparison.OrdinalIgnoreCase))
                    FlushPending(text, ref pending, ref pendingCharset);
                pendingCharset = charset;
                DecodePayload(payload, isBase64, ref pending);
                afterWord = true;
                position = end;
            }
            AppendLiteral(text, ref pending, ref pendingCharset, raw[position..], ref afterWord);
            FlushPending(text, ref pending, ref pendingCharset);
            return text.ToString();
        }
        finally
        {
            pending.Dispose();
        }
    }

    private static void AppendLiteral(StringBuilder text, ref ByteBuilder pending, ref string? pendingCharset, ReadOnlySpan<byte> literal, ref bool afterWord)
    {
        if (literal.IsEmpty) return;
        FlushPending(text, ref pending, ref pendingCharset);
        text.Append(HeaderText.ToText(literal));
        afterWord = false;
    }

    private static void FlushPending(StringBuilder text, ref ByteBuilder pending, ref string? pendingCharset)
    {
        if (pendingCharset is null) return;
        text.Append(Charsets.Decode(pending.Written, pendingCharset));
        pending.Clear();
        pendingCharset = null;
    }

    /// <summary>Parses "=?charset?B|Q?text?=" at <paramref name="start"/>.</summary>
    internal static bool TryParseWord(ReadOnlySpan<byte> raw, int start, out string charset, out bool isBase64, out ReadOnlySpan<byte> payload, out int end)
    {
        charset = string.Empty;
        if (!TryLocateWord(raw, start, out var charsetRange, out isBase64, out var payloadRange, out end))
        {
            payload = default;
            return false;
        }
        var charsetBytes = raw[charsetRange];
        charset = Ascii.IsValid(charsetBytes) ? Encoding.ASCII.GetString(charsetBytes) : string.Empty;
        payload = raw[payloadRange];
        return true;
    }

    /// <summary>Parses "=?charset?B|Q?text?=" at <paramref name="start"/> without allocating.</summary>
    internal static bool TryLocateWord(ReadOnlySpan<byte> raw, int start, out Range charset, out bool isBase64, out Range payload, out int end)
    {
        charset = default;
        isBase64 = false;
        payload = default;
        end = 0;
        var rest = raw[(start + 2)..];
        var q1 = rest.IndexOf((byte)'?');
        if (q1 <= 0 || q1 > MaxCharsetLength || rest.Length < q1 + 4) return false;
        var charsetBytes = rest[..q1];
        if (charsetBytes.IndexOfAny(" \t\r\n\"=()<>,;"u8) >= 0) return false;
        var mode = rest[q1 + 1] | 0x20;
        if (mode is not ('b' or 'q') || rest[q1 + 2] != '?') return false;
        var textStart = q1 + 3;
        var close = rest[textStart..].IndexOf("?="u8);
        if (close < 0) return false;
        if (rest.Slice(textStart, close).IndexOfAny(" \t\r\n"u8) >= 0) return false;
        charset = new Range(start + 2, start + 2 + q1);
        payload = new Range(start + 2 + textStart, start + 2 + textStart + close);
        isBase64 = mode == 'b';
        end = start + 2 + textStart + close + 2;
        return true;
    }

    private static void DecodePayload(ReadOnlySpan<byte> payload, bool isBase64, ref ByteBuilder output)
    {
        if (isBase64)
        {
            Span<byte> buffer = stackalloc byte[Base64Decoder.MaxDecodedLength(256)];
            var decoder = new Base64Decoder();
            while (!payload.IsEmpty)
            {
                var chunk = payload[..Math.Min(256, payload.Length)];
                output.Append(buffer[..decoder.Decode(chunk, buffer)]);
                payload = payload[chunk.Length..];
            }
            output.Append(buffer[..decoder.Flush(buffer)]);
            return;
        }

        // RFC 2047 §4.2: "_" is a space, "=XX" an octet; a bad escape stays literal.
        for (var i = 0; i < payload.Length; i++)
        {
            var b = payload[i];
            if (b == '_') output.Append((byte)' ');
            else if (b == '=' && i + 2 < payload.Length && IsHex(payload[i + 1]) && IsHex(payload[i + 2]))
            {
                output.Append((byte)(HexValue(payload[i + 1]) << 4 | HexValue(payload[i + 2])));
                i += 2;
            }
            else output.Append(b);
        }
    }

    private static bool IsLinearWhitespace(ReadOnlySpan<byte> span) =>
        span.IndexOfAnyExcept(" \t\r\n"u8) < 0;

    private static bool IsHex(byte b) => AsciiChars.IsHex(b);

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
