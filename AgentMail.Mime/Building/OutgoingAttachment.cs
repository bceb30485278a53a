namespace AgentMail.Mime.Building;

/// <summary>
/// A file to attach. With a <see cref="ContentId"/> and <see cref="IsInline"/> it is an inline
/// image (or other resource) that the HTML body references as "cid:...", placed in
/// multipart/related; otherwise it is an attachment in multipart/mixed.
/// </summary>
public sealed class OutgoingAttachment
{
    private OutgoingAttachment(string? fileName, string contentType, ReadOnlyMemory<byte> bytes, Stream? stream, string? contentId, bool isInline)
    {
        FileName = fileName;
        ContentType = contentType;
        Bytes = bytes;
        Stream = stream;
        ContentId = contentId;
        IsInline = isInline;
    }

    public string? FileName { get; }

    public string ContentType { get; }

    public ReadOnlyMemory<byte> Bytes { get; }

    /// <summary>Content read (once) while the message is written; not disposed by the builder.</summary>
    public Stream? Stream { get; }

    /// <summary>Content-ID without angle brackets.</summary>
    public string? ContentId { get; }

    public bool IsInline { get; }

    public static OutgoingAttachment FromBytes(string? fileName, string? contentType, ReadOnlyMemory<byte> content, string? contentId = null, bool isInline = false) =>
        new(fileName, contentType ?? "application/octet-stream", content, null, contentId, isInline);

    public static OutgoingAttachment FromStream(string? fileName, string? contentType, Stream content, string? contentId = null, bool isInline = false)
    {
        ArgumentNullException.ThrowIfNull(content);
        return new(fileName, contentType ?? "application/octet-stream", default, content, contentId, isInline);
    }
}
