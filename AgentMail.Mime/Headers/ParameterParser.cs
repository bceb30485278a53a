using AgentMail.Mime.Encodings;

namespace AgentMail.Mime.Headers;

/// <summary>
/// Parameter lists of Content-Type and Content-Disposition (RFC 2045 §5.1) with RFC 2231
/// continuations, charsets and languages. Tolerant of what is found in the wild: missing
/// semicolons, unquoted values with spaces ("name=My File.pdf"), comments after values,
/// unterminated quoted strings, duplicate names (the first wins), and gaps in continuations.
/// </summary>
internal static class ParameterParser
{
    public const int MaxParameters = 128;
    private const int MaxSection = 9999;

    private readonly record struct RawParameter(string Name, int Section, bool Encoded, byte[] Value);

    /// <summary>Parses "; name=value ..." from the reader's position to the end.</summary>
    public static IReadOnlyList<MimeParameter> Parse(ref StructuredReader reader)
    {
        List<RawParameter>? raw = null;
        var value = new ByteBuilder([]);
        try
        {
            while (true)
            {
                reader.SkipCfws();
                if (reader.AtEnd) break;
                if (reader.Peek() == ';') { reader.Advance(); continue; }

                var name = reader.ReadToken();
                if (name.IsEmpty) { SkipToSemicolon(ref reader); continue; }
                reader.SkipCfws();
                if (reader.Peek() != '=') { SkipToSemicolon(ref reader); continue; }
                reader.Advance();
                reader.SkipCfws();

                value.Clear();
                if (reader.Peek() == '"')
                {
                    reader.ReadQuotedString(ref value);
                    SkipToSemicolonUnlessParameterFollows(ref reader);
                }
                else
                {
                    ReadUnquotedValue(ref reader, ref value);
                }

                if ((raw ??= []).Count >= MaxParameters) continue;
                raw.Add(ParseName(name, value.Written.ToArray()));
            }
        }
        finally
        {
            value.Dispose();
        }
        return raw is null ? [] : Combine(raw);
    }

    private static RawParameter ParseName(ReadOnlySpan<byte> name, byte[] value)
    {
        // RFC 2231 §3-4: name*, name*N, name*N*.
        var star = name.IndexOf((byte)'*');
        if (star <= 0) return new RawParameter(Encoding.ASCII.GetString(name), -1, false, value);
        var baseName = Encoding.ASCII.GetString(name[..star]);
        var rest = name[(star + 1)..];
        if (rest.IsEmpty) return new RawParameter(baseName, 0, true, value);
        var encoded = rest[^1] == '*';
        if (encoded) rest = rest[..^1];
        var section = 0;
        foreach (var b in rest)
        {
            if (b is < (byte)'0' or > (byte)'9') return new RawParameter(Encoding.ASCII.GetString(name), -1, false, value);
            section = Math.Min(section * 10 + (b - '0'), MaxSection + 1);
        }
        return section > MaxSection
            ? new RawParameter(Encoding.ASCII.GetString(name), -1, false, value)
            : new RawParameter(baseName, section, encoded, value);
    }

    private static IReadOnlyList<MimeParameter> Combine(List<RawParameter> raw)
    {
        var result = new List<MimeParameter>(raw.Count);
        for (var i = 0; i < raw.Count; i++)
        {
            var name = raw[i].Name;
            if (ContainsName(result, name)) continue;
            // Prefer the RFC 2231 form when a plain value is also given (a common compatibility pair).
            var hasExtended = false;
            for (var j = i; j < raw.Count; j++)
                if (raw[j].Section >= 0 && raw[j].Name.Equals(name, StringComparison.OrdinalIgnoreCase)) { hasExtended = true; break; }
            if (!hasExtended)
            {
                result.Add(new MimeParameter(name, HeaderText.ToText(raw[i].Value)));
                continue;
            }
            result.Add(JoinSections(raw, i, name));
        }
        return result;
    }

