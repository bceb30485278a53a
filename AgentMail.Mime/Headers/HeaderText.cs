using System.Buffers;
using System.Text;
using AgentMail.Mime.Encodings;

namespace AgentMail.Mime.Headers;

/// <summary>Turning raw header bytes into text.</summary>
internal static class HeaderText
{
    /// <summary>Raw header bytes to a string: UTF-8 when valid (RFC 6532), else windows-1252.</summary>
    public static string ToText(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty) return string.Empty;
        return Ascii.IsValid(bytes) ? Encoding.ASCII.GetString(bytes) : Charsets.DecodeUndeclared(bytes);
    }

    /// <summary>
    /// Unfolds a raw value (RFC 5322 §2.2.3: remove the CRLF of each fold, keep the white space)
    /// and trims surrounding white space.
    /// </summary>
    public static string Unfold(ReadOnlySpan<byte> raw)
    {
        raw = Trim(raw);
        if (raw.IndexOfAny((byte)'\r', (byte)'\n') < 0) return ToText(raw);
        byte[]? rented = null;
        var buffer = raw.Length <= 512 ? stackalloc byte[512] : (rented = ArrayPool<byte>.Shared.Rent(raw.Length));
        var n = 0;
        foreach (var b in raw)
            if (b is not ((byte)'\r' or (byte)'\n')) buffer[n++] = b;
        var text = ToText(Trim(buffer[..n]));
        if (rented is not null) ArrayPool<byte>.Shared.Return(rented);
        return text;
    }

    /// <summary>Trims SP, HT, CR and LF from both ends.</summary>
    public static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> raw) => raw.Trim(" \t\r\n"u8);
}
