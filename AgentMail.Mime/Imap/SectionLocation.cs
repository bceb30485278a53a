using AgentMail.Mime.Headers;

namespace AgentMail.Mime.Imap;

/// <summary>
/// Where a resolved section lies in the raw message. For <see cref="SectionLocationKind.Slice"/>
/// the content is exactly [<see cref="Offset"/>, <see cref="Offset"/> + <see cref="Length"/>);
/// for <see cref="SectionLocationKind.HeaderFields"/> that range is the header block to pass to
/// <see cref="WriteFilteredHeader"/>. <see cref="Part"/> is the addressed entity when the section
/// is a part's body (its transfer encoding matters for BINARY), else null.
/// </summary>
public readonly record struct SectionLocation(SectionLocationKind Kind, long Offset, long Length, MimePart? Part, BodySection Section, bool HasBody = false)
{
    internal static SectionLocation EmptyOf(BodySection section) => new(SectionLocationKind.Empty, 0, 0, null, section);

    /// <summary>Writes the section's content given the whole raw message; returns the octets written.</summary>
    public long WriteTo(ReadOnlySpan<byte> message, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        switch (Kind)
        {
            case SectionLocationKind.Slice:
                output.Write(message.Slice(checked((int)Offset), checked((int)Length)));
                return Length;
            case SectionLocationKind.HeaderFields:
                return WriteFilteredHeader(message.Slice(checked((int)Offset), checked((int)Length)), output);
            default:
                return 0;
        }
    }

    /// <summary>
    /// Writes the fields of <paramref name="header"/> (the bytes at [Offset, Offset+Length))
    /// whose names are (HEADER.FIELDS) or are not (HEADER.FIELDS.NOT) in the list, each with its
    /// continuation lines, byte for byte; then the delimiting blank line, which RFC 9051
    /// §6.4.5.1 includes in every header fetch except for a message with neither body nor blank
    /// line (as found when present, else CRLF). Returns the octets written.
    /// </summary>
    public long WriteFilteredHeader(ReadOnlySpan<byte> header, IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (Kind != SectionLocationKind.HeaderFields) throw new InvalidOperationException("Not a HEADER.FIELDS section.");
        var exclude = Section.Kind == SectionKind.HeaderFieldsNot;
        long written = 0;
        var reader = new HeaderFieldReader(header);
        while (reader.TryRead(out var field))
        {
            if (Matches(field.Name, Section.Fields) == exclude) continue;
            var bytes = header[field.Start..field.End];
            output.Write(bytes);
            written += bytes.Length;
        }

        var blank = BlankLine(header);
        if (!blank.IsEmpty)
        {
            output.Write(blank);
            written += blank.Length;
        }
        else if (HasBody)
        {
            output.Write("\r\n"u8);
            written += 2;
        }
        return written;
    }

    /// <summary>"ASCII-range case insensitive but otherwise exact" (RFC 9051 §6.4.5.1).</summary>
    private static bool Matches(ReadOnlySpan<byte> fieldName, IReadOnlyList<string> names)
    {
        foreach (var candidate in names)
        {
            if (candidate.Length != fieldName.Length) continue;
            var equal = true;
            for (var i = 0; i < fieldName.Length && equal; i++)
            {
                var b = fieldName[i];
                var c = candidate[i];
                equal = b == c || (c < 0x80 && IsLetter(b) && (b | 0x20) == (c | 0x20));
            }
            if (equal) return true;
        }
        return false;
    }

    private static bool IsLetter(byte b) => char.IsAsciiLetter((char)b);

    /// <summary>The blank line ending a header block, if it has one.</summary>
    private static ReadOnlySpan<byte> BlankLine(ReadOnlySpan<byte> header)
    {
        if (header.IsEmpty || header[^1] != '\n') return default;
        var start = header[..^1].LastIndexOf((byte)'\n') + 1;
        return HeaderSyntax.IsBlankLine(header[start..^1]) ? header[start..] : default;
    }
}
