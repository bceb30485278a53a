using AgentMail.Mailbox.Objects;

namespace AgentMail.Mailbox.Messages;

/// <summary>
/// A message's bytes and everything parsing them once produced: what the store persists so that
/// no surface parses the message again. Built by <see cref="MessageContentReader.Read"/>.
/// </summary>
public sealed record MessageContent
{
    public required ReadOnlyMemory<byte> Raw { get; init; }

    /// <summary>SHA-256 of <see cref="Raw"/>: the blob's content address.</summary>
    public required byte[] Sha256 { get; init; }
    public int Size => Raw.Length;

    /// <summary>Normalized Message-ID (without angle brackets), null when absent.</summary>
    public string? MessageId { get; init; }
    public string? InReplyTo { get; init; }
    public IReadOnlyList<string> References { get; init; } = [];
    public string Subject { get; init; } = "";

    /// <summary>RFC 5256 §2.1 base subject, the thread grouping fallback.</summary>
    public string BaseSubject { get; init; } = "";
    public DateTimeOffset? SentDate { get; init; }
    public IReadOnlyList<EmailParticipant> From { get; init; } = [];
    public IReadOnlyList<EmailParticipant> To { get; init; } = [];
    public IReadOnlyList<EmailParticipant> Cc { get; init; } = [];
    public IReadOnlyList<EmailParticipant> Bcc { get; init; } = [];
    public IReadOnlyList<EmailParticipant> ReplyTo { get; init; } = [];
    public string Snippet { get; init; } = "";

    /// <summary>Subject, addresses and body text for the full-text index (bounded).</summary>
    public string SearchText { get; init; } = "";

    /// <summary><see cref="SearchText"/> as the tsvector literal the index stores (<see cref="Search.SearchVector"/>).</summary>
    public string SearchVector { get; init; } = "";
    public IReadOnlyList<AttachmentObject> Attachments { get; init; } = [];

    /// <summary>True when a part is an attachment proper (not inline), as the API's has_attachment filter means it.</summary>
    public bool HasAttachments { get; init; }

    /// <summary>AgentMail.Mime's serialized structure (part offsets), for FETCH BODY[section].</summary>
    public required byte[] Structure { get; init; }

    /// <summary>IMAP ENVELOPE, BODYSTRUCTURE and BODY, rendered once at ingest.</summary>
    public required byte[] Envelope { get; init; }
    public required byte[] BodyStructure { get; init; }
    public required byte[] Body { get; init; }

    /// <summary>'from:a@b', 'to:c@d', ... lower-cased: what address filters match.</summary>
    public string[] AddressKeys()
    {
        var keys = new HashSet<string>(StringComparer.Ordinal);
        Add("from", From);
        Add("to", To);
        Add("cc", Cc);
        Add("bcc", Bcc);
        return [.. keys];

        void Add(string role, IReadOnlyList<EmailParticipant> participants)
        {
            foreach (var p in participants)
                keys.Add($"{role}:{p.Email.ToLowerInvariant()}");
        }
    }
}
