using AgentMail.Mime.Headers;
using AgentMail.Mime.Summary;

namespace AgentMail.Mime.Building;

/// <summary>
/// Writes header fields: folded at white space so lines stay within 78 characters where
/// possible and never exceed 998 (RFC 5322 §2.1.1), non-ASCII text as RFC 2047 encoded-words,
/// non-ASCII or long parameters in RFC 2231 form. Values are checked for CR, LF and NUL.
/// </summary>
internal sealed class HeaderFormatter(IBufferWriter<byte> output, string newline = "\r\n")
{
    private const int SoftLimit = 78;
    private const int HardLimit = 998;
    private readonly List<(string Text, bool SpaceBefore)> _tokens = [];

    /// <summary>A field whose value is already valid ASCII header text (dates, ids, types).</summary>
    public void WriteRaw(string name, string value)
    {
        Begin();
        foreach (var word in value.Split(' ', StringSplitOptions.RemoveEmptyEntries)) Add(word, true);
        Flush(name);
    }

    /// <summary>Unstructured text (RFC 5322 §3.2.5), e.g. Subject: encoded-words where needed.</summary>
    public void WriteText(string name, string text)
    {
        Begin();
        AddText(Clean(text).Trim(), phrase: false);
        Flush(name);
    }

    public void WriteAddresses(string name, IReadOnlyList<EmailAddress> addresses)
    {
        Begin();
        for (var i = 0; i < addresses.Count; i++)
        {
            AddMailbox(addresses[i]);
            if (i < addresses.Count - 1) AppendToLast(",");
        }
        Flush(name);
    }

    public void WriteMessageIds(string name, IEnumerable<string> ids)
    {
        Begin();
        foreach (var id in ids) Add("<" + MessageBuilder.NormalizeMessageId(id) + ">", true);
        Flush(name);
    }

    /// <summary>"value; p1=v1; p2=v2" with RFC 2045 quoting, RFC 2231 for non-ASCII or long values.</summary>
    public void WriteWithParameters(string name, string value, IEnumerable<(string Name, string Value, bool EncodedWord)> parameters)
    {
        Begin();
        Add(value, true);
        foreach (var (pName, pValue, encodedWord) in parameters)
        {
            foreach (var piece in FormatParameter(pName, Clean(pValue), encodedWord))
            {
                AppendToLast(";");
                Add(piece, true);
            }
        }
        Flush(name);
    }

    private void Begin() => _tokens.Clear();

    private void Add(string token, bool spaceBefore) => _tokens.Add((token, spaceBefore));

    private void AppendToLast(string suffix)
    {
        var (text, space) = _tokens[^1];
        _tokens[^1] = (text + suffix, space);
    }

    private void AddMailbox(EmailAddress address)
    {
        var addr = Clean(address.Address).Trim();
        if (addr.Length == 0 || addr.AsSpan().IndexOfAny("<>\",; ") >= 0 && !addr.StartsWith('"'))
            throw new ArgumentException($"Invalid email address '{address.Address}'.");
        var display = address.Name is null ? string.Empty : Clean(address.Name).Trim();
        if (display.Length == 0)
        {
            Add(addr, true);
            return;
        }
        if (IsAtomPhrase(display))
        {
            foreach (var word in display.Split(' ', StringSplitOptions.RemoveEmptyEntries)) Add(word, true);
        }
        else if (Ascii.IsValid(display) && display.Length < 900 && !display.Contains("=?", StringComparison.Ordinal))
        {
            Add("\"" + display.Replace("\\", "\\\\").Replace("\"", "\\\"") + "\"", true);
        }
        else
        {
            foreach (var word in EncodedWordEncoder.Encode(display, phrase: true)) Add(word, true);
        }
        Add("<" + addr + ">", true);
    }

    /// <summary>
    /// Literal words stay literal; runs of words that need encoding (non-ASCII, controls,
    /// something that looks like an encoded-word, or too long to fold) become encoded-words.
    /// Single spaces separate tokens, so the text's spacing survives unfolding.
    /// </summary>
    private void AddText(string text, bool phrase)
    {
        var words = text.Split(' ');
        // Extra spaces are empty words. Next to an encoded-word they must be encoded too, since
        // white space between adjacent encoded-words is dropped by decoders (RFC 2047 §6.2).
        bool StartsRun(int k)
        {
            while (k < words.Length && words[k].Length == 0) k++;
            return k < words.Length && NeedsEncoding(words[k]);
        }
        var i = 0;
        var first = true;
        while (i < words.Length)
        {
            if (!StartsRun(i))
            {
                Add(words[i], !first);
                first = false;
                i++;
                continue;
            }
            var j = i;
            while (j < words.Length && StartsRun(j)) j++;
            var encoded = EncodedWordEncoder.Encode(string.Join(' ', words[i..j]), phrase);
            for (var k = 0; k < encoded.Count; k++) Add(encoded[k], k > 0 || !first);
            first = false;
            i = j;
        }
    }

