using System.Text.Json;

namespace AgentMail.Api.Sending;

/// <summary>
/// The body of <c>POST /messages/send</c> and of draft create/update (Nylas's send and draft
/// schemas share these fields). In multipart requests it is the <c>message</c> field.
/// </summary>
public sealed record OutgoingRequest
{
    public List<Participant>? To { get; init; }
    public List<Participant>? Cc { get; init; }
    public List<Participant>? Bcc { get; init; }
    public List<Participant>? From { get; init; }
    public List<Participant>? ReplyTo { get; init; }
    public string? Subject { get; init; }

    /// <summary>HTML unless <see cref="IsPlaintext"/>.</summary>
    public string? Body { get; init; }
    public bool? IsPlaintext { get; init; }
    public List<AttachmentRequest>? Attachments { get; init; }

    /// <summary>The API id of the message replied to, or its Message-ID header.</summary>
    public string? ReplyToMessageId { get; init; }
    public List<CustomHeader>? CustomHeaders { get; init; }
    public Dictionary<string, string>? Metadata { get; init; }

    /// <summary>Drafts only.</summary>
    public bool? Starred { get; init; }

    // Nylas features we do not offer: present means a clear 400, never a silent difference.
    public long? SendAt { get; init; }
    public bool? UseDraft { get; init; }
    public JsonElement? TrackingOptions { get; init; }
    public JsonElement? Template { get; init; }
    public string? SignatureId { get; init; }
}

public sealed record Participant
{
    public string? Name { get; init; }
    public string? Email { get; init; }
}

/// <summary>A file in a JSON request: its bytes Base64-encoded in <see cref="Content"/>.</summary>
public sealed record AttachmentRequest
{
    public string? Filename { get; init; }
    public string? ContentType { get; init; }
    public string? Content { get; init; }
    public string? ContentId { get; init; }
    public string? ContentDisposition { get; init; }
    public bool? IsInline { get; init; }
}

public sealed record CustomHeader
{
    public string? Name { get; init; }
    public string? Value { get; init; }
}

/// <summary>A file to attach, decoded, whichever way it came (Base64 in JSON, a multipart part).</summary>
public sealed record OutgoingFile(string? Filename, string ContentType, byte[] Content, string? ContentId, bool Inline);

/// <summary>A parsed send or draft request: the fields, the files, and a digest for Idempotency-Key checks.</summary>
public sealed record OutgoingInput(OutgoingRequest Request, IReadOnlyList<OutgoingFile> Files, byte[] Digest);
