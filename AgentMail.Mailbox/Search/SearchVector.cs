using System.Text;

namespace AgentMail.Mailbox.Search;

/// <summary>
/// A message's full-text index entry as a PostgreSQL tsvector literal ('word':1,7 'other':2),
/// built here from <see cref="SearchWords"/> rather than by to_tsvector in the database: the
/// server's text-search parser cost more Postgres CPU per 10 KB message than the rest of the
/// insert together, and this takes a few microseconds. Positions keep "phrase" queries working.
/// </summary>
public static class SearchVector
{
    // tsvector limits (PostgreSQL docs §8.11.1): positions 1..16383, at most 256 per lexeme.
    private const int MaxPosition = 16383;
    private const int MaxPositionsPerWord = 256;

    public static string Build(ReadOnlySpan<char> text)
    {
        var words = new Dictionary<string, List<int>>(StringComparer.Ordinal);
        var lookup = words.GetAlternateLookup<ReadOnlySpan<char>>();
        Span<char> lower = stackalloc char[SearchWords.MaxWordLength];
        var position = 0;
        foreach (var word in SearchWords.Enumerate(text))
        {
            var lowered = lower[..word.ToLowerInvariant(lower)];
            position = Math.Min(position + 1, MaxPosition);
            if (!lookup.TryGetValue(lowered, out var positions))
            {
                positions = new List<int>(2);
                lookup[lowered] = positions;
            }
            // Past the last position every later word shares it; one entry says as much.
            if (positions.Count < MaxPositionsPerWord && (positions.Count == 0 || positions[^1] != position))
                positions.Add(position);
        }

        var literal = new StringBuilder(text.Length + words.Count * 4);
        foreach (var (word, positions) in words)
        {
            if (literal.Length > 0)
                literal.Append(' ');
            // Words hold only letters, digits and marks, so no quote or backslash needs escaping.
            literal.Append('\'').Append(word).Append("':");
            for (var i = 0; i < positions.Count; i++)
            {
                if (i > 0)
                    literal.Append(',');
                literal.Append(positions[i]);
            }
        }
        return literal.ToString();
    }
}
