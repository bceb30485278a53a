namespace AgentMail.Mime.Building;

/// <summary>
/// RFC 2047 encoding in UTF-8: each encoded-word at most 75 characters (§2), whole characters
/// only (a multi-byte character is never split between words), Q or B whichever is shorter.
/// In phrases (display names) Q may only leave letters, digits and "!*+-/" unencoded (§5(3)).
/// </summary>
internal static class EncodedWordEncoder
{
    private const int MaxWord = 75;
    private const int Overhead = 12; // "=?utf-8?Q?" + "?="

    public static List<string> Encode(string text, bool phrase)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var qCost = 0;
        foreach (var b in bytes) qCost += QCost(b, phrase);
        // Q stays readable for mostly-ASCII text; B only when it is clearly shorter.
        var useB = qCost * 4 > (bytes.Length + 2) / 3 * 4 * 5;
        var words = new List<string>();
        var payload = new StringBuilder();
        var pending = new List<byte>();
        Span<byte> runeBytes = stackalloc byte[4];
        foreach (var rune in text.EnumerateRunes())
        {
            var n = rune.EncodeToUtf8(runeBytes);
            var rb = runeBytes[..n];
            if (useB)
            {
                var next = (pending.Count + n + 2) / 3 * 4;
                if (Overhead + next > MaxWord && pending.Count > 0)
                {
                    words.Add("=?utf-8?B?" + Convert.ToBase64String(pending.ToArray()) + "?=");
                    pending.Clear();
                }
                foreach (var b in rb) pending.Add(b);
            }
            else
            {
                var cost = 0;
                foreach (var b in rb) cost += QCost(b, phrase);
                if (Overhead + payload.Length + cost > MaxWord && payload.Length > 0)
                {
                    words.Add("=?utf-8?Q?" + payload + "?=");
                    payload.Clear();
                }
                foreach (var b in rb) AppendQ(payload, b, phrase);
            }
        }
        if (useB && pending.Count > 0) words.Add("=?utf-8?B?" + Convert.ToBase64String(pending.ToArray()) + "?=");
        if (!useB && payload.Length > 0) words.Add("=?utf-8?Q?" + payload + "?=");
        if (words.Count == 0) words.Add("=?utf-8?Q??=");
        return words;
    }

    private static int QCost(byte b, bool phrase) => b == ' ' || IsQSafe(b, phrase) ? 1 : 3;

    private static void AppendQ(StringBuilder payload, byte b, bool phrase)
    {
        if (b == ' ') payload.Append('_');
        else if (IsQSafe(b, phrase)) payload.Append((char)b);
        else payload.Append('=').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
    }

    private static bool IsQSafe(byte b, bool phrase) => phrase
        ? char.IsAsciiLetterOrDigit((char)b) || b is (byte)'!' or (byte)'*' or (byte)'+' or (byte)'-' or (byte)'/'
        : b is > 32 and < 127 and not ((byte)'=' or (byte)'?' or (byte)'_');
}
