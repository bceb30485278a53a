namespace AgentMail.Mime.Summary;

/// <summary>
/// An attachment as the API shows it. <see cref="Id"/> is the IMAP part number ("2", "1.2"),
/// stable for the message, usable with <see cref="MessageStructure.FindPart"/> to download it.
/// </summary>
public sealed record AttachmentInfo(
    string Id,
    string? Filename,
    string ContentType,
    long Size,
    string? ContentId,
    string? ContentDisposition,
    bool IsInline);
