using AgentMail.Imap.Protocol;
using AgentMail.Imap.Session;
using AgentMail.Mailbox.Messages;

namespace AgentMail.Imap.Commands;

/// <summary>
/// STORE and UID STORE (RFC 9051 §6.4.6) through MessageService.SetFlagsAsync: FLAGS, +FLAGS,
/// -FLAGS (.SILENT), keywords persisted, UNCHANGEDSINCE (RFC 7162 §3.1.3) answered with
/// [MODIFIED set]. With CONDSTORE each changed message's FETCH carries its new MODSEQ, even
/// with .SILENT. Every change writes message.updated through the core.
/// </summary>
public sealed record StoreCommand(SequenceSet Set, bool ByUid, long? UnchangedSince, FlagChangeMode Mode, bool Silent, IReadOnlyList<string> Flags) : ImapCommand
{
    public override string Name => ByUid ? "UID STORE" : "STORE";
    public override CommandStates States => CommandStates.Selected;
    public override bool AllowsExpungeResponses => ByUid;

    public static StoreCommand Parse(ref ImapReader reader, bool byUid)
    {
        reader.Space();
        var set = reader.SequenceSet();
        reader.Space();
        long? unchangedSince = null;
        if (reader.TryConsume((byte)'('))
        {
            if (!reader.TryKeyword("UNCHANGEDSINCE"u8)) throw new ImapSyntaxException("Unknown STORE modifier");
            reader.Space();
            unchangedSince = (long)reader.Number64();
            reader.Expect((byte)')');
            reader.Space();
        }
        var mode = reader.TryConsume((byte)'+') ? FlagChangeMode.Add : reader.TryConsume((byte)'-') ? FlagChangeMode.Remove : FlagChangeMode.Replace;
        var silent = reader.TryKeyword("FLAGS.SILENT"u8);
        if (!silent && !reader.TryKeyword("FLAGS"u8)) throw new ImapSyntaxException("Expected FLAGS, +FLAGS or -FLAGS (optionally .SILENT)");
        reader.Space();
        List<string> flags;
        if (reader.Peek() == (byte)'(')
        {
            flags = reader.FlagList();
        }
        else
        {
            flags = [];
            do flags.Add(reader.Flag());
            while (reader.TryConsume((byte)' '));
        }
        if (flags.Contains("\\*")) throw new ImapSyntaxException("\\* is not a flag that can be stored");
        return new StoreCommand(set, byUid, unchangedSince, mode, silent, flags);
    }

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var selected = session.Selected!;
        var (flags, keywords) = ImapFlags.Parse(Flags);
        if (selected.ReadOnly) return CommandResult.No("READ-ONLY", "The mailbox is read-only (EXAMINE)");
        var view = selected.View;
        var uids = view.Resolve(Set, ByUid, session.SavedResult);
        if (UnchangedSince is not null) await session.EnableCondStoreAsync(cancellationToken).ConfigureAwait(false);
        if (uids.Count == 0) return CommandResult.Ok($"{Name} completed");

        var result = await session.Services.Messages.SetFlagsAsync(session.GrantId, MessageSelection.Uids(selected.FolderId, view.ToRanges(uids)),
            new FlagChange(Mode, flags, keywords), UnchangedSince, cancellationToken).ConfigureAwait(false);

        var modified = new HashSet<Guid>(result.Modified.Select(m => m.Id));
        var changed = new HashSet<Guid>(result.Changed.Select(m => m.Id));
        var writer = session.Writer;
        foreach (var message in result.Matched)
        {
            if (message.Uid > uint.MaxValue || modified.Contains(message.Id)) continue;
            var uid = (uint)message.Uid;
            var msn = view.MsnOf(uid);
            if (msn == 0) continue;
            if (changed.Contains(message.Id)) selected.Reported(uid, message.ModSeq);
            if (!Silent)
            {
                session.WriteFlags(msn, uid, message.Flags, message.Keywords, message.ModSeq, includeUid: ByUid);
            }
            else if (session.CondStore)
            {
                writer.Untagged();
                writer.Number(msn);
                writer.Raw(" FETCH ("u8);
                if (ByUid)
                {
                    writer.Raw("UID "u8);
                    writer.Number(uid);
                    writer.Space();
                }
                writer.Raw("MODSEQ ("u8);
                writer.Number(message.ModSeq);
                writer.Raw("))\r\n"u8);
            }
        }

        if (result.Modified.Count > 0)
        {
            var failed = result.Modified.Where(m => m.Uid <= uint.MaxValue)
                .Select(m => ByUid ? (uint)m.Uid : (uint)view.MsnOf((uint)m.Uid)).Where(n => n > 0).Order().ToList();
            return CommandResult.Ok($"MODIFIED {ImapSession.SequenceText(failed)}", "Conditional STORE failed");
        }
        return CommandResult.Ok($"{Name} completed");
    }
}
