using AgentMail.Mailbox.Objects;

namespace AgentMail.Api.Threads;

/// <summary>Nylas v3's thread object, computed from the thread's messages.</summary>
public sealed record ThreadObject
{
    public string Object { get; init; } = "thread";
    public required string Id { get; init; }
    public required string GrantId { get; init; }
    public bool HasAttachments { get; init; }
    public bool HasDrafts { get; init; }
    public long EarliestMessageDate { get; init; }

    /// <summary>Latest message that arrived (not in Sent or Drafts); null when the thread has none.</summary>
    public long? LatestMessageReceivedDate { get; init; }

    /// <summary>Latest message in Sent; null when the grant sent none in this thread.</summary>
    public long? LatestMessageSentDate { get; init; }
    public IReadOnlyList<EmailParticipant> Participants { get; init; } = [];
    public string Snippet { get; init; } = "";
    public bool Starred { get; init; }
    public string Subject { get; init; } = "";
    public bool Unread { get; init; }
    public IReadOnlyList<string> MessageIds { get; init; } = [];
    public IReadOnlyList<string> DraftIds { get; init; } = [];
    public IReadOnlyList<string> Folders { get; init; } = [];
    public MessageObject? LatestDraftOrMessage { get; init; }

    public static readonly IReadOnlyCollection<string> Fields =
    [
        "object", "id", "grant_id", "has_attachments", "has_drafts", "earliest_message_date", "latest_message_received_date",
        "latest_message_sent_date", "participants", "snippet", "starred", "subject", "unread", "message_ids", "draft_ids", "folders",
        "latest_draft_or_message",
    ];
}
