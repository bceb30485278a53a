using AgentMail.Mime.Encodings;

namespace AgentMail.Mime;

/// <summary>
/// One MIME entity of a parsed message, located by byte offsets in the raw message:
/// its header is [<see cref="HeaderOffset"/>, <see cref="BodyOffset"/>) (blank line included
/// when there is one) and its body is [<see cref="BodyOffset"/>, <see cref="EndOffset"/>). The
/// CRLF before a boundary belongs to the boundary (RFC 2046 §5.1.1), not to the body.
/// </summary>
public sealed class MimePart
{
    internal MimePart() { }

    public MimePartKind Kind { get; internal init; }

    public long HeaderOffset { get; internal init; }

    public long BodyOffset { get; internal init; }

    public long EndOffset { get; internal init; }

    public long HeaderLength => BodyOffset - HeaderOffset;

    /// <summary>Body size in octets, in its transfer encoding (IMAP body-fld-octets).</summary>
    public long Size => EndOffset - BodyOffset;

    /// <summary>
    /// Body lines in its transfer encoding (IMAP body-fld-lines): the LF count, plus one when
    /// the body does not end with LF (a final unterminated line is a line). Computed for
    /// every part; IMAP shows it for text/* and message/rfc822|global.
    /// </summary>
    public long Lines { get; internal init; }

    /// <summary>Body size after Content-Transfer-Encoding decoding (attachment sizes, downloads).</summary>
    public long DecodedSize { get; internal init; }

    /// <summary>
    /// IMAP BINARY.SIZE: <see cref="DecodedSize"/>, except that text/* counts its line breaks as
    /// CRLF, as BINARY must send them (RFC 9051 §7.5.2; see TransferDecoding.DecodeBinarySection).
    /// </summary>
    public long BinarySize { get; internal init; }

    /// <summary>The effective type: the declared one, or the RFC 2045 §5.2 / RFC 2046 §5.1.5 default.</summary>
    public ContentType ContentType { get; internal init; } = ContentType.TextPlainDefault;

    public ContentDisposition? ContentDisposition { get; internal init; }

    /// <summary>Content-ID as written (with its angle brackets), unfolded and trimmed.</summary>
    public string? ContentId { get; internal init; }

    public string? ContentDescription { get; internal init; }

    /// <summary>The Content-Transfer-Encoding token as written, or null when absent.</summary>
    public string? ContentTransferEncoding { get; internal init; }

    public TransferEncoding TransferEncoding { get; internal init; }

    public IReadOnlyList<string> ContentLanguage { get; internal init; } = [];

    public string? ContentLocation { get; internal init; }

    public string? ContentMd5 { get; internal init; }

    /// <summary>The parts of a multipart, in order (empty for other kinds).</summary>
    public IReadOnlyList<MimePart> Children { get; internal init; } = [];

    /// <summary>For <see cref="MimePartKind.Message"/>: the encapsulated message.</summary>
    public EmbeddedMessage? Message { get; internal init; }

    /// <summary>
    /// The IMAP part number addressing this entity's body ("1", "2.3"). The top-level multipart
    /// has "" (it is addressed as TEXT); a multipart that is the body of message part "2" has "2".
    /// </summary>
    public string PartNumber { get; internal set; } = string.Empty;

    public bool IsAttachment => ContentDisposition?.IsAttachment == true;

    public override string ToString() => $"{PartNumber} {ContentType.MimeType} [{HeaderOffset},{BodyOffset},{EndOffset})";
}
