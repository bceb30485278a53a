using AgentMail.Mime.Encodings;

namespace AgentMail.Mime.Summary;

/// <summary>Decoded content and displayable bodies, read from the raw message and its structure.</summary>
public static class MessageBody
{
    /// <summary>Default bound on decoded body bytes read for the API body.</summary>
    public const int DefaultMaxBodyBytes = 16 * 1024 * 1024;

    /// <summary>
    /// The body for the API: the rich rendition of <see cref="BodySelector"/> as HTML. HTML parts
    /// are used as they are; plain parts become HTML-safe text (escaped, line breaks as &lt;br&gt;,
    /// format=flowed unwrapped); several parts (Apple Mail splits text around inline images)
    /// are joined in order. "" when the message has no displayable body.
    /// </summary>
    public static string GetHtml(ReadOnlySpan<byte> message, MessageStructure structure, int maxBytes = DefaultMaxBodyBytes)
    {
        ArgumentNullException.ThrowIfNull(structure);
        var parts = BodySelector.Select(structure.Root).Rich;
        var html = new StringBuilder();
        var budget = maxBytes;
        foreach (var part in parts)
        {
            if (budget <= 0) break;
            var text = DecodeText(message, part, budget);
            budget -= (int)Math.Min(budget, part.DecodedSize);
            html.Append(BodySelector.IsHtml(part) ? text : HtmlText.FromText(text));
        }
        return html.ToString();
    }

    /// <summary>
    /// How many leading bytes of the raw message <see cref="GetHtml"/> reads: the end of its last
    /// body part (0 when there is no body). A reader that has the message in storage can fetch only
    /// this prefix — never a large attachment after the text — and pass it to <see cref="GetHtml"/>.
    /// </summary>
    public static long GetHtmlExtent(MessageStructure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        long end = 0;
        foreach (var part in BodySelector.Select(structure.Root).Rich)
            end = Math.Max(end, part.EndOffset);
        return end;
    }

    /// <summary>
    /// Plain text for full-text search and snippets: the plain rendition, HTML parts turned into
    /// text, parts joined by a line break; at most <paramref name="maxChars"/> characters.
    /// </summary>
    public static string GetText(ReadOnlySpan<byte> message, MessageStructure structure, int maxChars = 64 * 1024) =>
        GetText(message, structure, maxChars, minHtmlBytes: 0);

    /// <summary><paramref name="minHtmlBytes"/>: HTML read at least, as styles can come before any text.</summary>
    internal static string GetText(ReadOnlySpan<byte> message, MessageStructure structure, int maxChars, int minHtmlBytes)
    {
        ArgumentNullException.ThrowIfNull(structure);
        var text = new StringBuilder();
        foreach (var part in BodySelector.Select(structure.Root).Plain)
        {
            var remaining = maxChars - text.Length;
            if (remaining <= 0) break;
            if (text.Length > 0) text.Append('\n');
            text.Append(BodySelector.IsHtml(part)
                ? HtmlText.ToText(DecodeText(message, part, Math.Max(minHtmlBytes, SafeBytes(remaining, 16))), remaining)
                : HtmlText.Truncate(DecodeText(message, part, SafeBytes(remaining, 4)), remaining));
        }
        return HtmlText.Truncate(text.ToString(), maxChars);
    }

    /// <summary>
    /// A leaf's content as text: transfer decoding, then its charset (for HTML without one,
    /// the &lt;meta&gt; declaration), then RFC 3676 unwrapping for format=flowed. At most
    /// <paramref name="maxBytes"/> decoded bytes are read.
    /// </summary>
    public static string DecodeText(ReadOnlySpan<byte> message, MimePart part, int maxBytes = DefaultMaxBodyBytes)
    {
        ArgumentNullException.ThrowIfNull(part);
        var decoded = DecodeContent(message, part, maxBytes);
        var type = part.ContentType;
        var charset = type.Charset;
        if (charset is null && type.MediaSubtype.Equals("html", StringComparison.OrdinalIgnoreCase))
            charset = SniffHtmlCharset(decoded);
        var text = Charsets.Decode(decoded, charset);
        if (decoded.Length >= maxBytes && text.Length > 0 && text[^1] == '\uFFFD') text = text[..^1]; // a cut character
        if (type.Parameters.Get("format")?.Equals("flowed", StringComparison.OrdinalIgnoreCase) == true)
            text = FlowedText.Decode(text, type.Parameters.Get("delsp")?.Equals("yes", StringComparison.OrdinalIgnoreCase) == true);
        return text;
    }

    /// <summary>A leaf's decoded bytes (at most <paramref name="maxBytes"/>).</summary>
    public static byte[] DecodeContent(ReadOnlySpan<byte> message, MimePart part, int maxBytes = int.MaxValue)
    {
        ArgumentNullException.ThrowIfNull(part);
        var raw = Slice(message, part.BodyOffset, part.Size);
        var decoder = new ContentDecoder(part.TransferEncoding);
        var output = new ArrayBufferWriter<byte>((int)Math.Min(Math.Max(part.DecodedSize, 16), Math.Min(maxBytes, 1 << 20)));
        while (!raw.IsEmpty && output.WrittenCount < maxBytes)
        {
            var chunk = raw[..Math.Min(raw.Length, 16 * 1024)];
            decoder.Decode(chunk, output);
            raw = raw[chunk.Length..];
        }
        if (raw.IsEmpty) decoder.Finish(output);
        var written = output.WrittenSpan;
        return (written.Length > maxBytes ? written[..maxBytes] : written).ToArray();
    }

    internal static ReadOnlySpan<byte> Slice(ReadOnlySpan<byte> message, long offset, long length)
    {
        if (offset < 0 || length < 0 || offset + length > message.Length)
            throw new ArgumentException("The message bytes do not match the structure.", nameof(message));
        return message.Slice((int)offset, (int)length);
    }

    private static int SafeBytes(int chars, int factor) => chars > int.MaxValue / factor ? int.MaxValue : chars * factor;

    /// <summary>&lt;meta charset="x"&gt; or http-equiv content="...; charset=x" in the first 2 KB.</summary>
    private static string? SniffHtmlCharset(ReadOnlySpan<byte> html)
    {
        var head = html[..Math.Min(html.Length, 2048)];
        var at = 0;
        while (at < head.Length)
        {
            var i = IndexOfIgnoreCase(head[at..], "charset"u8);
            if (i < 0) return null;
            var j = at + i + 7;
            while (j < head.Length && head[j] is (byte)' ' or (byte)'"' or (byte)'\'') j++;
            if (j < head.Length && head[j] == '=')
            {
                j++;
                while (j < head.Length && head[j] is (byte)' ' or (byte)'"' or (byte)'\'') j++;
                var start = j;
                while (j < head.Length && (char.IsAsciiLetterOrDigit((char)head[j]) || head[j] is (byte)'-' or (byte)'_' or (byte)':' or (byte)'.')) j++;
                if (j > start) return Encoding.ASCII.GetString(head[start..j]);
            }
            at = j;
        }
        return null;
    }

    private static int IndexOfIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> lowerNeedle)
    {
        for (var i = 0; i + lowerNeedle.Length <= text.Length; i++)
            if (Ascii.EqualsIgnoreCase(text.Slice(i, lowerNeedle.Length), lowerNeedle)) return i;
        return -1;
    }
}
