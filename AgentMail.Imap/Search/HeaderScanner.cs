using AgentMail.Mime.Headers;

namespace AgentMail.Imap.Search;

/// <summary>Header fields of a raw header block, unfolded and RFC 2047-decoded, for SEARCH HEADER.</summary>
public static class HeaderScanner
{
    /// <summary>True when a field named <paramref name="name"/> contains <paramref name="value"/> (case-insensitively); "" matches any such field.</summary>
    public static bool Contains(ReadOnlySpan<byte> header, string name, string value)
    {
        foreach (var (fieldName, fieldValue) in Fields(header))
        {
            if (!fieldName.Equals(name, StringComparison.OrdinalIgnoreCase)) continue;
            if (value.Length == 0 || fieldValue.Contains(value, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    public static List<(string Name, string Value)> Fields(ReadOnlySpan<byte> header)
    {
        var fields = new List<(string, string)>();
        var i = 0;
        while (i < header.Length)
        {
            var end = header[i..].IndexOf((byte)'\n');
            var lineEnd = end < 0 ? header.Length : i + end + 1;
            // Continuation lines (starting with space or tab) belong to the field.
            while (lineEnd < header.Length && header[lineEnd] is (byte)' ' or (byte)'\t')
            {
                var next = header[lineEnd..].IndexOf((byte)'\n');
                lineEnd = next < 0 ? header.Length : lineEnd + next + 1;
            }
            var field = header[i..lineEnd];
            i = lineEnd;
            var colon = field.IndexOf((byte)':');
            if (colon <= 0) continue; // blank line or garbage
            var name = Encoding.ASCII.GetString(field[..colon]).Trim();
            fields.Add((name, EncodedWords.DecodeHeaderValue(field[(colon + 1)..]).Trim()));
        }
        return fields;
    }
}