    private static MimeParameter JoinSections(List<RawParameter> raw, int first, string name)
    {
        var sections = new List<RawParameter>();
        for (var j = first; j < raw.Count; j++)
        {
            var p = raw[j];
            if (p.Section < 0 || !p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) continue;
            if (sections.Exists(s => s.Section == p.Section)) continue; // duplicate section: first wins
            sections.Add(p);
        }
        sections.Sort(static (a, b) => a.Section.CompareTo(b.Section));

        string? charset = null, language = null;
        var anyEncoded = false;
        var bytes = new ByteBuilder(stackalloc byte[256]);
        try
        {
            foreach (var section in sections)
            {
                ReadOnlySpan<byte> value = section.Value;
                if (section.Encoded)
                {
                    if (!anyEncoded)
                    {
                        // The first encoded section carries charset'language' (RFC 2231 §4).
                        var q1 = value.IndexOf((byte)'\'');
                        var q2 = q1 < 0 ? -1 : value[(q1 + 1)..].IndexOf((byte)'\'');
                        if (q2 >= 0)
                        {
                            q2 += q1 + 1;
                            charset = q1 > 0 ? Encoding.ASCII.GetString(value[..q1]) : null;
                            language = q2 > q1 + 1 ? Encoding.ASCII.GetString(value[(q1 + 1)..q2]) : null;
                            value = value[(q2 + 1)..];
                        }
                    }
                    anyEncoded = true;
                    PercentDecode(value, ref bytes);
                }
                else
                {
                    bytes.Append(value);
                }
            }
            var text = charset is null ? HeaderText.ToText(bytes.Written) : Charsets.Decode(bytes.Written, charset);
            return new MimeParameter(sections[0].Name, text, anyEncoded, language);
        }
        finally
        {
            bytes.Dispose();
        }
    }

    private static bool ContainsName(List<MimeParameter> list, string name)
    {
        foreach (var p in list)
            if (p.Name.Equals(name, StringComparison.OrdinalIgnoreCase)) return true;
        return false;
    }

    private static void PercentDecode(ReadOnlySpan<byte> value, ref ByteBuilder output)
    {
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && IsHex(value[i + 1]) && IsHex(value[i + 2]))
            {
                output.Append((byte)(HexValue(value[i + 1]) << 4 | HexValue(value[i + 2])));
                i += 2;
            }
            else output.Append(value[i]);
        }
    }

    /// <summary>
    /// An unquoted value runs to the next ';'. White space inside is kept ("My File.pdf") unless
    /// what follows it looks like another parameter (a missing ';'); comments are dropped.
    /// </summary>
    private static void ReadUnquotedValue(ref StructuredReader reader, ref ByteBuilder value)
    {
        while (!reader.AtEnd)
        {
            var b = reader.Peek();
            if (b == ';') return;
            if (b is (byte)' ' or (byte)'\t' or (byte)'\r' or (byte)'\n' or (byte)'(')
            {
                reader.SkipCfws();
                if (reader.AtEnd || reader.Peek() == ';' || LooksLikeParameter(reader.Remaining)) return;
                value.Append((byte)' ');
                continue;
            }
            value.Append(b);
            reader.Advance();
        }
    }

    private static bool LooksLikeParameter(ReadOnlySpan<byte> rest)
    {
        var probe = new StructuredReader(rest);
        if (probe.ReadToken().IsEmpty) return false;
        probe.SkipCfws();
        return probe.Peek() == '=';
    }

    private static void SkipToSemicolon(ref StructuredReader reader)
    {
        while (!reader.AtEnd && reader.Peek() != ';')
        {
            if (reader.Peek() == '"')
            {
                var ignored = new ByteBuilder([]);
                reader.ReadQuotedString(ref ignored);
                ignored.Dispose();
            }
            else if (reader.Peek() == '(') reader.SkipCfws();
            else reader.Advance();
        }
    }

    private static void SkipToSemicolonUnlessParameterFollows(ref StructuredReader reader)
    {
        reader.SkipCfws();
        if (reader.AtEnd || reader.Peek() == ';' || LooksLikeParameter(reader.Remaining)) return;
        SkipToSemicolon(ref reader);
    }

    private static bool IsHex(byte b) => AsciiChars.IsHex(b);

    private static int HexValue(byte b) => b <= '9' ? b - '0' : (b | 0x20) - 'a' + 10;
}
