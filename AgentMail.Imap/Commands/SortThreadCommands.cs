using AgentMail.Imap.Protocol;
using AgentMail.Imap.Search;
using AgentMail.Imap.Session;
using AgentMail.Mime.Summary;

namespace AgentMail.Imap.Commands;

public enum SortKey
{
    Arrival,
    Cc,
    Date,
    From,
    Size,
    Subject,
    To,
}

public readonly record struct SortCriterion(SortKey Key, bool Reverse);

/// <summary>
/// SORT and UID SORT (RFC 5256 §3): the search runs as SEARCH does, then the matches are ordered
/// in memory by the criteria, ties by sequence number.
/// </summary>
public sealed record SortCommand(bool ByUid, IReadOnlyList<SortCriterion> Criteria, string Charset, SearchKey Key) : ImapCommand
{
    public override string Name => ByUid ? "UID SORT" : "SORT";
    public override CommandStates States => CommandStates.Selected;
    public override bool AllowsExpungeResponses => ByUid;

    public static SortCommand Parse(ref ImapReader reader, bool byUid)
    {
        reader.Space();
        reader.Expect((byte)'(');
        var criteria = new List<SortCriterion>();
        do
        {
            var reverse = reader.TryKeyword("REVERSE"u8);
            if (reverse) reader.Space();
            SortKey key;
            if (reader.TryKeyword("ARRIVAL"u8)) key = SortKey.Arrival;
            else if (reader.TryKeyword("CC"u8)) key = SortKey.Cc;
            else if (reader.TryKeyword("DATE"u8)) key = SortKey.Date;
            else if (reader.TryKeyword("FROM"u8)) key = SortKey.From;
            else if (reader.TryKeyword("SIZE"u8)) key = SortKey.Size;
            else if (reader.TryKeyword("SUBJECT"u8)) key = SortKey.Subject;
            else if (reader.TryKeyword("TO"u8)) key = SortKey.To;
            else throw new ImapSyntaxException("Unknown sort criterion");
            criteria.Add(new SortCriterion(key, reverse));
            if (criteria.Count > 20) throw new ImapSyntaxException("Too many sort criteria");
        }
        while (reader.TryConsume((byte)' '));
        reader.Expect((byte)')');
        reader.Space();
        var charset = reader.AString();
        reader.Space();
        var (key2, _) = SearchParser.ParseProgram(ref reader);
        return new SortCommand(byUid, criteria, charset, key2);
    }

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (SearchCommand.CheckCharset(Charset) is { } refused) return refused;
        var rows = await new SearchEngine(session).RunAsync(Key, metadata: true, cancellationToken).ConfigureAwait(false);
        var view = session.Selected!.View;
        var keys = rows.ToDictionary(r => r.Uid, r => Criteria.Select(c => Value(c.Key, r)).ToArray());
        rows.Sort((a, b) =>
        {
            var ka = keys[a.Uid];
            var kb = keys[b.Uid];
            for (var i = 0; i < Criteria.Count; i++)
            {
                var order = Compare(ka[i], kb[i]);
                if (order != 0) return Criteria[i].Reverse ? -order : order;
            }
            return a.Uid.CompareTo(b.Uid); // sequence order
        });
        var writer = session.Writer;
        writer.Raw("* SORT"u8);
        foreach (var row in rows)
        {
            writer.Space();
            writer.Number(ByUid ? row.Uid : (uint)view.MsnOf(row.Uid));
        }
        writer.Crlf();
        return CommandResult.Ok($"{Name} completed");
    }

    private static object Value(SortKey key, SearchRow row) => key switch
    {
        SortKey.Arrival => row.InternalDate,
        SortKey.Date => row.SentDate ?? row.InternalDate,
        SortKey.Size => (long)row.Size,
        SortKey.Subject => BaseSubject.Compute(row.Subject),
        SortKey.From => Mailbox(row.FromJson),
        SortKey.To => Mailbox(row.ToJson),
        _ => Mailbox(row.CcJson),
    };

    /// <summary>The addr-mailbox (local part) of the first address, RFC 5256 §3.</summary>
    private static string Mailbox(string json)
    {
        var first = SearchRow.Participants(json).FirstOrDefault();
        if (first.Email is null) return "";
        var at = first.Email.LastIndexOf('@');
        return at < 0 ? first.Email : first.Email[..at];
    }

    /// <summary>i;ascii-casemap for strings (RFC 5256 §3, RFC 4790).</summary>
    private static int Compare(object a, object b) => a switch
    {
        string sa => string.Compare(sa.ToUpperInvariant(), ((string)b).ToUpperInvariant(), StringComparison.Ordinal),
        DateTimeOffset da => da.CompareTo((DateTimeOffset)b),
        long la => la.CompareTo((long)b),
        _ => 0,
    };
}

/// <summary>THREAD and UID THREAD with ORDEREDSUBJECT and REFERENCES (RFC 5256 §4).</summary>
public sealed record ThreadCommand(bool ByUid, bool References, string Charset, SearchKey Key) : ImapCommand
{
    public override string Name => ByUid ? "UID THREAD" : "THREAD";
    public override CommandStates States => CommandStates.Selected;
    public override bool AllowsExpungeResponses => ByUid;

    public static ThreadCommand Parse(ref ImapReader reader, bool byUid)
    {
        reader.Space();
        bool references;
        if (reader.TryKeyword("REFERENCES"u8)) references = true;
        else if (reader.TryKeyword("ORDEREDSUBJECT"u8)) references = false;
        else throw new ImapSyntaxException("Unknown threading algorithm (REFERENCES or ORDEREDSUBJECT)");
        reader.Space();
        var charset = reader.AString();
        reader.Space();
        var (key, _) = SearchParser.ParseProgram(ref reader);
        return new ThreadCommand(byUid, references, charset, key);
    }

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (SearchCommand.CheckCharset(Charset) is { } refused) return refused;
        var rows = await new SearchEngine(session).RunAsync(Key, metadata: true, cancellationToken).ConfigureAwait(false);
        var view = session.Selected!.View;
        var threads = References ? Threading.References(rows) : Threading.OrderedSubject(rows);
        var writer = session.Writer;
        writer.Raw("* THREAD"u8);
        if (threads.Count > 0) writer.Space();
        Threading.Write(writer, threads, row => ByUid ? row.Uid : (uint)view.MsnOf(row.Uid));
        writer.Crlf();
        return CommandResult.Ok($"{Name} completed");
    }
}
