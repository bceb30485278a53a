namespace AgentMail.Imap.Mailboxes;

/// <summary>
/// LIST/LSUB wildcards (RFC 9051 §6.3.9): "*" matches anything, "%" anything but the hierarchy
/// delimiter. Matching is a dynamic program over the two strings, so hostile patterns ("*%*%*…")
/// cost at most pattern × name steps.
/// </summary>
public sealed class ListPattern
{
    private readonly string _pattern;

    public ListPattern(string pattern)
    {
        _pattern = Canonical(pattern);
    }

    public string Text => _pattern;

    /// <summary>True when the pattern has no wildcard (an exact name).</summary>
    public bool IsExact => _pattern.IndexOfAny(['*', '%']) < 0;

    /// <summary>"inbox…" in any case means INBOX (RFC 9051 §5.1).</summary>
    private static string Canonical(string pattern)
    {
        if (pattern.Length >= 5 && pattern.StartsWith("INBOX", StringComparison.OrdinalIgnoreCase)
            && (pattern.Length == 5 || pattern[5] == '/'))
            return "INBOX" + pattern[5..];
        return pattern;
    }

    public bool Matches(string name)
    {
        var p = _pattern;
        // previous[j]: does pattern[..i] match name[..j]
        var previous = new bool[name.Length + 1];
        var current = new bool[name.Length + 1];
        previous[0] = true;
        for (var i = 1; i <= p.Length; i++)
        {
            var c = p[i - 1];
            current[0] = previous[0] && c is '*' or '%';
            for (var j = 1; j <= name.Length; j++)
            {
                current[j] = c switch
                {
                    '*' => current[j - 1] || previous[j],
                    '%' => previous[j] || (current[j - 1] && name[j - 1] != '/'),
                    _ => previous[j - 1] && c == name[j - 1],
                };
            }
            (previous, current) = (current, previous);
        }
        return previous[name.Length];
    }
}
