using System.Globalization;
using AgentMail.Imap.Protocol;
using AgentMail.Imap.Session;

namespace AgentMail.Imap.Commands;

/// <summary>QRESYNC's select parameter (RFC 7162 §3.2.5): what the client has cached.</summary>
public sealed record QResyncParameters(uint UidValidity, ulong ModSeq, SequenceSet? KnownUids);

/// <summary>
/// SELECT and EXAMINE (RFC 9051 §6.3.2–3), with the CONDSTORE and QRESYNC parameters (RFC 7162
/// §3.1.8, §3.2.5). The mailbox's UIDs, counters and HIGHESTMODSEQ come from one snapshot.
/// </summary>
public sealed record SelectCommand(byte[] Mailbox, bool ReadOnly, bool CondStoreParameter, QResyncParameters? QResync) : ImapCommand
{
    public override string Name => ReadOnly ? "EXAMINE" : "SELECT";

    public static SelectCommand Parse(ref ImapReader reader, bool readOnly)
    {
        reader.Space();
        var mailbox = reader.AStringBytes();
        var condStore = false;
        QResyncParameters? qresync = null;
        if (reader.TryConsume((byte)' '))
        {
            reader.Expect((byte)'(');
            do
            {
                if (reader.TryKeyword("CONDSTORE"u8))
                {
                    condStore = true;
                }
                else if (reader.TryKeyword("QRESYNC"u8))
                {
                    reader.Space();
                    reader.Expect((byte)'(');
                    var uidValidity = reader.NzNumber();
                    reader.Space();
                    var modSeq = reader.Number64();
                    if (modSeq == 0) throw new ImapSyntaxException("QRESYNC mod-sequence must not be 0");
                    SequenceSet? known = null;
                    if (reader.TryConsume((byte)' '))
                    {
                        if (reader.Peek() != (byte)'(')
                        {
                            known = reader.SequenceSet(allowSaved: false);
                            reader.TryConsume((byte)' ');
                        }
                        if (reader.Peek() == (byte)'(')
                        {
                            // seq-match-data: an optimization for the server; validated, not needed.
                            reader.Expect((byte)'(');
                            reader.SequenceSet(allowSaved: false);
                            reader.Space();
                            reader.SequenceSet(allowSaved: false);
                            reader.Expect((byte)')');
                        }
                    }
                    reader.Expect((byte)')');
                    qresync = new QResyncParameters(uidValidity, modSeq, known);
                }
                else
                {
                    throw new ImapSyntaxException("Unknown SELECT parameter");
                }
            }
            while (reader.TryConsume((byte)' '));
            reader.Expect((byte)')');
        }
        return new SelectCommand(mailbox, readOnly, condStore, qresync);
    }

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (QResync is not null && !session.QResync)
            return CommandResult.Bad("The QRESYNC parameter needs ENABLE QRESYNC first (RFC 7162 section 3.2.5)");

        var writer = session.Writer;
        if (session.Selected is not null)
        {
            session.Deselect();
            // RFC 7162 §3.2.11 / RFC 9051 §6.3.2: the end of the previous mailbox is marked.
            if (session.QResync || session.Rev2) writer.UntaggedLine("OK [CLOSED] Previous mailbox is now closed");
        }
        if (CondStoreParameter) await session.EnableCondStoreAsync(cancellationToken).ConfigureAwait(false);

