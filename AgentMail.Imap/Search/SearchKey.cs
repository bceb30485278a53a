using AgentMail.Imap.Protocol;
using AgentMail.Mailbox.Messages;

namespace AgentMail.Imap.Search;

/// <summary>A search-key (RFC 9051 §6.4.4, RFC 7162 MODSEQ, RFC 8474 EMAILID/THREADID), as a tree.</summary>
public abstract record SearchKey;

public sealed record AllKey : SearchKey;

/// <summary>Matches nothing: RECENT and NEW, since this server has no \Recent (removed in IMAP4rev2).</summary>
public sealed record NoneKey : SearchKey;

public sealed record AndKey(IReadOnlyList<SearchKey> Keys) : SearchKey;

public sealed record OrKey(SearchKey Left, SearchKey Right) : SearchKey;

public sealed record NotKey(SearchKey Key) : SearchKey;

public sealed record FlagKey(MessageFlags Flag, bool Set) : SearchKey;

public sealed record KeywordKey(string Keyword, bool Set) : SearchKey;

public enum DateField
{
    Internal,
    Sent,
}

public enum DateComparison
{
    Before,
    On,
    Since,
}

public sealed record DateKey(DateField Field, DateComparison Comparison, DateOnly Date) : SearchKey;

public sealed record SizeKey(bool Larger, long Size) : SearchKey;

public enum TextField
{
    Subject,
    From,
    To,
    Cc,
    Bcc,
    Body,
    Text,
}

public sealed record TextKey(TextField Field, string Value) : SearchKey;

public sealed record HeaderKey(string Field, string Value) : SearchKey;

public sealed record SequenceKey(SequenceSet Set, bool ByUid) : SearchKey;

public sealed record ModSeqKey(long ModSeq) : SearchKey;

public sealed record ObjectIdKey(bool Thread, string Id) : SearchKey;

/// <summary>Parses search-program (RFC 9051 §9): [CHARSET x] search-key *(SP search-key).</summary>
public static class SearchParser
{
    private const int MaxDepth = 64;
    private const int MaxKeys = 10_000;

    /// <summary>The keys (an implicit AND) and the CHARSET given, if any.</summary>
    public static (SearchKey Key, string? Charset) ParseProgram(ref ImapReader reader)
    {
        string? charset = null;
        if (reader.TryKeyword("CHARSET"u8))
        {
            reader.Space();
            charset = reader.AString();
            reader.Space();
        }
        var count = 0;
        var keys = new List<SearchKey> { Key(ref reader, 0, ref count) };
        while (reader.TryConsume((byte)' ')) keys.Add(Key(ref reader, 0, ref count));
        return (keys.Count == 1 ? keys[0] : new AndKey(keys), charset);
    }

