namespace AgentMail.Mailbox.Objects;

/// <summary>
/// Nylas v3's message object: what the API returns and what webhooks carry as <c>data.object</c>.
/// One shape for both, so a webhook's object is the JSON the API returns.
/// </summary>
public sealed record MessageObject
{
    /// <summary>"message", or "draft" where the API shows a message of the Drafts folder as a draft.</summary>
    public string Object { get; init; } = "message";
    public required string Id { get; init; }
    public required string GrantId { get; init; }
    public required string ThreadId { get; init; }
    public string Subject { get; init; } = "";
    public IReadOnlyList<EmailParticipant> From { get; init; } = [];
    public IReadOnlyList<EmailParticipant> To { get; init; } = [];
    public IReadOnlyList<EmailParticipant> Cc { get; init; } = [];
    public IReadOnlyList<EmailParticipant> Bcc { get; init; } = [];
    public IReadOnlyList<EmailParticipant> ReplyTo { get; init; } = [];

    /// <summary>Unix seconds when our server received the message (Nylas's definition of <c>date</c>).</summary>
    public long Date { get; init; }
    public bool Unread { get; init; }
    public bool Starred { get; init; }
    public string Snippet { get; init; } = "";
    public IReadOnlyList<string> Folders { get; init; } = [];
    public IReadOnlyList<AttachmentObject> Attachments { get; init; } = [];
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public long CreatedAt { get; init; }
    public string? InReplyTo { get; init; }

    /// <summary>HTML preferred, else text made HTML-safe; filled by readers that have the raw bytes.</summary>
    public string? Body { get; init; }
    public IReadOnlyList<HeaderObject>? Headers { get; init; }
}
