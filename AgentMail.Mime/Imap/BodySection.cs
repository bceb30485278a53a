using System.Globalization;

namespace AgentMail.Mime.Imap;

/// <summary>
/// A FETCH section specification, the text between the brackets of BODY[...] or BINARY[...]
/// (RFC 9051 §9: section-spec / section-part; part numbers above 2^31-1, which no message can
/// have, are refused). The partial suffix &lt;offset.count&gt; is not part of
/// it: the caller applies it to the resolved content (after HEADER.FIELDS subsetting).
/// </summary>
public sealed record BodySection
{
    private const int MaxPathLength = 100;
    private const int MaxFields = 1000;

    public BodySection(IReadOnlyList<int> part, SectionKind kind, IReadOnlyList<string>? fields = null)
    {
        ArgumentNullException.ThrowIfNull(part);
        Part = part;
        Kind = kind;
        Fields = fields ?? [];
    }

    /// <summary>The whole message: BODY[].</summary>
    public static BodySection Full { get; } = new([], SectionKind.Full);

    /// <summary>Part numbers, outermost first ([] for the message itself).</summary>
    public IReadOnlyList<int> Part { get; }

    public SectionKind Kind { get; }

    /// <summary>Field names of HEADER.FIELDS / HEADER.FIELDS.NOT, as the client wrote them.</summary>
    public IReadOnlyList<string> Fields { get; }

    /// <summary>True when this is a valid section-binary (only part numbers).</summary>
    public bool IsBinarySection => Kind == SectionKind.Full;

    public static bool TryParse(string text, out BodySection section) =>
        TryParse(Encoding.UTF8.GetBytes(text ?? throw new ArgumentNullException(nameof(text))), out section);

    /// <summary>Parses the text between the brackets; false when it is not valid syntax.</summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out BodySection section)
    {
        section = Full;
        var path = new List<int>();
        var i = 0;
        while (i < text.Length && char.IsAsciiDigit((char)text[i]))
        {
            if (text[i] == '0') return false; // nz-number
            ulong n = 0;
            while (i < text.Length && char.IsAsciiDigit((char)text[i]))
            {
                n = n * 10 + (ulong)(text[i++] - '0');
                if (n > uint.MaxValue) return false;
            }
            if (n > int.MaxValue || path.Count >= MaxPathLength) return false;
            path.Add((int)n);
            if (i == text.Length) break;
            if (text[i] != '.') return false;
            i++;
            if (i == text.Length) return false; // trailing dot
        }

        var rest = text[i..];
        if (rest.IsEmpty)
        {
            section = path.Count == 0 ? Full : new BodySection(path, SectionKind.Full);
            return true;
        }
        if (Ascii.EqualsIgnoreCase(rest, "HEADER"u8)) { section = new BodySection(path, SectionKind.Header); return true; }
        if (Ascii.EqualsIgnoreCase(rest, "TEXT"u8)) { section = new BodySection(path, SectionKind.Text); return true; }
        if (Ascii.EqualsIgnoreCase(rest, "MIME"u8))
        {
            if (path.Count == 0) return false; // MIME must follow a part number
            section = new BodySection(path, SectionKind.Mime);
            return true;
        }

        SectionKind kind;
        if (StartsWithIgnoreCase(rest, "HEADER.FIELDS.NOT "u8)) { kind = SectionKind.HeaderFieldsNot; rest = rest[18..]; }
        else if (StartsWithIgnoreCase(rest, "HEADER.FIELDS "u8)) { kind = SectionKind.HeaderFields; rest = rest[14..]; }
        else return false;

        if (!TryParseHeaderList(rest, out var fields)) return false;
        section = new BodySection(path, kind, fields);
        return true;
    }

    private static bool TryParseHeaderList(ReadOnlySpan<byte> text, out List<string> fields)
    {
        fields = [];
        if (text.IsEmpty || text[0] != '(' || text[^1] != ')') return false;
        text = text[1..^1];
        var i = 0;
        while (i < text.Length)
        {
            if (text[i] == ' ') { i++; continue; }
            if (fields.Count >= MaxFields) return false;
            if (text[i] == '"')
            {
                var name = new StringBuilder();
                i++;
                var closed = false;
                while (i < text.Length)
                {
                    var b = text[i++];
                    if (b == '"') { closed = true; break; }
                    if (b == '\\' && i < text.Length) b = text[i++];
                    name.Append((char)b);
                }
                if (!closed || name.Length == 0) return false;
                fields.Add(name.ToString());
            }
            else if (text[i] == '{')
            {
                // literal: {n}CRLF followed by n octets
                var close = text[i..].IndexOf((byte)'}');
                if (close < 0) return false;
                var digits = text.Slice(i + 1, close - 1);
                if (digits.Length > 0 && digits[^1] == '+') digits = digits[..^1];
                if (!int.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out var length)) return false;
                i += close + 1;
                if (!text[i..].StartsWith("\r\n"u8)) return false;
                i += 2;
                if (length == 0 || i + length > text.Length) return false;
                fields.Add(Encoding.UTF8.GetString(text.Slice(i, length)));
                i += length;
            }
            else
            {
                var start = i;
                while (i < text.Length && IsAstringChar(text[i])) i++;
                if (i == start) return false;
                fields.Add(Encoding.ASCII.GetString(text[start..i]));
            }
            if (i < text.Length && text[i] != ' ') return false;
        }
        return fields.Count > 0;
    }

    private static bool IsAstringChar(byte b) =>
        b is > 0x20 and < 0x7F and not ((byte)'(' or (byte)')' or (byte)'{' or (byte)'%' or (byte)'*' or (byte)'"' or (byte)'\\');

    private static bool StartsWithIgnoreCase(ReadOnlySpan<byte> text, ReadOnlySpan<byte> prefix) =>
        text.Length >= prefix.Length && Ascii.EqualsIgnoreCase(text[..prefix.Length], prefix);

    /// <summary>The canonical text of the section, for echoing in a FETCH response.</summary>
    public override string ToString()
    {
        var text = new StringBuilder();
        foreach (var n in Part)
        {
            if (text.Length > 0) text.Append('.');
            text.Append(n.ToString(CultureInfo.InvariantCulture));
        }
        var keyword = Kind switch
        {
            SectionKind.Header => "HEADER",
            SectionKind.HeaderFields => "HEADER.FIELDS",
            SectionKind.HeaderFieldsNot => "HEADER.FIELDS.NOT",
            SectionKind.Text => "TEXT",
            SectionKind.Mime => "MIME",
            _ => null,
        };
        if (keyword is null) return text.ToString();
        if (text.Length > 0) text.Append('.');
        text.Append(keyword);
        if (Kind is SectionKind.HeaderFields or SectionKind.HeaderFieldsNot)
        {
            text.Append(" (");
            for (var i = 0; i < Fields.Count; i++)
            {
                if (i > 0) text.Append(' ');
                var field = Fields[i];
                if (field.Length > 0 && field.All(c => c < 0x80 && IsAstringChar((byte)c))) text.Append(field);
                else text.Append('"').Append(field.Replace("\\", "\\\\").Replace("\"", "\\\"")).Append('"');
            }
            text.Append(')');
        }
        return text.ToString();
    }

    public bool Equals(BodySection? other) =>
        other is not null && Kind == other.Kind && Part.SequenceEqual(other.Part) &&
        Fields.SequenceEqual(other.Fields, StringComparer.OrdinalIgnoreCase);

    public override int GetHashCode() => HashCode.Combine(Kind, Part.Count, Fields.Count);
}
