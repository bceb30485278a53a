namespace AgentMail.Mime.Headers;

/// <summary>
/// Address lists per RFC 5322 §3.4, with the obsolete syntax of §4.4 (routes, empty list
/// elements, phrases with dots, CFWS around dots) and what broken senders write: missing angle
/// brackets ("John Doe john@example.com"), no domain ("abel, bianchi"), unterminated groups and
/// angle addresses, a comment as the only name ("jdoe@example.com (John Doe)"), and
/// encoded-words containing specials. Never recursive; bounded by <see cref="MaxAddresses"/>.
/// </summary>
public static class AddressParser
{
    /// <summary>Addresses kept per field; the rest of a hostile list is ignored.</summary>
    public const int MaxAddresses = 5000;

    private enum WordKind : byte { Atom, Quoted, Dot }

    private readonly record struct Word(int Start, int End, WordKind Kind, bool SpaceBefore);

    /// <summary>Parses a raw (possibly folded) address-list value into ENVELOPE addresses.</summary>
    public static IReadOnlyList<EnvelopeAddress> Parse(ReadOnlySpan<byte> value)
    {
        var result = new List<EnvelopeAddress>();
        var words = new List<Word>();
        var reader = new StructuredReader(value);
        var inGroup = false;
        while (result.Count < MaxAddresses)
        {
            reader.SkipCfws();
            if (reader.AtEnd) break;
            var c = reader.Peek();
            if (c == ',') { reader.Advance(); continue; }
            if (c == ';')
            {
                reader.Advance();
                if (inGroup) { result.Add(EnvelopeAddress.GroupEnd); inGroup = false; }
                continue;
            }
            var before = reader.Position;
            ParseAddress(value, ref reader, words, result, ref inGroup);
            if (reader.Position == before) reader.Advance();
        }
        if (inGroup) result.Add(EnvelopeAddress.GroupEnd);
        return result;
    }

    /// <summary>Parses an address-list given as text.</summary>
    public static IReadOnlyList<EnvelopeAddress> Parse(string value) => Parse(Encoding.UTF8.GetBytes(value));

    private static void ParseAddress(ReadOnlySpan<byte> text, ref StructuredReader reader, List<Word> words, List<EnvelopeAddress> result, ref bool inGroup)
    {
        words.Clear();
        int commentStart = -1, commentEnd = -1;
        var addressStart = reader.Position;
        while (!reader.AtEnd)
        {
            var before = reader.Position;
            reader.SkipCfws(out var cs, out var ce);
            if (cs >= 0) { commentStart = cs; commentEnd = ce; }
            var space = reader.Position > before;
            if (reader.AtEnd) break;
            var c = reader.Peek();
            switch (c)
            {
                case (byte)'"':
                    var start = reader.Position;
                    SkipQuoted(ref reader);
                    words.Add(new Word(start, reader.Position, WordKind.Quoted, space));
                    continue;
                case (byte)'.':
                    reader.Advance();
                    words.Add(new Word(reader.Position - 1, reader.Position, WordKind.Dot, space));
                    continue;
                case (byte)'<':
                    ParseAngleAddress(text, ref reader, words, result, commentStart, commentEnd);
                    return;
                case (byte)'@':
                    ParseAddrSpec(text, ref reader, words, result, commentStart, commentEnd, addressStart);
                    return;
                case (byte)':':
                    reader.Advance();
                    if (inGroup) continue; // groups do not nest; ignore the colon
                    result.Add(EnvelopeAddress.GroupStart(Phrase(text, words, 0, words.Count) ?? string.Empty));
                    inGroup = true;
                    return;
                case (byte)',' or (byte)';':
                    goto done;
                default:
                    var atomStart = reader.Position;
                    if (!TryReadEncodedWord(text, ref reader) && reader.ReadAtom().IsEmpty)
                    {
                        reader.Advance(); // a stray special such as ')' or '>'
                        continue;
                    }
                    words.Add(new Word(atomStart, reader.Position, WordKind.Atom, space));
                    continue;
            }
        }
    done:
        // Neither '@' nor '<': one word (or a dotted run) is a mailbox without a domain;
        // several space-separated words are a stray phrase and are dropped.
        if (words.Count == 0) return;
        for (var i = 1; i < words.Count; i++)
            if (words[i].SpaceBefore && words[i].Kind != WordKind.Dot && words[i - 1].Kind != WordKind.Dot) return;
        result.Add(new EnvelopeAddress(Comment(text, commentStart, commentEnd), null, Local(text, words, 0, words.Count), string.Empty));
    }

