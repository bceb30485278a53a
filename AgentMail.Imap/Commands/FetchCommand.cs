using AgentMail.Imap.Fetch;
using AgentMail.Imap.Protocol;
using AgentMail.Imap.Session;
using AgentMail.Imap.Storage;
using AgentMail.Mailbox.Messages;

namespace AgentMail.Imap.Commands;

/// <summary>
/// FETCH and UID FETCH (RFC 9051 §6.4.5), with CHANGEDSINCE and VANISHED (RFC 7162 §3.1.4,
/// §3.2.6). Messages are read from the store in batches (one query for the rows with the
/// ENVELOPE/BODYSTRUCTURE rendered at ingest, one for every small byte range the batch needs);
/// large bodies are streamed from the blob straight into the connection, never held whole.
/// Non-PEEK body sections set \Seen through MessageService first and report the new FLAGS.
/// </summary>
public sealed record FetchCommand(SequenceSet Set, bool ByUid, IReadOnlyList<FetchItem> Items, long? ChangedSince, bool Vanished) : ImapCommand
{
    public override string Name => ByUid ? "UID FETCH" : "FETCH";
    public override CommandStates States => CommandStates.Selected;
    public override bool AllowsExpungeResponses => ByUid;

    private static readonly FetchItem UidItem = FetchItem.Simple(FetchItemKind.Uid, "UID");
    private static readonly FetchItem FlagsItem = FetchItem.Simple(FetchItemKind.Flags, "FLAGS");
    private static readonly FetchItem ModSeqItem = FetchItem.Simple(FetchItemKind.ModSeq, "MODSEQ");

    public static FetchCommand Parse(ref ImapReader reader, bool byUid)
    {
        reader.Space();
        var set = reader.SequenceSet();
        reader.Space();
        var items = new List<FetchItem>();
        if (reader.TryKeyword("ALL"u8)) items.AddRange(Macro(all: true, full: false));
        else if (reader.TryKeyword("FAST"u8)) items.AddRange(Macro(all: false, full: false));
        else if (reader.TryKeyword("FULL"u8)) items.AddRange(Macro(all: true, full: true));
        else if (reader.TryConsume((byte)'('))
        {
            do
            {
                items.Add(FetchItem.Parse(ref reader));
                if (items.Count > 100) throw new ImapSyntaxException("Too many FETCH data items");
            }
            while (reader.TryConsume((byte)' '));
            reader.Expect((byte)')');
        }
        else items.Add(FetchItem.Parse(ref reader));

        long? changedSince = null;
        var vanished = false;
        if (reader.TryConsume((byte)' '))
        {
            reader.Expect((byte)'(');
            do
            {
                if (reader.TryKeyword("CHANGEDSINCE"u8))
                {
                    reader.Space();
                    changedSince = (long)reader.Number64();
                }
                else if (reader.TryKeyword("VANISHED"u8)) vanished = true;
                else throw new ImapSyntaxException("Unknown FETCH modifier");
            }
            while (reader.TryConsume((byte)' '));
            reader.Expect((byte)')');
        }
        return new FetchCommand(set, byUid, items, changedSince, vanished);
    }

    private static IEnumerable<FetchItem> Macro(bool all, bool full)
    {
        yield return FlagsItem;
        yield return FetchItem.Simple(FetchItemKind.InternalDate, "INTERNALDATE");
        yield return FetchItem.Simple(FetchItemKind.Rfc822Size, "RFC822.SIZE");
        if (all) yield return FetchItem.Simple(FetchItemKind.Envelope, "ENVELOPE");
        if (full) yield return FetchItem.Simple(FetchItemKind.Body, "BODY");
    }

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var selected = session.Selected!;
        var view = selected.View;
        if (Vanished && (!ByUid || ChangedSince is null)) return CommandResult.Bad("VANISHED needs UID FETCH with CHANGEDSINCE (RFC 7162 section 3.2.6)");
        if (Vanished && !session.QResync) return CommandResult.Bad("VANISHED needs ENABLE QRESYNC first");
        var targets = view.Resolve(Set, ByUid, session.SavedResult);
        if (ChangedSince is not null || Items.Any(i => i.Kind == FetchItemKind.ModSeq))
            await session.EnableCondStoreAsync(cancellationToken).ConfigureAwait(false);

