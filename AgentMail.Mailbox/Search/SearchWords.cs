using System.Text;

namespace AgentMail.Mailbox.Search;

/// <summary>
/// The one definition of a word for full-text search, used both to build a message's index entry
/// and to read every query against it, so the two can never disagree: a word is a run of
/// letters, digits and combining marks (any script), lowercased. Everything else separates
/// words, so "billing@vendor.test" is the three words billing, vendor, test, found by the phrase
/// of the three — where PostgreSQL's own parser would keep one token that a search for "billing"
/// never matches.
/// </summary>
public static class SearchWords
{
    /// <summary>Longer runs (base64, hashes, long URLs) are not words anyone searches for; they are skipped.</summary>
    public const int MaxWordLength = 100;

    public static WordEnumerator Enumerate(ReadOnlySpan<char> text) => new(text);

    /// <summary>The words of <paramref name="text"/>, lowercased.</summary>
    public static List<string> Split(ReadOnlySpan<char> text)
    {
        var words = new List<string>();
        Span<char> lower = stackalloc char[MaxWordLength];
        foreach (var word in Enumerate(text))
        {
            var length = word.ToLowerInvariant(lower);
            words.Add(new string(lower[..length]));
        }
        return words;
    }

    internal static bool IsWordRune(Rune rune) =>
        Rune.IsLetterOrDigit(rune) || Rune.GetUnicodeCategory(rune) is
            System.Globalization.UnicodeCategory.NonSpacingMark or System.Globalization.UnicodeCategory.SpacingCombiningMark;

    /// <summary>Enumerates words as slices of the text (not yet lowercased).</summary>
    public ref struct WordEnumerator(ReadOnlySpan<char> text)
    {
        private readonly ReadOnlySpan<char> _text = text;
        private int _next;

        public ReadOnlySpan<char> Current { get; private set; }

        public readonly WordEnumerator GetEnumerator() => this;

        public bool MoveNext()
        {
            while (_next < _text.Length)
            {
                var start = _next;
                while (_next < _text.Length && IsWordAt(_next, out var width))
                    _next += width;
                if (_next > start)
                {
                    if (_next - start > MaxWordLength)
                        continue;
                    Current = _text[start.._next];
                    return true;
                }
                // A separator: step over it (a whole surrogate pair at once).
                _next += Rune.DecodeFromUtf16(_text[_next..], out _, out var skipped) == System.Buffers.OperationStatus.Done ? skipped : 1;
            }
            return false;
        }

        private readonly bool IsWordAt(int index, out int width)
        {
            var c = _text[index];
            if (c < 0x80)
            {
                width = 1;
                return char.IsAsciiLetterOrDigit(c);
            }
            if (Rune.DecodeFromUtf16(_text[index..], out var rune, out width) != System.Buffers.OperationStatus.Done)
            {
                width = 1;
                return false;
            }
            return IsWordRune(rune);
        }
    }
}
