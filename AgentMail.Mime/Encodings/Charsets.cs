using System.Collections.Concurrent;
using System.Text;
using System.Text.Unicode;

namespace AgentMail.Mime.Encodings;

/// <summary>
/// Charset lookup and decoding that never throws. Every charset the runtime's code-page
/// provider knows is available; unknown, missing and lying labels fall back to UTF-8 when the
/// bytes are valid UTF-8, else to windows-1252 (the WHATWG reading of "latin1").
/// </summary>
public static class Charsets
{
    private static readonly ConcurrentDictionary<string, Encoding?> Cache = new(StringComparer.OrdinalIgnoreCase);

    // Labels seen in real mail that the runtime does not resolve by itself.
    private static readonly Dictionary<string, string> Aliases = new(StringComparer.OrdinalIgnoreCase)
    {
        ["utf8"] = "utf-8",
        ["utf-8-sig"] = "utf-8",
        ["unicode-1-1-utf-8"] = "utf-8",
        ["latin1"] = "windows-1252",
        ["latin-1"] = "windows-1252",
        ["l1"] = "windows-1252",
        ["iso-8859-1"] = "windows-1252",
        ["iso8859-1"] = "windows-1252",
        ["iso_8859-1"] = "windows-1252",
        ["ascii"] = "us-ascii",
        ["ansi_x3.4-1968"] = "us-ascii",
        ["x-gbk"] = "gbk",
        ["gb18030-2000"] = "gb18030",
        ["big5-hkscs"] = "big5",
        ["x-sjis"] = "shift_jis",
        ["sjis"] = "shift_jis",
        ["ms932"] = "shift_jis",
        ["windows-31j"] = "shift_jis",
        ["ks_c_5601"] = "ks_c_5601-1987",
        ["ksc5601"] = "ks_c_5601-1987",
        ["tis-620"] = "windows-874",
        ["iso-8859-11"] = "windows-874",
        ["x-user-defined"] = "windows-1252",
        ["x-unknown"] = "",
        ["unknown-8bit"] = "",
        ["unknown"] = "",
        ["default"] = "",
    };

    static Charsets() => Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);

    /// <summary>The windows-1252 encoding (used for undeclared or mislabelled 8-bit text).</summary>
    public static Encoding Windows1252 { get; } = GetRequired(1252);

    /// <summary>Ensures the code-page provider is registered (idempotent; touching this class does it).</summary>
    public static void EnsureRegistered() { }

    /// <summary>Finds the encoding for a charset label, or null when the runtime does not know it.</summary>
    public static Encoding? GetEncoding(string? charset)
    {
        if (string.IsNullOrWhiteSpace(charset)) return null;
        return Cache.GetOrAdd(charset, static label => Lookup(label));
    }

    /// <summary>
    /// Decodes text in the given charset. Never throws: an unknown label, or bytes that cannot
    /// be in the declared charset, fall back to UTF-8 (when valid) and then windows-1252.
    /// </summary>
    public static string Decode(ReadOnlySpan<byte> bytes, string? charset)
    {
        if (bytes.IsEmpty) return string.Empty;
        var encoding = GetEncoding(charset);
        if (encoding is null || IsAsciiCompatible(encoding))
        {
            if (System.Text.Ascii.IsValid(bytes)) return Encoding.ASCII.GetString(bytes);
            if (encoding is null || encoding.CodePage is 20127 or 28591 or 1252)
                return DecodeUndeclared(bytes);
            if (encoding.CodePage == 65001) return DecodeDeclaredUtf8(bytes);
        }
        try
        {
            return encoding.GetString(bytes);
        }
        catch (Exception e) when (e is ArgumentException or DecoderFallbackException or NotSupportedException)
        {
            return DecodeUndeclared(bytes);
        }
    }

    /// <summary>Decodes bytes of unknown charset: UTF-8 when valid, else windows-1252.</summary>
    public static string DecodeUndeclared(ReadOnlySpan<byte> bytes) =>
        Utf8.IsValid(bytes) ? Encoding.UTF8.GetString(bytes) : Windows1252.GetString(bytes);

    private static string DecodeDeclaredUtf8(ReadOnlySpan<byte> bytes)
    {
        if (Utf8.IsValid(bytes)) return Encoding.UTF8.GetString(bytes);
        // Mostly UTF-8 with a few damaged bytes keeps its characters (U+FFFD for the damage);
        // no multi-byte sequence at all means the label lies and the text is 8-bit legacy.
        return HasValidMultibyteSequence(bytes) ? Encoding.UTF8.GetString(bytes) : Windows1252.GetString(bytes);
    }

    private static bool HasValidMultibyteSequence(ReadOnlySpan<byte> bytes)
    {
        for (var i = 0; i < bytes.Length; i++)
        {
            if (bytes[i] < 0xC2 || bytes[i] > 0xF4) continue;
            var length = bytes[i] < 0xE0 ? 2 : bytes[i] < 0xF0 ? 3 : 4;
            if (i + length <= bytes.Length && Utf8.IsValid(bytes.Slice(i, length))) return true;
        }
        return false;
    }

    private static bool IsAsciiCompatible(Encoding encoding) => encoding.CodePage switch
    {
        1200 or 1201 or 12000 or 12001 or 65000 => false,             // UTF-16/32, UTF-7
        50220 or 50221 or 50222 or 50225 or 50227 or 52936 => false,   // ISO-2022-*, HZ: 7-bit escapes
        _ => true,
    };

    private static Encoding? Lookup(string label)
    {
        var name = Normalize(label);
        if (name.Length == 0) return null;
        if (Aliases.TryGetValue(name, out var alias))
        {
            if (alias.Length == 0) return null;
            name = alias;
        }
        return TryGet(name)
            ?? (name.StartsWith("x-", StringComparison.Ordinal) ? TryGet(name[2..]) : null)
            ?? (name.StartsWith("iso8859", StringComparison.Ordinal) ? TryGet("iso-8859" + name[7..]) : null)
            ?? (name.StartsWith("iso_8859", StringComparison.Ordinal) ? TryGet("iso-8859" + name[8..]) : null)
            ?? (name.StartsWith("cp", StringComparison.Ordinal) && int.TryParse(name.AsSpan(2).TrimStart('-'), out var cp) ? TryGet(cp) : null)
            ?? (name.StartsWith("windows", StringComparison.Ordinal) && int.TryParse(name.AsSpan(7).TrimStart('-'), out var wcp) ? TryGet(wcp) : null);
    }

    private static string Normalize(string label)
    {
        var span = label.AsSpan().Trim().Trim('"').Trim();
        // RFC 2231 §5: a language may follow the charset in an encoded-word ("utf-8*en").
        var star = span.IndexOf('*');
        if (star >= 0) span = span[..star];
        return span.ToString().ToLowerInvariant();
    }

    private static Encoding? TryGet(string name)
    {
        try
        {
            var encoding = Encoding.GetEncoding(name);
            return encoding.CodePage == 28591 ? Windows1252 : encoding;
        }
        catch (Exception e) when (e is ArgumentException or NotSupportedException)
        {
            return null;
        }
    }

    private static Encoding? TryGet(int codePage)
    {
        if (codePage is <= 0 or > 65535) return null;
        try { return Encoding.GetEncoding(codePage); }
        catch (Exception e) when (e is ArgumentException or NotSupportedException) { return null; }
    }

    private static Encoding GetRequired(int codePage)
    {
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(codePage);
    }
}
