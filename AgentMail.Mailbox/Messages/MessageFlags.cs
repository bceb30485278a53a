namespace AgentMail.Mailbox.Messages;

/// <summary>The IMAP system flags a message can carry (RFC 9051 §2.3.2), as stored.</summary>
[Flags]
public enum MessageFlags : short
{
    None = 0,
    Seen = 1,
    Answered = 2,
    Flagged = 4,
    Deleted = 8,
    Draft = 16,
}
