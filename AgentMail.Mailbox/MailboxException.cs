namespace AgentMail.Mailbox;

/// <summary>Why a domain operation refused; each surface maps it to its own reply (HTTP, IMAP, SMTP).</summary>
public enum MailboxError
{
    InvalidEmail,
    GrantAlreadyExists,
    GrantNotFound,
    InvalidAppPassword,
    FolderNotFound,
    FolderAlreadyExists,
    InvalidFolderName,
    SystemFolderImmutable,
    FolderHasChildren,
    MessageNotFound,
    QuotaExceeded,
    MessageTooLarge,
    InvalidArgument,
}

/// <summary>A domain operation's refusal, with a message fit to show the caller. Nothing was changed.</summary>
public sealed class MailboxException(MailboxError error, string message) : Exception(message)
{
    public MailboxError Error { get; } = error;
}
