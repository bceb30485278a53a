namespace AgentMail.Mime.Summary;

/// <summary>
/// Chooses the parts a mail client would display as the message body: inside
/// multipart/alternative the last (most faithful, RFC 2046 §5.1.4) HTML and plain alternatives;
/// inside multipart/related the root (the "start" parameter's Content-ID, else the first part);
/// inside multipart/signed the signed content; inside other multiparts (mixed, report, ...)
/// the first part that has a displayable body. Parts marked as attachments, encrypted content
/// and attached messages are not bodies; a top-level message/rfc822 shows its own body.
/// </summary>
internal static class BodySelector
{
    public static (MimePart? Html, MimePart? Text) Select(MimePart root) => Select(root, isRoot: true, depth: 0);

    private static (MimePart? Html, MimePart? Text) Select(MimePart part, bool isRoot, int depth)
    {
        if (depth > MimeParserOptions.MaxSupportedDepth) return default;
        switch (part.Kind)
        {
            case MimePartKind.Message:
                return isRoot && part.Message is { } message ? Select(message.Root, isRoot: true, depth + 1) : default;

            case MimePartKind.Leaf:
                if (!IsInlineText(part)) return default;
                return part.ContentType.MediaSubtype.Equals("html", StringComparison.OrdinalIgnoreCase) ? (part, null) : (null, part);
        }

        var subtype = part.ContentType.MediaSubtype;
        if (subtype.Equals("alternative", StringComparison.OrdinalIgnoreCase))
        {
            MimePart? html = null, text = null;
            foreach (var child in part.Children)
            {
                var (h, t) = Select(child, isRoot: false, depth + 1);
                html = h ?? html;
                text = t ?? text;
            }
            return (html, text);
        }
        if (subtype.Equals("related", StringComparison.OrdinalIgnoreCase))
        {
            var root = RelatedRoot(part);
            var found = root is null ? default : Select(root, isRoot: false, depth + 1);
            if (found.Html is not null || found.Text is not null) return found;
            // A root that shows nothing (an image first, no "start"): the first part that does.
            foreach (var child in part.Children)
            {
                found = Select(child, isRoot: false, depth + 1);
                if (found.Html is not null || found.Text is not null) return found;
            }
            return default;
        }
        if (subtype.Equals("encrypted", StringComparison.OrdinalIgnoreCase)) return default;
        if (subtype.Equals("signed", StringComparison.OrdinalIgnoreCase))
            return part.Children.Count > 0 ? Select(part.Children[0], isRoot: false, depth + 1) : default;
        foreach (var child in part.Children)
        {
            var found = Select(child, isRoot: false, depth + 1);
            if (found.Html is not null || found.Text is not null) return found;
        }
        return default;
    }

    /// <summary>text/plain or text/html that is neither an attachment nor a named file.</summary>
    public static bool IsInlineText(MimePart part) =>
        part.Kind == MimePartKind.Leaf &&
        (part.ContentType.Is("text", "plain") || part.ContentType.Is("text", "html")) &&
        !part.IsAttachment &&
        part.ContentDisposition?.FileName is null &&
        part.ContentType.Name is null;

    private static MimePart? RelatedRoot(MimePart related)
    {
        if (related.Children.Count == 0) return null;
        var start = related.ContentType.Parameters.Get("start");
        if (start is not null)
        {
            var id = Trim(start);
            foreach (var child in related.Children)
                if (child.ContentId is { } cid && Trim(cid).Equals(id, StringComparison.OrdinalIgnoreCase)) return child;
        }
        // RFC 2387 §3.1: without "start" the root is the first part; its "type" names the root's type.
        var type = related.ContentType.Parameters.Get("type");
        if (type is not null)
        {
            foreach (var child in related.Children)
                if (child.ContentType.MimeType.Equals(type.Trim(), StringComparison.OrdinalIgnoreCase)) return child;
        }
        return related.Children[0];
    }

    internal static string Trim(string contentId) => contentId.Trim().TrimStart('<').TrimEnd('>').Trim();
}
