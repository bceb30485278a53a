using AgentMail.Mime.Headers;

namespace AgentMail.Mime.Summary;

/// <summary>
/// Attachments are the leaves that are not inline body text (text/plain or text/html without a
/// file name or attachment disposition), plus attached messages (message/rfc822 parts, listed
/// whole rather than descended into). A top-level message/rfc822 is looked into.
/// <see cref="AttachmentInfo.IsInline"/> marks resources the HTML references (Content-ID, or
/// Content-Location inside multipart/related) unless they are marked as attachments.
/// </summary>
internal static class AttachmentCollector
{
    public static IReadOnlyList<AttachmentInfo> Collect(MimePart root)
    {
        var result = new List<AttachmentInfo>();
        var stack = new Stack<(MimePart Part, bool IsRoot, bool InRelated)>();
        stack.Push((root, true, false));
        while (stack.Count > 0)
        {
            var (part, isRoot, inRelated) = stack.Pop();
            switch (part.Kind)
            {
                case MimePartKind.Multipart:
                    var related = part.ContentType.MediaSubtype.Equals("related", StringComparison.OrdinalIgnoreCase);
                    for (var i = part.Children.Count - 1; i >= 0; i--) stack.Push((part.Children[i], false, related));
                    break;
                case MimePartKind.Message when isRoot && part.Message is not null:
                    stack.Push((part.Message.Root, true, false));
                    break;
                default:
                    if (part.Kind == MimePartKind.Leaf && BodySelector.IsInlineText(part)) break;
                    result.Add(Describe(part, inRelated));
                    break;
            }
        }
        return result;
    }

    private static AttachmentInfo Describe(MimePart part, bool inRelated)
    {
        var name = part.ContentDisposition?.FileName ?? part.ContentType.Name;
        var disposition = part.ContentDisposition;
        return new AttachmentInfo(
            Id: part.PartNumber,
            Filename: string.IsNullOrWhiteSpace(name) ? null : EncodedWords.Decode(name).Trim(),
            ContentType: part.ContentType.MimeType,
            Size: part.Kind == MimePartKind.Leaf ? part.DecodedSize : part.Size,
            ContentId: part.ContentId is null ? null : BodySelector.Trim(part.ContentId),
            ContentDisposition: disposition?.Disposition.ToLowerInvariant(),
                        // Inline: something the HTML can reference (a Content-ID, or a Content-Location in
            // multipart/related) that is not marked as an attachment. Apple Mail marks ordinary
            // files "inline" without a Content-ID: those are attachments.
            IsInline: disposition?.IsAttachment != true && (part.ContentId is not null || (inRelated && part.ContentLocation is not null)));
    }
}