    private static SearchKey Key(ref ImapReader reader, int depth, ref int count)
    {
        if (depth > MaxDepth) throw new ImapSyntaxException("Search keys nested too deeply");
        if (++count > MaxKeys) throw new ImapSyntaxException("Too many search keys");
        var next = reader.Peek();
        if (next == (byte)'(')
        {
            reader.Expect((byte)'(');
            var keys = new List<SearchKey> { Key(ref reader, depth + 1, ref count) };
            while (reader.TryConsume((byte)' ')) keys.Add(Key(ref reader, depth + 1, ref count));
            reader.Expect((byte)')');
            return keys.Count == 1 ? keys[0] : new AndKey(keys);
        }
        if (next is (byte)'*' or (byte)'$' || (next >= (byte)'0' && next <= (byte)'9'))
            return new SequenceKey(reader.SequenceSet(), ByUid: false);

        var atom = reader.Atom();
        if (atom.Length > 16) throw new ImapSyntaxException($"Unknown search key {Encoding.ASCII.GetString(atom)}");
        Span<char> upper = stackalloc char[atom.Length];
        Ascii.ToUpper(atom, upper, out _);
        switch (upper)
        {
            case "ALL": return new AllKey();
            case "ANSWERED": return new FlagKey(MessageFlags.Answered, true);
            case "UNANSWERED": return new FlagKey(MessageFlags.Answered, false);
            case "DELETED": return new FlagKey(MessageFlags.Deleted, true);
            case "UNDELETED": return new FlagKey(MessageFlags.Deleted, false);
            case "DRAFT": return new FlagKey(MessageFlags.Draft, true);
            case "UNDRAFT": return new FlagKey(MessageFlags.Draft, false);
            case "FLAGGED": return new FlagKey(MessageFlags.Flagged, true);
            case "UNFLAGGED": return new FlagKey(MessageFlags.Flagged, false);
            case "SEEN": return new FlagKey(MessageFlags.Seen, true);
            case "UNSEEN": return new FlagKey(MessageFlags.Seen, false);
            case "OLD": return new AllKey();
            case "NEW" or "RECENT": return new NoneKey();
            case "KEYWORD": return new KeywordKey(Keyword(ref reader), true);
            case "UNKEYWORD": return new KeywordKey(Keyword(ref reader), false);
            case "BEFORE": return Date(ref reader, DateField.Internal, DateComparison.Before);
            case "ON": return Date(ref reader, DateField.Internal, DateComparison.On);
            case "SINCE": return Date(ref reader, DateField.Internal, DateComparison.Since);
            case "SENTBEFORE": return Date(ref reader, DateField.Sent, DateComparison.Before);
            case "SENTON": return Date(ref reader, DateField.Sent, DateComparison.On);
            case "SENTSINCE": return Date(ref reader, DateField.Sent, DateComparison.Since);
            case "LARGER": reader.Space(); return new SizeKey(true, (long)reader.Number64());
            case "SMALLER": reader.Space(); return new SizeKey(false, (long)reader.Number64());
            case "SUBJECT": return Text(ref reader, TextField.Subject);
            case "FROM": return Text(ref reader, TextField.From);
            case "TO": return Text(ref reader, TextField.To);
            case "CC": return Text(ref reader, TextField.Cc);
            case "BCC": return Text(ref reader, TextField.Bcc);
            case "BODY": return Text(ref reader, TextField.Body);
            case "TEXT": return Text(ref reader, TextField.Text);
            case "HEADER":
            {
                reader.Space();
                var field = reader.AString();
                reader.Space();
                return new HeaderKey(field, reader.AString());
            }
            case "UID": reader.Space(); return new SequenceKey(reader.SequenceSet(), ByUid: true);
            case "NOT": reader.Space(); return new NotKey(Key(ref reader, depth + 1, ref count));
            case "OR":
            {
                reader.Space();
                var left = Key(ref reader, depth + 1, ref count);
                reader.Space();
                return new OrKey(left, Key(ref reader, depth + 1, ref count));
            }
            case "MODSEQ":
            {
                reader.Space();
                if (reader.Peek() == (byte)'"')
                {
                    // entry-name SP entry-type-req: per-flag mod-sequences are not kept; the message's applies.
                    reader.Quoted();
                    reader.Space();
                    var type = reader.Atom();
                    if (!Ascii.EqualsIgnoreCase(type, "priv"u8) && !Ascii.EqualsIgnoreCase(type, "shared"u8) && !Ascii.EqualsIgnoreCase(type, "all"u8))
                        throw new ImapSyntaxException("MODSEQ entry type must be priv, shared or all");
                    reader.Space();
                }
                return new ModSeqKey((long)reader.Number64());
            }
            case "EMAILID": reader.Space(); return new ObjectIdKey(false, ObjectId(ref reader));
            case "THREADID": reader.Space(); return new ObjectIdKey(true, ObjectId(ref reader));
            default: throw new ImapSyntaxException($"Unknown search key {Encoding.ASCII.GetString(atom)}");
        }
    }

    private static string Keyword(ref ImapReader reader)
    {
        reader.Space();
        var keyword = Encoding.ASCII.GetString(reader.Atom());
        if (!KeywordRules.IsValid(keyword)) throw new ImapSyntaxException($"Invalid keyword {keyword}");
        return keyword;
    }

    private static DateKey Date(ref ImapReader reader, DateField field, DateComparison comparison)
    {
        reader.Space();
        return new DateKey(field, comparison, reader.Date());
    }

    private static TextKey Text(ref ImapReader reader, TextField field)
    {
        reader.Space();
        return new TextKey(field, reader.AString());
    }

    /// <summary>objectid = 1*255(ALPHA / DIGIT / "_" / "-") (RFC 8474 §3).</summary>
    private static string ObjectId(ref ImapReader reader)
    {
        var id = reader.Take(IsObjectIdChar, "an object id");
        if (id.Length > 255) throw new ImapSyntaxException("Object ids are at most 255 characters");
        return Encoding.ASCII.GetString(id);
    }

    private static bool IsObjectIdChar(byte b) => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'_' or (byte)'-';

    /// <summary>True when the key (or a descendant) is a MODSEQ criterion: results then report MODSEQ (RFC 7162 §3.1.5).</summary>
    public static bool HasModSeq(SearchKey key) => key switch
    {
        ModSeqKey => true,
        AndKey and => and.Keys.Any(HasModSeq),
        OrKey or => HasModSeq(or.Left) || HasModSeq(or.Right),
        NotKey not => HasModSeq(not.Key),
        _ => false,
    };
}
