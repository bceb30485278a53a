namespace AgentMail.Mime.Building;

/// <summary>
/// Quoted-printable encoding of CRLF text (RFC 2045 §6.7): lines of at most 76 characters
/// with soft breaks that never split an escape, white space before a line break escaped,
/// and "From " at a line start escaped so no mbox writer can mangle it.
/// </summary>
internal static class QuotedPrintableEncoder
{
    private const int MaxLine = 76;

    public static void Encode(ReadOnlySpan<byte> text, IBufferWriter<byte> output)
    {
        Span<byte> line = stackalloc byte[MaxLine + 4];
        var length = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var b = text[i];
            if (b == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
            {
                output.Write(line[..length]);
                output.Write("\r\n"u8);
                length = 0;
                i++;
                continue;
            }

            var atLineEnd = i + 1 == text.Length || (text[i + 1] == '\r' && i + 2 < text.Length && text[i + 2] == '\n');
            var literal = b is >= 33 and <= 126 and not (byte)'=' || (b is (byte)' ' or (byte)'\t' && !atLineEnd);
            if (literal && b == 'F' && length == 0 && text[i..].StartsWith("From "u8)) literal = false;
            var width = literal ? 1 : 3;
            // Keep room for the "=" of a soft break.
            if (length + width > MaxLine - 1)
            {
                output.Write(line[..length]);
                output.Write("=\r\n"u8);
                length = 0;
            }
            if (literal)
            {
                line[length++] = b;
            }
            else
            {
                line[length++] = (byte)'=';
                line[length++] = Hex(b >> 4);
                line[length++] = Hex(b & 0xF);
            }
        }
        output.Write(line[..length]);
    }

    private static byte Hex(int value) => (byte)(value < 10 ? '0' + value : 'A' + value - 10);
}
