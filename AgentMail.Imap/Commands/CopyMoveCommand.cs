using AgentMail.Imap.Protocol;
using AgentMail.Imap.Session;
using AgentMail.Mailbox.Messages;

namespace AgentMail.Imap.Commands;

/// <summary>
/// COPY, MOVE and their UID forms (RFC 9051 §6.4.7–8, RFC 6851) through MessageService:
/// a copy is a new message sharing the blob; a move keeps the API id and takes a new UID.
/// Both answer [COPYUID uidvalidity source-uids target-uids] (RFC 4315); MOVE sends it untagged
/// before the EXPUNGE/VANISHED of the moved messages. Messages that no longer exist are skipped
/// and the command still succeeds (CLIENTS.md 14). A missing target is NO [TRYCREATE].
/// </summary>
public sealed record CopyMoveCommand(SequenceSet Set, bool ByUid, bool Move, byte[] Mailbox) : ImapCommand
{
    public override string Name => (ByUid ? "UID " : "") + (Move ? "MOVE" : "COPY");
    public override CommandStates States => CommandStates.Selected;

    public static CopyMoveCommand Parse(ref ImapReader reader, bool byUid, bool move)
    {
        reader.Space();
        var set = reader.SequenceSet();
        reader.Space();
        return new CopyMoveCommand(set, byUid, move, reader.AStringBytes());
    }

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var selected = session.Selected!;
        var view = selected.View;
        var uids = view.Resolve(Set, ByUid, session.SavedResult);
        var target = await session.RequireMailboxAsync(Mailbox, tryCreate: true, cancellationToken).ConfigureAwait(false);
        if (Move && selected.ReadOnly) return CommandResult.No("READ-ONLY", "The mailbox is read-only (EXAMINE); MOVE would remove messages from it");
        if (Move && target.Id == selected.FolderId) return CommandResult.No("CANNOT", "The messages are already in this mailbox");
        if (uids.Count == 0) return CommandResult.Ok($"{Name} completed");

        var selection = MessageSelection.Uids(selected.FolderId, view.ToRanges(uids));
        var messages = session.Services.Messages;
        if (!Move)
        {
            var copy = await messages.CopyAsync(session.GrantId, selection, target.Id, cancellationToken).ConfigureAwait(false);
            if (copy.Copied.Count == 0) return CommandResult.Ok($"{Name} completed");
            var pairs = copy.Copied.Select(c => ((uint)c.Source.Uid, (uint)c.Copy.Uid)).OrderBy(p => p.Item1).ToList();
            return CommandResult.Ok(CopyUid(copy.TargetUidValidity, pairs), $"{Name} completed");
        }

        var moved = await messages.MoveAsync(session.GrantId, selection, target.Id, cancellationToken).ConfigureAwait(false);
        if (moved.Moved.Count == 0) return CommandResult.Ok($"{Name} completed");
        var movedPairs = moved.Moved.Select(m => ((uint)m.Before.Uid, (uint)m.After.Uid)).OrderBy(p => p.Item1).ToList();
        // RFC 6851 §4.3: COPYUID in an untagged OK, then the expunges, then the tagged OK.
        session.Writer.UntaggedLine($"OK [{CopyUid(moved.TargetUidValidity, movedPairs)}] Moved");
        var gone = movedPairs.Select(p => p.Item1).Where(view.Contains).ToList();
        if (gone.Count > 0) session.WriteExpunged(selected, gone);
        return CommandResult.Ok($"{Name} completed");
    }

    /// <summary>Both sets ascending, so their expansions pair up in order (RFC 4315 §3).</summary>
    private static string CopyUid(long uidValidity, List<(uint Source, uint Target)> pairs) =>
        $"COPYUID {uidValidity} {ImapSession.SequenceText(pairs.Select(p => p.Source).ToList())} {ImapSession.SequenceText(pairs.Select(p => p.Target).ToList())}";
}
