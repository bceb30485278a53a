using AgentMail.Imap.Protocol;
using AgentMail.Imap.Session;
using AgentMail.Mailbox.Messages;

namespace AgentMail.Imap.Commands;

/// <summary>
/// APPEND (RFC 9051 §6.3.12) through MessageService.AppendAsync: the literal ({n}, {n+}, ~{n}
/// literal8, or RFC 6855's UTF8 (~{n})) is parsed once by MessageContentReader. A message whose
/// Message-ID is already in the folder is not stored again, and the answer still carries
/// [APPENDUID uidvalidity uid] with the existing UID (CLIENTS.md 14). Over quota: NO [OVERQUOTA];
/// over the size limit: NO [TOOBIG], refused by the framer before the literal is read.
/// </summary>
public sealed record AppendCommand(byte[] Mailbox, IReadOnlyList<string> Flags, DateTimeOffset? InternalDate, ReadOnlyMemory<byte> Message) : ImapCommand
{
    public override string Name => "APPEND";

    public static AppendCommand Parse(ref ImapReader reader)
    {
        reader.Space();
        var mailbox = reader.AStringBytes();
        reader.Space();
        List<string> flags = [];
        DateTimeOffset? date = null;
        if (reader.Peek() == (byte)'(')
        {
            flags = reader.FlagList();
            reader.Space();
        }
        if (reader.Peek() == (byte)'"')
        {
            date = reader.DateTime();
            reader.Space();
        }
        ReadOnlyMemory<byte> message;
        if (reader.TryKeyword("UTF8"u8))
        {
            reader.Space();
            reader.Expect((byte)'(');
            message = reader.Literal(allowLiteral8: true, out var isLiteral8);
            if (!isLiteral8) throw new ImapSyntaxException("UTF8 APPEND data must be a literal8 (~{n})");
            reader.Expect((byte)')');
        }
        else
        {
            message = reader.Literal(allowLiteral8: true);
        }
        return new AppendCommand(mailbox, flags, date, message);
    }

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var folder = await session.RequireMailboxAsync(Mailbox, tryCreate: true, cancellationToken).ConfigureAwait(false);
        if (Message.IsEmpty) return CommandResult.No("CANNOT", "An empty message cannot be stored");
        var (flags, keywords) = ImapFlags.Parse(Flags);
        var content = MessageContentReader.Read(Message);
        var result = await session.Services.Messages.AppendAsync(session.GrantId, folder.Id, content, new AppendOptions
        {
            Flags = flags,
            Keywords = keywords,
            InternalDate = InternalDate,
        }, cancellationToken).ConfigureAwait(false);
        return CommandResult.Ok($"APPENDUID {result.UidValidity} {result.Message.Uid}",
            result.Deduplicated ? "APPEND completed (the message was already there)" : "APPEND completed");
    }

    public override string ToString() => $"APPEND ({Message.Length} bytes)";
}

/// <summary>
/// EXPUNGE and UID EXPUNGE (RFC 9051 §6.4.3, RFC 4315 §2.1) through MessageService.ExpungeAsync:
/// \Deleted messages go to Trash, or are deleted for good inside Trash (DESIGN.md). With
/// CONDSTORE the tagged OK carries the new HIGHESTMODSEQ (RFC 7162 §3.2.10, CLIENTS.md 11).
/// </summary>
public sealed record ExpungeCommand(SequenceSet? Uids) : ImapCommand
{
    public override string Name => Uids is null ? "EXPUNGE" : "UID EXPUNGE";
    public override CommandStates States => CommandStates.Selected;

    public static ExpungeCommand ParseUid(ref ImapReader reader)
    {
        reader.Space();
        return new ExpungeCommand(reader.SequenceSet());
    }

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var selected = session.Selected!;
        if (selected.ReadOnly) return CommandResult.No("READ-ONLY", "The mailbox is read-only (EXAMINE)");
        IReadOnlyList<UidRange>? ranges = null;
        if (Uids is not null)
        {
            var uids = selected.View.Resolve(Uids, byUid: true, session.SavedResult);
            if (uids.Count == 0) return CommandResult.Ok($"{Name} completed");
            ranges = selected.View.ToRanges(uids);
        }
        var result = await session.Services.Messages.ExpungeAsync(session.GrantId, selected.FolderId, ranges, cancellationToken).ConfigureAwait(false);
        var removed = result.RemovedUids(selected.FolderId).Where(uid => uid <= uint.MaxValue && selected.View.Contains((uint)uid)).Select(uid => (uint)uid).ToList();
        if (removed.Count > 0) session.WriteExpunged(selected, removed);
        await session.RefreshAsync(allowExpunge: true, cancellationToken).ConfigureAwait(false);
        return removed.Count > 0 && session.CondStore
            ? CommandResult.Ok($"HIGHESTMODSEQ {selected.KnownModSeq}", $"{Name} completed")
            : CommandResult.Ok($"{Name} completed");
    }
}
