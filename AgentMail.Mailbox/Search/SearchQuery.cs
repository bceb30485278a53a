using System.Text;

namespace AgentMail.Mailbox.Search;

/// <summary>
/// tsquery literals over the index <see cref="SearchVector"/> builds, from the same
/// <see cref="SearchWords"/>; passed as <c>$n::tsquery</c>, so the database never re-parses the words.
/// </summary>
public static class SearchQuery
{
    /// <summary>Bounds the terms of one query: a hostile query cannot build an unbounded tsquery.</summary>
    public const int MaxWords = 64;

    /// <summary>
    /// IMAP SEARCH BODY/TEXT (RFC 9051 §6.4.4 asks for a substring): the value's words as a
    /// phrase, the last one a prefix ('quarterly' &lt;-&gt; 'rep':*), since the index holds words, not
    /// substrings; null when the value has no word at all.
    /// </summary>
    public static string? Phrase(string value)
    {
        var words = SearchWords.Split(value);
        if (words.Count == 0)
            return null;
        var query = new StringBuilder();
        AppendPhrase(query, words.Take(MaxWords).ToList(), lastIsPrefix: true);
        return query.ToString();
    }

    /// <summary>
    /// The web-search syntax of PostgreSQL's websearch_to_tsquery, which Nylas's
    /// search_query_native follows: words (all required), "quoted phrases", OR between terms,
    /// and -term to exclude. A word that splits into several (an address, a hyphenated word)
    /// is matched as their phrase. Null when the query has no word to search for.
    /// </summary>
    public static string? Websearch(string query)
    {
        // Alternatives (OR) of conjunctions (AND) of terms.
        var alternatives = new List<List<string>> { new() };
        var total = 0;
        var negate = false;
        var dashed = false; // a '-' since the last term: what follows is a term, even "or"
        var pendingOr = false;
        var afterTerm = false; // the last token was a term (a quoted one even when empty), not OR
        var index = 0;
        while (index < query.Length && total < MaxWords)
        {
            var c = query[index];
            if (char.IsWhiteSpace(c))
            {
                index++;
                continue;
            }
            if (c == '-')
            {
                negate = !negate; // "- word" excludes the word too; "--word" is the word
                dashed = true;
                index++;
                continue;
            }
            var quoted = c == '"';
            string text;
            if (quoted)
            {
                var close = query.IndexOf('"', index + 1);
                text = close < 0 ? query[(index + 1)..] : query[(index + 1)..close];
                index = close < 0 ? query.Length : close + 1;
            }
            else
            {
                var end = index;
                while (end < query.Length && !char.IsWhiteSpace(query[end]) && query[end] != '"')
                    end++;
                text = query[index..end];
                index = end;
            }
            // OR is an operator only after a term and before more of the query; anywhere else (first,
            // last, twice in a row) it is the word "or", as websearch_to_tsquery reads it.
            if (!quoted && !dashed && afterTerm && text.Equals("or", StringComparison.OrdinalIgnoreCase)
                && !query.AsSpan(index).IsWhiteSpace())
            {
                pendingOr = true;
                afterTerm = false;
                continue;
            }
            var words = SearchWords.Split(text);
            if (words.Count > MaxWords - total)
                words.RemoveRange(MaxWords - total, words.Count - (MaxWords - total));
            if (words.Count > 0)
            {
                total += words.Count;
                if (pendingOr)
                    alternatives.Add([]);
                alternatives[^1].Add(Term(words, negate));
                pendingOr = false;
            }
            // A term without words is no term ("-!!! b" excludes b), except in quotes.
            if (words.Count > 0 || quoted)
                (negate, dashed, afterTerm) = (false, false, true);
        }
        var groups = alternatives.Where(a => a.Count > 0).Select(a => a.Count == 1 ? a[0] : "(" + string.Join(" & ", a) + ")").ToList();
        return groups.Count == 0 ? null : string.Join(" | ", groups);
    }

    /// <summary>'word', a phrase of several in parentheses, or either excluded with !(…).</summary>
    private static string Term(IReadOnlyList<string> words, bool negate)
    {
        var term = new StringBuilder();
        var grouped = words.Count > 1 || negate;
        term.Append(negate ? "!(" : grouped ? "(" : "");
        AppendPhrase(term, words, lastIsPrefix: false);
        return term.Append(grouped ? ")" : "").ToString();
    }

    private static void AppendPhrase(StringBuilder query, IReadOnlyList<string> words, bool lastIsPrefix)
    {
        for (var i = 0; i < words.Count; i++)
        {
            if (i > 0)
                query.Append(" <-> ");
            query.Append('\'').Append(words[i]).Append('\'');
            if (lastIsPrefix && i == words.Count - 1)
                query.Append(":*");
        }
    }
}