    private static void ParseAddrSpec(ReadOnlySpan<byte> text, ref StructuredReader reader, List<Word> words, List<EnvelopeAddress> result, int commentStart, int commentEnd, int addressStart)
    {
        // The local part is the dot-connected run of words just before '@'; words before it
        // are a display name whose angle brackets were forgotten.
        var k = words.Count - 1;
        while (k > 0 && (words[k].Kind == WordKind.Dot || words[k - 1].Kind == WordKind.Dot)) k--;
        if (k < 0) k = 0;
        var name = Phrase(text, words, 0, k);
        var local = Local(text, words, k, words.Count);
        reader.Advance(); // '@'
        var host = ReadDomain(ref reader);
        var afterDomain = reader.Position;
        reader.SkipCfws(out var cs, out var ce);
        if (reader.Peek() == '<')
        {
            // "jdoe@example.com <jdoe@example.com>": what looked like an address is the name.
            words.Clear();
            var start = addressStart;
            words.Add(new Word(start, afterDomain, WordKind.Atom, false));
            ParseAngleAddress(text, ref reader, words, result, -1, -1);
            return;
        }
        if (cs >= 0) { commentStart = cs; commentEnd = ce; }
        result.Add(new EnvelopeAddress(name ?? Comment(text, commentStart, commentEnd), null, local, host));
    }

    private static void ParseAngleAddress(ReadOnlySpan<byte> text, ref StructuredReader reader, List<Word> words, List<EnvelopeAddress> result, int commentStart, int commentEnd)
    {
        var name = Phrase(text, words, 0, words.Count);
        reader.Advance(); // '<'
        var route = ReadRoute(ref reader);

        var localFrom = words.Count;
        string? host = null;
        while (!reader.AtEnd)
        {
            var before = reader.Position;
            reader.SkipCfws();
            var space = reader.Position > before;
            if (reader.AtEnd) break;
            var c = reader.Peek();
            if (c is (byte)'>' or (byte)',' or (byte)';') break;
            if (c == '@')
            {
                reader.Advance();
                host = ReadDomain(ref reader);
                break;
            }
            if (c == '"')
            {
                var start = reader.Position;
                SkipQuoted(ref reader);
                words.Add(new Word(start, reader.Position, WordKind.Quoted, space));
            }
            else if (c == '.')
            {
                reader.Advance();
                words.Add(new Word(reader.Position - 1, reader.Position, WordKind.Dot, space));
            }
            else
            {
                var start = reader.Position;
                if (reader.ReadAtom().IsEmpty) { reader.Advance(); continue; }
                words.Add(new Word(start, reader.Position, WordKind.Atom, space));
            }
        }
        // Anything up to '>' is junk; a missing '>' ends the address at ',' or ';'.
        while (!reader.AtEnd && reader.Peek() is not ((byte)'>' or (byte)',' or (byte)';'))
        {
            if (reader.Peek() == '"') SkipQuoted(ref reader);
            else if (reader.Peek() == '(') reader.SkipCfws();
            else reader.Advance();
        }
        if (reader.Peek() == '>') reader.Advance();
        reader.SkipCfws(out var cs, out var ce);
        if (cs >= 0) { commentStart = cs; commentEnd = ce; }

        if (words.Count == localFrom && host is null && name is null) return; // "<>"
        var local = LocalWithSpaces(text, words, localFrom, words.Count, host is null);
        result.Add(new EnvelopeAddress(name ?? Comment(text, commentStart, commentEnd), route, local, host ?? string.Empty));
    }

    /// <summary>obs-route: "@a,@b:" before the addr-spec (RFC 5322 §4.4), returned as "@a,@b".</summary>
    private static string? ReadRoute(ref StructuredReader reader)
    {
        reader.SkipCfws();
        if (reader.Peek() != '@') return null;
        var start = reader.Position;
        var route = new StringBuilder();
        while (!reader.AtEnd)
        {
            reader.SkipCfws();
            if (reader.Peek() == ',') { reader.Advance(); continue; }
            if (reader.Peek() != '@') break;
            reader.Advance();
            if (route.Length > 0) route.Append(',');
            route.Append('@').Append(ReadDomain(ref reader));
        }
        reader.SkipCfws();
        if (reader.Peek() == ':')
        {
            reader.Advance();
            return route.ToString();
        }
        reader.Position = start; // not a route after all ("<@example.com>")
        reader.Advance();
        return null;
    }