        var services = session.Services;
        if (Vanished)
        {
            var gone = await services.Store.ReadExpungedAsync(session.GrantId, selected.FolderId, ChangedSince!.Value, cancellationToken).ConfigureAwait(false);
            var named = gone.Where(uid => InSet(Set, uid)).ToList();
            if (named.Count > 0)
            {
                session.Writer.Raw("* VANISHED (EARLIER) "u8);
                session.WriteSequence(named);
                session.Writer.Crlf();
            }
        }

        var items = Items.ToList();
        if (ByUid && !items.Any(i => i.Kind == FetchItemKind.Uid)) items.Insert(0, UidItem);
        if (ChangedSince is not null && !items.Any(i => i.Kind == FetchItemKind.ModSeq)) items.Add(ModSeqItem);
        var renderer = new FetchRenderer(session, items);
        var setsSeen = !selected.ReadOnly && items.Any(i => i.SetsSeen);
        var missing = false;
        var batchSize = Math.Max(1, services.Options.FetchBatchSize);

        for (var start = 0; start < targets.Count; start += batchSize)
        {
            var chunk = targets.GetRange(start, Math.Min(batchSize, targets.Count - start));
            var rows = await services.Store.ReadMessagesAsync(session.GrantId, selected.FolderId, chunk, renderer.Columns, ChangedSince, cancellationToken).ConfigureAwait(false);
            if (ChangedSince is null && rows.Count < chunk.Count) missing = true;

            HashSet<uint>? flagsChanged = null;
            if (setsSeen) flagsChanged = await SetSeenAsync(session, rows, cancellationToken).ConfigureAwait(false);

            await renderer.WriteAsync(rows, flagsChanged, cancellationToken).ConfigureAwait(false);
        }

        if (renderer.UnknownTransferEncoding)
            return CommandResult.No("UNKNOWN-CTE", "A requested part has a transfer encoding this server cannot decode");
        // RFC 5530 EXPUNGEISSUED: another session removed some of these messages; a NOOP reports it.
        if (missing && !ByUid)
            return CommandResult.No("EXPUNGEISSUED", "Some of the requested messages no longer exist");
        return CommandResult.Ok($"{Name} completed");
    }

    /// <summary>The implicit \Seen of BODY[...] (RFC 9051 §6.4.5), through the core: new FLAGS are reported.</summary>
    private static async Task<HashSet<uint>?> SetSeenAsync(ImapSession session, List<FetchRow> rows, CancellationToken cancellationToken)
    {
        var unseen = rows.Where(r => (r.Flags & MessageFlags.Seen) == 0).Select(r => r.Uid).ToList();
        if (unseen.Count == 0) return null;
        var selected = session.Selected!;
        var result = await session.Services.Messages.SetFlagsAsync(session.GrantId,
            MessageSelection.Uids(selected.FolderId, selected.View.ToRanges(unseen)), FlagChange.Add(MessageFlags.Seen), null, cancellationToken).ConfigureAwait(false);
        var changed = new HashSet<uint>();
        var byUid = rows.ToDictionary(r => r.Uid);
        foreach (var message in result.Changed)
        {
            if (message.Uid > uint.MaxValue || !byUid.TryGetValue((uint)message.Uid, out var row)) continue;
            row.Flags = message.Flags;
            row.Keywords = [.. message.Keywords];
            row.ModSeq = message.ModSeq;
            changed.Add(row.Uid);
            selected.Reported(row.Uid, message.ModSeq);
        }
        return changed;
    }

    /// <summary>Whether a UID is in a UID set, "*" counting as every UID (for VANISHED (EARLIER)).</summary>
    private static bool InSet(SequenceSet set, uint uid)
    {
        foreach (var range in set.Ranges)
        {
            var start = range.Start == SequenceSet.Star ? uint.MaxValue : range.Start;
            var end = range.End == SequenceSet.Star ? uint.MaxValue : range.End;
            if (uid >= Math.Min(start, end) && uid <= Math.Max(start, end)) return true;
        }
        return false;
    }
}
