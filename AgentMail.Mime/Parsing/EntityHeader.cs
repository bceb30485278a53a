using AgentMail.Mime.Encodings;
using AgentMail.Mime.Headers;

namespace AgentMail.Mime.Parsing;

/// <summary>
/// The fields of one header block that the structure needs: the MIME fields of the entity
/// and, for a message header, the ENVELOPE fields. The first occurrence of a field wins.
/// </summary>
internal sealed class EntityHeader
{
    public ContentType? ContentType;
    public bool HasContentType;
    public ContentDisposition? ContentDisposition;
    public string? ContentId;
    public string? ContentDescription;
    public string? ContentTransferEncoding;
    public IReadOnlyList<string> ContentLanguage = [];
    public string? ContentLocation;
    public string? ContentMd5;
    public Envelope? Envelope;
    public bool TooManyFields;

    public TransferEncoding TransferEncoding => TransferEncodings.Parse(ContentTransferEncoding);

    public static EntityHeader Parse(ReadOnlySpan<byte> block, bool isMessage, int maxFields)
    {
        var header = new EntityHeader();
        string? date = null, subject = null, inReplyTo = null, messageId = null;
        IReadOnlyList<EnvelopeAddress>? from = null, sender = null, replyTo = null, to = null, cc = null, bcc = null;
        bool hasDisposition = false, hasId = false, hasDescription = false, hasEncoding = false, hasLanguage = false, hasLocation = false, hasMd5 = false;

        var reader = new HeaderFieldReader(block);
        var count = 0;
        while (reader.TryRead(out var field))
        {
            if (++count > maxFields)
            {
                header.TooManyFields = true;
                break;
            }
            var name = field.Name;
            if (name.Length > 8 && (name[0] | 0x20) == 'c' && Ascii.EqualsIgnoreCase(name[..8], "content-"u8))
            {
                var suffix = name[8..];
                if (!header.HasContentType && Ascii.EqualsIgnoreCase(suffix, "type"u8))
                {
                    header.HasContentType = true;
                    header.ContentType = MimeHeaderParser.ParseContentType(field.Value);
                }
                else if (!hasEncoding && Ascii.EqualsIgnoreCase(suffix, "transfer-encoding"u8))
                {
                    hasEncoding = true;
                    header.ContentTransferEncoding = MimeHeaderParser.ParseTransferEncoding(field.Value);
                }
                else if (!hasDisposition && Ascii.EqualsIgnoreCase(suffix, "disposition"u8))
                {
                    hasDisposition = true;
                    header.ContentDisposition = MimeHeaderParser.ParseContentDisposition(field.Value);
                }
                else if (!hasId && Ascii.EqualsIgnoreCase(suffix, "id"u8))
                {
                    hasId = true;
                    header.ContentId = HeaderText.Unfold(field.Value);
                }
                else if (!hasDescription && Ascii.EqualsIgnoreCase(suffix, "description"u8))
                {
                    hasDescription = true;
                    header.ContentDescription = HeaderText.Unfold(field.Value);
                }
                else if (!hasLanguage && Ascii.EqualsIgnoreCase(suffix, "language"u8))
                {
                    hasLanguage = true;
                    header.ContentLanguage = MimeHeaderParser.ParseLanguages(field.Value);
                }
                else if (!hasLocation && Ascii.EqualsIgnoreCase(suffix, "location"u8))
                {
                    hasLocation = true;
                    header.ContentLocation = HeaderText.Unfold(field.Value);
                }
                else if (!hasMd5 && Ascii.EqualsIgnoreCase(suffix, "md5"u8))
                {
                    hasMd5 = true;
                    header.ContentMd5 = HeaderText.Unfold(field.Value);
                }
                continue;
            }
            if (!isMessage) continue;
            if (date is null && field.NameIs("date"u8)) date = HeaderText.Unfold(field.Value);
            else if (subject is null && field.NameIs("subject"u8)) subject = HeaderText.Unfold(field.Value);
            else if (from is null && field.NameIs("from"u8)) from = AddressParser.Parse(field.Value);
            else if (sender is null && field.NameIs("sender"u8)) sender = AddressParser.Parse(field.Value);
            else if (replyTo is null && field.NameIs("reply-to"u8)) replyTo = AddressParser.Parse(field.Value);
            else if (to is null && field.NameIs("to"u8)) to = AddressParser.Parse(field.Value);
            else if (cc is null && field.NameIs("cc"u8)) cc = AddressParser.Parse(field.Value);
            else if (bcc is null && field.NameIs("bcc"u8)) bcc = AddressParser.Parse(field.Value);
            else if (inReplyTo is null && field.NameIs("in-reply-to"u8)) inReplyTo = HeaderText.Unfold(field.Value);
            else if (messageId is null && field.NameIs("message-id"u8)) messageId = HeaderText.Unfold(field.Value);
        }
        if (isMessage)
            header.Envelope = new Envelope(date, subject, from, sender, replyTo, to, cc, bcc, inReplyTo, messageId);
        return header;
    }
}
