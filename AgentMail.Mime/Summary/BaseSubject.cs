using AgentMail.Mime.Headers;

namespace AgentMail.Mime.Summary;

/// <summary>The RFC 5256 §2.1 base subject, for threading and SORT.</summary>
public static class BaseSubject
{
    /// <summary>Computes the base subject of a raw (possibly encoded) Subject value.</summary>
    public static string Compute(string? subject)
    {
        if (string.IsNullOrEmpty(subject)) return string.Empty;
        // (1) decode encoded-words; tabs and folds become spaces; runs of spaces become one.
        var decoded = EncodedWords.Decode(subject);
        var text = new StringBuilder(decoded.Length);
        foreach (var c in decoded)
        {
            var ch = c is '\t' or '\r' or '\n' ? ' ' : c;
            if (ch == ' ' && text.Length > 0 && text[^1] == ' ') continue;
            text.Append(ch);
        }
        var s = text.ToString();

        while (true)
        {
            s = RemoveTrailers(s);                      // (2)
            while (true)                                // (5) repeat (3) and (4)
            {
                var before = s;
                s = RemoveLeader(s);                    // (3)
                s = RemoveBlob(s);                      // (4)
                if (s == before) break;
            }
            // (6) "[fwd:" subject "]"
            if (s.Length >= 6 && s.StartsWith("[fwd:", StringComparison.OrdinalIgnoreCase) && s[^1] == ']')
            {
                s = s[5..^1];
                continue;
            }
            return s;                                   // (7)
        }
    }

    /// <summary>subj-trailer = "(fwd)" / WSP, repeatedly from the end.</summary>
    private static string RemoveTrailers(string s)
    {
        while (true)
        {
            if (s.EndsWith(' ')) s = s[..^1];
            else if (s.EndsWith("(fwd)", StringComparison.OrdinalIgnoreCase)) s = s[..^5];
            else return s;
        }
    }

    /// <summary>subj-leader = (*subj-blob subj-refwd) / WSP.</summary>
    private static string RemoveLeader(string s)
    {
        while (true)
        {
            if (s.StartsWith(' ')) { s = s[1..]; continue; }
            var i = 0;
            while (TrySkipBlob(s, ref i)) { }
            var j = i;
            if (StartsWithAt(s, j, "re")) j += 2;
            else if (StartsWithAt(s, j, "fwd")) j += 3;
            else if (StartsWithAt(s, j, "fw")) j += 2;
            else return s;
            while (j < s.Length && s[j] == ' ') j++;
            TrySkipBlob(s, ref j);
            if (j < s.Length && s[j] == ':') { s = s[(j + 1)..]; continue; }
            return s;
        }
    }

    /// <summary>(4): a leading subj-blob goes when what remains is a non-empty subj-base.</summary>
    private static string RemoveBlob(string s)
    {
        var i = 0;
        if (!TrySkipBlob(s, ref i)) return s;
        var rest = s[i..];
        return rest.Trim(' ').Length > 0 ? rest : s;
    }

    /// <summary>subj-blob = "[" *BLOBCHAR "]" *WSP, BLOBCHAR being anything but '[' and ']'.</summary>
    private static bool TrySkipBlob(string s, ref int i)
    {
        if (i >= s.Length || s[i] != '[') return false;
        var j = i + 1;
        while (j < s.Length && s[j] is not ('[' or ']')) j++;
        if (j >= s.Length || s[j] != ']') return false;
        j++;
        while (j < s.Length && s[j] == ' ') j++;
        i = j;
        return true;
    }

    private static bool StartsWithAt(string s, int index, string prefix) =>
        index + prefix.Length <= s.Length && string.Compare(s, index, prefix, 0, prefix.Length, StringComparison.OrdinalIgnoreCase) == 0;
}
