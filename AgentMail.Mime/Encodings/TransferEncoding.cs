namespace AgentMail.Mime.Encodings;

/// <summary>A Content-Transfer-Encoding (RFC 2045 §6).</summary>
public enum TransferEncoding : byte
{
    /// <summary>7bit: the default when the header is absent (RFC 2045 §6.1).</summary>
    SevenBit,
    EightBit,
    Binary,
    Base64,
    QuotedPrintable,
    /// <summary>A value we cannot decode (e.g. x-uuencode); IMAP BINARY must answer UNKNOWN-CTE.</summary>
    Unknown,
}

/// <summary>Parsing of Content-Transfer-Encoding values.</summary>
public static class TransferEncodings
{
    /// <summary>Maps a header value (case-insensitive, surrounding whitespace and comments ignored).</summary>
    public static TransferEncoding Parse(string? value)
    {
        if (value is null) return TransferEncoding.SevenBit;
        var token = value.AsSpan().Trim();
        var end = token.IndexOfAny(" \t(;");
        if (end >= 0) token = token[..end];
        if (token.IsEmpty) return TransferEncoding.SevenBit;
        if (token.Equals("7bit", StringComparison.OrdinalIgnoreCase)) return TransferEncoding.SevenBit;
        if (token.Equals("8bit", StringComparison.OrdinalIgnoreCase)) return TransferEncoding.EightBit;
        if (token.Equals("binary", StringComparison.OrdinalIgnoreCase)) return TransferEncoding.Binary;
        if (token.Equals("base64", StringComparison.OrdinalIgnoreCase)) return TransferEncoding.Base64;
        if (token.Equals("quoted-printable", StringComparison.OrdinalIgnoreCase)) return TransferEncoding.QuotedPrintable;
        return TransferEncoding.Unknown;
    }

    /// <summary>True for encodings whose decoded form is the raw content itself.</summary>
    public static bool IsIdentity(this TransferEncoding encoding) =>
        encoding is TransferEncoding.SevenBit or TransferEncoding.EightBit or TransferEncoding.Binary;
}
