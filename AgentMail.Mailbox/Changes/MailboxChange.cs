namespace AgentMail.Mailbox.Changes;

public enum ChangeKind
{
    /// <summary>Messages of a folder changed (new, flags, expunged) up to <see cref="MailboxChange.ModSeq"/>.</summary>
    Messages,

    /// <summary>The grant's folder list changed (created, renamed, deleted, subscription).</summary>
    Folders,

    /// <summary>The app password was set, rotated or removed: sessions of older versions must end.</summary>
    Credentials,

    /// <summary>The grant no longer exists.</summary>
    GrantDeleted,
}

/// <summary>
/// The small notification published after a commit. It says what changed, not how: a listener
/// reads the details from Postgres (<see cref="ChangeFeed.ReadFolderChangesAsync"/>), so a lost or
/// duplicated notification costs nothing but a poll.
/// </summary>
public sealed record MailboxChange(Guid GrantId, ChangeKind Kind, long FolderId = 0, long ModSeq = 0, int CredentialVersion = 0);