    private static bool NeedsEncoding(string word) =>
        word.Length > 76 || !Ascii.IsValid(word) || word.Contains("=?", StringComparison.Ordinal) ||
        word.AsSpan().IndexOfAnyInRange('\0', '\x1F') >= 0 || word.Contains('\x7F');

    private static bool IsAtomPhrase(string text)
    {
        if (text.Contains("=?", StringComparison.Ordinal) || text.Contains("  ", StringComparison.Ordinal)) return false;
        foreach (var c in text)
            if (c != ' ' && (c >= 0x80 || !StructuredReader.IsAtomText((byte)c))) return false;
        return true;
    }

    private static IEnumerable<string> FormatParameter(string name, string value, bool encodedWord)
    {
        if (Ascii.IsValid(value) && value.AsSpan().IndexOfAnyInRange('\0', '\x1F') < 0)
        {
            var simple = IsToken(value) && value.Length > 0 ? $"{name}={value}" : $"{name}=\"{value.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"";
            if (simple.Length <= 76) return [simple];
            // RFC 2231 §3 continuations for long ASCII values.
            return Chunks(value, 60).Select((chunk, index) => $"{name}*{index}=\"{chunk.Replace("\\", "\\\\").Replace("\"", "\\\"")}\"");
        }
        if (encodedWord)
        {
            // Many clients read only an RFC 2047 word in a quoted "name" (not RFC 2231).
            var words = string.Join(' ', EncodedWordEncoder.Encode(value, phrase: false));
            if (words.Length < 900) return [$"{name}=\"{words}\""];
        }
        var encoded = PercentEncodedChunks(value, 60).ToList();
        if (encoded.Count == 1 && encoded[0].Length + name.Length + 10 <= 76) return [$"{name}*=utf-8''{encoded[0]}"];
        return encoded.Select((chunk, index) => index == 0 ? $"{name}*0*=utf-8''{chunk}" : $"{name}*{index}*={chunk}");
    }

    private static IEnumerable<string> Chunks(string value, int size)
    {
        for (var i = 0; i < value.Length; i += size) yield return value.Substring(i, Math.Min(size, value.Length - i));
    }

    /// <summary>RFC 2231 percent-encoding in chunks of whole characters.</summary>
    private static IEnumerable<string> PercentEncodedChunks(string value, int size)
    {
        var chunk = new StringBuilder();
        Span<byte> buffer = stackalloc byte[4];
        var chunks = new List<string>();
        foreach (var rune in value.EnumerateRunes())
        {
            var n = rune.EncodeToUtf8(buffer);
            var piece = new StringBuilder();
            foreach (var b in buffer[..n])
            {
                if (Imap.Rfc2231.IsAttributeChar(b)) piece.Append((char)b);
                else piece.Append('%').Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
            if (chunk.Length + piece.Length > size && chunk.Length > 0)
            {
                chunks.Add(chunk.ToString());
                chunk.Clear();
            }
            chunk.Append(piece);
        }
        if (chunk.Length > 0 || chunks.Count == 0) chunks.Add(chunk.ToString());
        return chunks;
    }

    /// <summary>An RFC 2045 §5.1 token: printable ASCII without white space or tspecials.</summary>
    internal static bool IsToken(string value)
    {
        foreach (var c in value)
            if (c <= ' ' || c >= 127 || "()<>@,;:\\\"/[]?=".Contains(c)) return false;
        return true;
    }

    /// <summary>Line breaks become spaces and NUL is removed: a value can never inject a field.</summary>
    private static string Clean(string value) =>
        value.AsSpan().IndexOfAny('\r', '\n', '\0') < 0 ? value : value.Replace("\r\n", " ").Replace('\r', ' ').Replace('\n', ' ').Replace("\0", string.Empty);

    private void Flush(string name)
    {
        var line = new StringBuilder(name).Append(':');
        var text = new StringBuilder();
        foreach (var (token, spaceBefore) in _tokens)
        {
            var separator = spaceBefore || line.Length == name.Length + 1 ? 1 : 0;
            if (line.Length + separator + token.Length > SoftLimit && line.Length > name.Length + 1 && separator == 1 && token.Length > 0)
            {
                text.Append(line).Append(newline);
                line.Clear();
            }
            if (separator == 1) line.Append(' ');
            line.Append(token);
            if (line.Length > HardLimit) throw new ArgumentException($"The {name} header cannot be written within 998 characters per line.");
        }
        text.Append(line).Append(newline);
        var bytes = Encoding.UTF8.GetBytes(text.ToString());
        output.Write(bytes);
    }
}
