using AgentMail.Imap.Mailboxes;
using AgentMail.Mailbox;
using AgentMail.Mailbox.Folders;

namespace AgentMail.Imap.Session;

public sealed partial class ImapSession
{
    /// <summary>The store's name for a mailbox name as the client sent it; invalid names are NO [CANNOT].</summary>
    internal string MailboxName(byte[] raw) =>
        MailboxNames.TryDecode(raw, Utf8Names, out var name, out var error)
            ? name
            : throw new MailboxException(MailboxError.InvalidFolderName, error);

    /// <summary>The name as this client must see it (modified UTF-7 or UTF-8).</summary>
    internal string ClientName(string storeName) => MailboxNames.Encode(storeName, Utf8Names);

    /// <summary>The folder a name designates, aliases included (CLIENTS.md 2); null when none.</summary>
    internal async Task<Folder?> FindMailboxAsync(string name, CancellationToken cancellationToken)
    {
        var folders = _services.Folders;
        var folder = await folders.FindByNameAsync(GrantId, name, cancellationToken).ConfigureAwait(false);
        if (folder is not null) return folder;
        var rewritten = await AliasTargetAsync(name, cancellationToken).ConfigureAwait(false);
        return rewritten is null ? null : await folders.FindByNameAsync(GrantId, rewritten, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The name an alias stands for, when <paramref name="name"/> (or its first level) is an alias
    /// and no folder of that first-level name exists; else null.
    /// </summary>
    internal async Task<string?> AliasTargetAsync(string name, CancellationToken cancellationToken)
    {
        if (!MailboxNames.TryResolveAlias(name, out _, out var rewritten)) return null;
        var first = MailboxNames.FirstLevel(name);
        var real = first == name ? null : await _services.Folders.FindByNameAsync(GrantId, first, cancellationToken).ConfigureAwait(false);
        return real is null ? rewritten : null;
    }

    /// <summary>Leaves the selected state; the saved search result goes with the mailbox (RFC 5182 §2.1).</summary>
    internal void Deselect()
    {
        Selected = null;
        SavedResult = null;
        if (State == SessionState.Selected) State = SessionState.Authenticated;
    }

    /// <summary>The folder, or a NO [NONEXISTENT] (with [TRYCREATE] where RFC 9051 asks for it).</summary>
    internal async Task<Folder> RequireMailboxAsync(byte[] raw, bool tryCreate, CancellationToken cancellationToken)
    {
        var name = MailboxName(raw);
        return await FindMailboxAsync(name, cancellationToken).ConfigureAwait(false)
            ?? throw new MailboxNotFoundException(tryCreate);
    }
}

/// <summary>The named mailbox does not exist: NO [NONEXISTENT], or NO [TRYCREATE] for APPEND/COPY/MOVE targets (RFC 9051 §6.3.12, §6.4.7).</summary>
public sealed class MailboxNotFoundException(bool tryCreate) : Exception(tryCreate ? "Mailbox does not exist; create it first" : "Mailbox does not exist")
{
    public bool TryCreate { get; } = tryCreate;
}
