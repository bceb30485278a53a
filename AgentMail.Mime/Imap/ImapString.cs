namespace AgentMail.Mime.Imap;

/// <summary>
/// The IMAP string (RFC 9051 §4.3), written by both this library's formatter and the IMAP
/// server's response writer: a quoted string when the value is at most
/// <see cref="MaxQuotedLength"/> bytes of printable ASCII (or, after ENABLE UTF8=ACCEPT, valid
/// UTF-8: RFC 6855 §3), else a literal <c>{n}CRLF</c>. NUL is dropped from a literal: CHAR8, its
/// content, excludes it.
/// </summary>
public static class ImapString
{
    /// <summary>Longer values go out as literals, which no client limits by line length.</summary>
    public const int MaxQuotedLength = 1024;

    /// <summary>Writes <paramref name="value"/> as an IMAP string; returns the bytes written.</summary>
    public static int Write(IBufferWriter<byte> output, ReadOnlySpan<byte> value, bool utf8 = false)
    {
        if (value.Length <= MaxQuotedLength && IsQuotable(value, utf8))
            return WriteQuoted(output, value);

        var nuls = value.Count((byte)0);
        var length = value.Length - nuls;
        Span<byte> header = stackalloc byte[24];
        header[0] = (byte)'{';
        length.TryFormat(header[1..], out var digits, provider: System.Globalization.CultureInfo.InvariantCulture);
        "}\r\n"u8.CopyTo(header[(1 + digits)..]);
        output.Write(header[..(digits + 4)]);
        if (nuls == 0)
            output.Write(value);
        else
            foreach (var piece in value.Split((byte)0))
                output.Write(value[piece]);
        return digits + 4 + length;
    }

    /// <summary>A quoted string: the value between double quotes, with '"' and '\' escaped; returns the bytes written.</summary>
    public static int WriteQuoted(IBufferWriter<byte> output, ReadOnlySpan<byte> value)
    {
        var escapes = value.Count((byte)'"') + value.Count((byte)'\\');
        var span = output.GetSpan(value.Length + escapes + 2);
        var n = 0;
        span[n++] = (byte)'"';
        foreach (var b in value)
        {
            if (b is (byte)'"' or (byte)'\\')
                span[n++] = (byte)'\\';
            span[n++] = b;
        }
        span[n++] = (byte)'"';
        output.Advance(n);
        return n;
    }

    /// <summary>Whether a quoted string can carry the value: no CR, LF, NUL or other control, and ASCII unless <paramref name="utf8"/>.</summary>
    public static bool IsQuotable(ReadOnlySpan<byte> value, bool utf8 = false)
    {
        if (!utf8)
            return value.IndexOfAnyExceptInRange((byte)0x20, (byte)0x7E) < 0;
        foreach (var b in value)
        {
            if (b is < 0x20 or 0x7F) return false;
        }
        return System.Text.Unicode.Utf8.IsValid(value);
    }
}