        var folder = await session.RequireMailboxAsync(Mailbox, tryCreate: false, cancellationToken).ConfigureAwait(false);
        var uidValidityMatches = QResync is not null && QResync.UidValidity == folder.UidValidity;
        // Selected before the snapshot is read: a change committed meanwhile marks it for the catch-up.
        var selected = new SelectedMailbox(folder, ReadOnly);
        session.Selected = selected;
        Storage.MailboxSnapshot? snapshot;
        try
        {
            snapshot = await session.Services.Store.LoadAsync(session.GrantId, folder.Id,
                uidValidityMatches ? (long)QResync!.ModSeq : null, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            session.Deselect();
            throw;
        }
        if (snapshot is null)
        {
            session.Deselect();
            throw new MailboxNotFoundException(tryCreate: false);
        }

        var view = new MessageView(snapshot.Uids);
        selected.Initialize(view, snapshot.HighestModSeq, snapshot.Keywords);
        session.State = SessionState.Selected;

        session.WriteFlagsResponse(selected);
        writer.UntaggedLine(ReadOnly ? "OK [PERMANENTFLAGS ()] Read-only mailbox" : $"OK [PERMANENTFLAGS {ImapFlags.PermanentFlags}] Flags permitted");
        writer.UntaggedLine(string.Create(CultureInfo.InvariantCulture, $"{view.Count} EXISTS"));
        if (!session.Rev2)
        {
            writer.UntaggedLine("0 RECENT");
            if (snapshot.FirstUnseenUid is { } unseen && view.MsnOf(unseen) is var msn and > 0)
                writer.UntaggedLine(string.Create(CultureInfo.InvariantCulture, $"OK [UNSEEN {msn}] First unseen"));
        }
        writer.UntaggedLine(string.Create(CultureInfo.InvariantCulture, $"OK [UIDVALIDITY {snapshot.UidValidity}] UIDs valid"));
        writer.UntaggedLine(string.Create(CultureInfo.InvariantCulture, $"OK [UIDNEXT {snapshot.UidNext}] Predicted next UID"));
        if (session.CondStore) writer.UntaggedLine(string.Create(CultureInfo.InvariantCulture, $"OK [HIGHESTMODSEQ {snapshot.HighestModSeq}] Highest"));
        writer.UntaggedLine($"OK [MAILBOXID ({folder.PublicId})] Ok");
        if (session.Rev2)
        {
            // RFC 9051 §6.3.2: SELECT returns the mailbox's LIST response.
            writer.Raw("* LIST () \"/\" "u8);
            writer.String(session.ClientName(folder.Name), session.Utf8Names);
            writer.Crlf();
        }

        if (uidValidityMatches)
        {
            var known = QResync!.KnownUids;
            var vanished = known is null ? snapshot.Expunged : snapshot.Expunged.Where(uid => Contains(known, uid)).ToList();
            if (vanished.Count > 0)
            {
                writer.Raw("* VANISHED (EARLIER) "u8);
                session.WriteSequence(vanished);
                writer.Crlf();
            }
            foreach (var changed in snapshot.Changed)
            {
                var position = view.MsnOf(changed.Uid);
                if (position > 0) session.WriteFlags(position, changed.Uid, changed.Flags, changed.Keywords, changed.ModSeq, includeUid: true);
            }
        }

        return CommandResult.Ok(ReadOnly ? "READ-ONLY" : "READ-WRITE", $"{Name} completed");
    }

    private static bool Contains(SequenceSet set, uint uid)
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

/// <summary>CLOSE (RFC 9051 §6.4.1): expunges \Deleted messages silently (read-write only) and deselects.</summary>
public sealed record CloseCommand : ImapCommand
{
    public override string Name => "CLOSE";
    public override CommandStates States => CommandStates.Selected;

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var selected = session.Selected!;
        if (!selected.ReadOnly)
            await session.Services.Messages.ExpungeAsync(session.GrantId, selected.FolderId, null, cancellationToken).ConfigureAwait(false);
        session.Deselect();
        return CommandResult.Ok("CLOSE completed");
    }
}

/// <summary>UNSELECT (RFC 3691, RFC 9051 §6.4.2): deselects without expunging.</summary>
public sealed record UnselectCommand : ImapCommand
{
    public override string Name => "UNSELECT";
    public override CommandStates States => CommandStates.Selected;

    public override Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        session.Deselect();
        return Task.FromResult(CommandResult.Ok("UNSELECT completed"));
    }
}
