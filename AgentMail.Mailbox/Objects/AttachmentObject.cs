namespace AgentMail.Mailbox.Objects;

/// <summary>Nylas's attachment object. <see cref="Id"/> is the MIME part path (e.g. "2", "1.2").</summary>
public sealed record AttachmentObject
{
    public required string Id { get; init; }
    public string? GrantId { get; init; }
    public string? Filename { get; init; }
    public required string ContentType { get; init; }
    public long Size { get; init; }
    public string? ContentId { get; init; }
    public string? ContentDisposition { get; init; }
    public bool IsInline { get; init; }
}
