using AgentMail.Imap.Mailboxes;
using AgentMail.Imap.Protocol;
using AgentMail.Imap.Session;
using AgentMail.Mailbox;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;

namespace AgentMail.Imap.Commands;

/// <summary>
/// CREATE (RFC 9051 §6.3.4) through FolderService: missing ancestors are created too, each with
/// a folder.created event. An alias of a system folder (CLIENTS.md 2) is never created as a
/// second folder: the alias itself already exists; a name under it goes under the system folder.
/// </summary>
public sealed record CreateCommand(byte[] Mailbox) : ImapCommand
{
    public override string Name => "CREATE";

    public static CreateCommand Parse(ref ImapReader reader)
    {
        reader.Space();
        return new CreateCommand(reader.AStringBytes());
    }

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var name = session.MailboxName(Mailbox);
        if (name == SystemFolder.InboxName) return CommandResult.No("ALREADYEXISTS", "INBOX always exists");
        if (await session.AliasTargetAsync(name, cancellationToken).ConfigureAwait(false) is { } target)
        {
            if (MailboxNames.IsAlias(name))
                return CommandResult.No("ALREADYEXISTS", $"'{name}' is this account's {target} folder");
            name = target;
        }
        await session.Services.Folders.CreateAsync(session.GrantId, name, cancellationToken).ConfigureAwait(false);
        return CommandResult.Ok("CREATE completed");
    }
}

/// <summary>
/// DELETE (RFC 9051 §6.3.5) through FolderService: the folder's messages are deleted with it.
/// System folders and folders with subfolders are refused ([CANNOT], [HASCHILDREN]).
/// </summary>
public sealed record DeleteCommand(byte[] Mailbox) : ImapCommand
{
    public override string Name => "DELETE";

    public static DeleteCommand Parse(ref ImapReader reader)
    {
        reader.Space();
        return new DeleteCommand(reader.AStringBytes());
    }

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var folder = await session.RequireMailboxAsync(Mailbox, tryCreate: false, cancellationToken).ConfigureAwait(false);
        if (folder.IsSystem) return CommandResult.No("CANNOT", $"'{session.ClientName(folder.Name)}' is a system folder and cannot be deleted");
        await session.Services.Folders.DeleteAsync(session.GrantId, folder.Id, cancellationToken).ConfigureAwait(false);
        if (session.Selected?.FolderId == folder.Id) session.Deselect();
        return CommandResult.Ok("DELETE completed");
    }
}

/// <summary>
/// RENAME (RFC 9051 §6.3.6) through FolderService: the folder and its subfolders keep their
/// UIDVALIDITY. Renaming INBOX moves its messages into a new folder and leaves INBOX empty, as
/// the RFC specifies (two core operations: create, then move).
/// </summary>
public sealed record RenameCommand(byte[] From, byte[] To) : ImapCommand
{
    public override string Name => "RENAME";

    public static RenameCommand Parse(ref ImapReader reader)
    {
        reader.Space();
        var from = reader.AStringBytes();
        reader.Space();
        var to = reader.AStringBytes();
        return new RenameCommand(from, to);
    }

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var folder = await session.RequireMailboxAsync(From, tryCreate: false, cancellationToken).ConfigureAwait(false);
        var target = session.MailboxName(To);
        if (target == SystemFolder.InboxName) return CommandResult.No("ALREADYEXISTS", "INBOX always exists");
        if (await session.AliasTargetAsync(target, cancellationToken).ConfigureAwait(false) is { } aliased)
        {
            if (MailboxNames.IsAlias(target)) return CommandResult.No("ALREADYEXISTS", $"'{target}' is this account's {aliased} folder");
            target = aliased;
        }

        var services = session.Services;
        if (folder.IsInbox)
        {
            var created = await services.Folders.CreateAsync(session.GrantId, target, cancellationToken).ConfigureAwait(false);
            await services.Messages.MoveAsync(session.GrantId, MessageSelection.Uids(folder.Id, new UidRange(1, uint.MaxValue)), created.Id, cancellationToken).ConfigureAwait(false);
            return CommandResult.Ok("RENAME completed: INBOX's messages moved, INBOX is empty");
        }
        if (folder.IsSystem) return CommandResult.No("CANNOT", $"'{session.ClientName(folder.Name)}' is a system folder and cannot be renamed");
        var renamed = await services.Folders.RenameAsync(session.GrantId, folder.Id, target, cancellationToken).ConfigureAwait(false);
        if (session.Selected is { } selected && selected.FolderId == renamed.Id) selected.Name = renamed.Name;
        return CommandResult.Ok("RENAME completed");
    }
}

/// <summary>SUBSCRIBE and UNSUBSCRIBE (RFC 9051 §6.3.7–8): a folder's subscribed flag (LSUB, LIST (SUBSCRIBED)).</summary>
public sealed record SubscribeCommand(byte[] Mailbox, bool Subscribe) : ImapCommand
{
    public override string Name => Subscribe ? "SUBSCRIBE" : "UNSUBSCRIBE";

    public static SubscribeCommand Parse(ref ImapReader reader, bool subscribe)
    {
        reader.Space();
        return new SubscribeCommand(reader.AStringBytes(), subscribe);
    }

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        var folder = await session.RequireMailboxAsync(Mailbox, tryCreate: false, cancellationToken).ConfigureAwait(false);
        await session.Services.Folders.SetSubscribedAsync(session.GrantId, folder.Id, Subscribe, cancellationToken).ConfigureAwait(false);
        return CommandResult.Ok($"{Name} completed");
    }
}
