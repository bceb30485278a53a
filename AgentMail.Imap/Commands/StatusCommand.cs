using AgentMail.Imap.Protocol;
using AgentMail.Imap.Session;
using AgentMail.Mailbox.Folders;

namespace AgentMail.Imap.Commands;

/// <summary>STATUS data items (RFC 9051 §6.3.11, RFC 8438 SIZE, RFC 7162 HIGHESTMODSEQ, RFC 8474 MAILBOXID, RFC 7889 APPENDLIMIT).</summary>
[Flags]
public enum StatusItems
{
    None = 0,
    Messages = 1,
    Recent = 2,
    UidNext = 4,
    UidValidity = 8,
    Unseen = 16,
    Deleted = 32,
    Size = 64,
    HighestModSeq = 128,
    MailboxId = 256,
    AppendLimit = 512,
}

/// <summary>STATUS (RFC 9051 §6.3.11): answered from the folder's counters, no message scan (except DELETED).</summary>
public sealed record StatusCommand(byte[] Mailbox, IReadOnlyList<StatusItems> Items) : ImapCommand
{
    public override string Name => "STATUS";

    public static StatusCommand Parse(ref ImapReader reader)
    {
        reader.Space();
        var mailbox = reader.AStringBytes();
        reader.Space();
        return new StatusCommand(mailbox, ParseItems(ref reader));
    }

    /// <summary>"(" status-att *(SP status-att) ")"; also LIST's RETURN (STATUS (...)).</summary>
    public static List<StatusItems> ParseItems(ref ImapReader reader)
    {
        reader.Expect((byte)'(');
        var items = new List<StatusItems>();
        Span<char> buffer = stackalloc char[32];
        do
        {
            var atom = reader.Atom();
            var upper = buffer[..Math.Min(atom.Length, 32)];
            Ascii.ToUpper(atom[..upper.Length], upper, out _);
            items.Add(upper switch
            {
                "MESSAGES" => StatusItems.Messages,
                "RECENT" => StatusItems.Recent,
                "UIDNEXT" => StatusItems.UidNext,
                "UIDVALIDITY" => StatusItems.UidValidity,
                "UNSEEN" => StatusItems.Unseen,
                "DELETED" => StatusItems.Deleted,
                "SIZE" => StatusItems.Size,
                "HIGHESTMODSEQ" => StatusItems.HighestModSeq,
                "MAILBOXID" => StatusItems.MailboxId,
                "APPENDLIMIT" => StatusItems.AppendLimit,
                _ => throw new ImapSyntaxException($"Unknown STATUS item {Encoding.ASCII.GetString(atom)}"),
            });
            if (items.Count > 20) throw new ImapSyntaxException("Too many STATUS items");
        }
        while (reader.TryConsume((byte)' '));
        reader.Expect((byte)')');
        return items;
    }

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var folder = await session.RequireMailboxAsync(Mailbox, tryCreate: false, cancellationToken).ConfigureAwait(false);
        if (Items.Contains(StatusItems.HighestModSeq)) await session.EnableCondStoreAsync(cancellationToken).ConfigureAwait(false);
        await WriteAsync(session, folder, Items, cancellationToken).ConfigureAwait(false);
        return CommandResult.Ok("STATUS completed");
    }

    /// <summary>"* STATUS name (item value ...)".</summary>
    public static async Task WriteAsync(ImapSession session, Folder folder, IReadOnlyList<StatusItems> items, CancellationToken cancellationToken)
    {
        long deleted = 0;
        if (items.Contains(StatusItems.Deleted))
            deleted = await session.Services.Store.CountDeletedAsync(session.GrantId, folder.Id, cancellationToken).ConfigureAwait(false);
        var writer = session.Writer;
        writer.Raw("* STATUS "u8);
        writer.String(session.ClientName(folder.Name), session.Utf8Names);
        writer.Raw(" ("u8);
        for (var i = 0; i < items.Count; i++)
        {
            if (i > 0) writer.Space();
            switch (items[i])
            {
                case StatusItems.Messages: writer.Raw("MESSAGES "u8); writer.Number(folder.MessageCount); break;
                case StatusItems.Recent: writer.Raw("RECENT 0"u8); break;
                case StatusItems.UidNext: writer.Raw("UIDNEXT "u8); writer.Number(folder.UidNext); break;
                case StatusItems.UidValidity: writer.Raw("UIDVALIDITY "u8); writer.Number(folder.UidValidity); break;
                case StatusItems.Unseen: writer.Raw("UNSEEN "u8); writer.Number(folder.UnseenCount); break;
                case StatusItems.Deleted: writer.Raw("DELETED "u8); writer.Number(deleted); break;
                case StatusItems.Size: writer.Raw("SIZE "u8); writer.Number(folder.SizeBytes); break;
                case StatusItems.HighestModSeq: writer.Raw("HIGHESTMODSEQ "u8); writer.Number(folder.HighestModSeq); break;
                case StatusItems.MailboxId: writer.Raw("MAILBOXID ("u8); writer.Ascii(folder.PublicId); writer.Byte((byte)')'); break;
                case StatusItems.AppendLimit: writer.Raw("APPENDLIMIT "u8); writer.Number(session.Services.Mailbox.MaxMessageBytes); break;
            }
        }
        writer.Raw(")\r\n"u8);
    }
}