    private static string ReadDomain(ref StructuredReader reader)
    {
        var domain = new ByteBuilder([]);
        try
        {
            while (!reader.AtEnd)
            {
                reader.SkipCfws();
                if (reader.Peek() == '[')
                {
                    reader.ReadDomainLiteral(ref domain);
                }
                else
                {
                    var atom = reader.ReadAtom();
                    if (atom.IsEmpty) break;
                    domain.Append(atom);
                }
                var mark = reader.Position;
                reader.SkipCfws();
                if (reader.Peek() != '.') { reader.Position = mark; break; }
                reader.Advance();
                domain.Append((byte)'.');
            }
            return HeaderText.ToText(domain.Written);
        }
        finally
        {
            domain.Dispose();
        }
    }

    private static bool TryReadEncodedWord(ReadOnlySpan<byte> text, ref StructuredReader reader)
    {
        // Encoded-words are taken whole even when they hold specials such as ':' (RFC 2047 §5
        // forbids that in phrases, but senders do it).
        if (!reader.Remaining.StartsWith("=?"u8)) return false;
        if (!EncodedWords.TryLocateWord(text, reader.Position, out _, out _, out _, out var end)) return false;
        reader.Position = end;
        return true;
    }

    private static void SkipQuoted(ref StructuredReader reader)
    {
        reader.Advance();
        while (!reader.AtEnd)
        {
            var b = reader.Peek();
            reader.Advance();
            if (b == '"') return;
            if (b == '\\') reader.Advance();
        }
    }

    /// <summary>A phrase with quoting removed; words separated by one space where CFWS was.</summary>
    private static string? Phrase(ReadOnlySpan<byte> text, List<Word> words, int from, int to)
    {
        if (from >= to) return null;
        var bytes = new ByteBuilder([]);
        try
        {
            for (var i = from; i < to; i++)
            {
                var word = words[i];
                if (i > from && word.SpaceBefore) bytes.Append((byte)' ');
                AppendWord(text, word, ref bytes);
            }
            return HeaderText.ToText(bytes.Written);
        }
        finally
        {
            bytes.Dispose();
        }
    }

    /// <summary>A local part with quoting removed (RFC 9051: addr-mailbox).</summary>
    private static string Local(ReadOnlySpan<byte> text, List<Word> words, int from, int to) =>
        LocalWithSpaces(text, words, from, to, keepSpaces: false);

    private static string LocalWithSpaces(ReadOnlySpan<byte> text, List<Word> words, int from, int to, bool keepSpaces)
    {
        var bytes = new ByteBuilder([]);
        try
        {
            for (var i = from; i < to; i++)
            {
                if (keepSpaces && i > from && words[i].SpaceBefore) bytes.Append((byte)' ');
                AppendWord(text, words[i], ref bytes);
            }
            return HeaderText.ToText(bytes.Written);
        }
        finally
        {
            bytes.Dispose();
        }
    }

    private static void AppendWord(ReadOnlySpan<byte> text, Word word, ref ByteBuilder bytes)
    {
        var raw = text[word.Start..word.End];
        if (word.Kind != WordKind.Quoted)
        {
            bytes.Append(raw);
            return;
        }
        var end = raw.Length > 1 && raw[^1] == '"' ? raw.Length - 1 : raw.Length;
        for (var i = 1; i < end; i++)
        {
            var b = raw[i];
            if (b == '\\' && i + 1 < end) b = raw[++i];
            else if (b is (byte)'\r' or (byte)'\n') continue;
            bytes.Append(b);
        }
    }

    private static string? Comment(ReadOnlySpan<byte> text, int start, int end)
    {
        if (start < 0 || end <= start) return null;
        var raw = HeaderText.Trim(text[start..end]);
        if (raw.IsEmpty) return null;
        var bytes = new ByteBuilder([]);
        try
        {
            for (var i = 0; i < raw.Length; i++)
            {
                var b = raw[i];
                if (b == '\\' && i + 1 < raw.Length) b = raw[++i];
                else if (b is (byte)'\r' or (byte)'\n') continue;
                bytes.Append(b);
            }
            return HeaderText.ToText(bytes.Written);
        }
        finally
        {
            bytes.Dispose();
        }
    }
}
