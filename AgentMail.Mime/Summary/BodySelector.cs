namespace AgentMail.Mime.Summary;

/// <summary>
/// The parts a mail client displays as the message body, in order, as two renditions: the
/// richest (HTML preferred) and the plainest (text/plain preferred).
/// <list type="bullet">
/// <item>multipart/alternative: the last alternative that has HTML (RFC 2046 §5.1.4 orders them
/// by faithfulness) for the rich rendition, the last all-plain one for the plain rendition;</item>
/// <item>multipart/related: its root (the "start" Content-ID, else the part of the "type"
/// parameter, else the first part; if that shows nothing, the first part that does);</item>
/// <item>multipart/signed: the signed content; multipart/encrypted: nothing;</item>
/// <item>other multiparts (mixed, report, ...): every inline part with a body, in order, as
/// Apple Mail and Thunderbird show them (Apple Mail splits text around inline images);</item>
/// <item>attachments and attached messages are not bodies; a top-level message/rfc822 shows
/// the message inside it.</item>
/// </list>
/// </summary>
internal static class BodySelector
{
    /// <summary>The parts of each rendition, in display order (empty when there is no body).</summary>
    internal readonly record struct Renditions(IReadOnlyList<MimePart> Rich, IReadOnlyList<MimePart> Plain)
    {
        public static Renditions None { get; } = new([], []);

        public bool IsEmpty => Rich.Count == 0;
    }

    public static Renditions Select(MimePart root) => Select(root, isRoot: true, depth: 0);

    private static Renditions Select(MimePart part, bool isRoot, int depth)
    {
        if (depth > MimeParserOptions.MaxSupportedDepth) return Renditions.None;
        switch (part.Kind)
        {
            case MimePartKind.Message:
                return isRoot && part.Message is { } message ? Select(message.Root, isRoot: true, depth + 1) : Renditions.None;
            case MimePartKind.Leaf:
                return IsInlineText(part) ? new Renditions([part], [part]) : Renditions.None;
        }

        var subtype = part.ContentType.MediaSubtype;
        if (subtype.Equals("alternative", StringComparison.OrdinalIgnoreCase))
        {
            IReadOnlyList<MimePart>? rich = null, richWithHtml = null, plain = null, allPlain = null;
            foreach (var child in part.Children)
            {
                var found = Select(child, isRoot: false, depth + 1);
                if (found.IsEmpty) continue;
                rich = found.Rich;
                if (found.Rich.Any(IsHtml)) richWithHtml = found.Rich;
                plain = found.Plain;
                if (!found.Plain.Any(IsHtml)) allPlain = found.Plain;
            }
            return rich is null ? Renditions.None : new Renditions(richWithHtml ?? rich, allPlain ?? plain!);
        }
        if (subtype.Equals("related", StringComparison.OrdinalIgnoreCase))
        {
            var root = RelatedRoot(part);
            var found = root is null ? Renditions.None : Select(root, isRoot: false, depth + 1);
            if (!found.IsEmpty) return found;
            foreach (var child in part.Children)
            {
                found = Select(child, isRoot: false, depth + 1);
                if (!found.IsEmpty) return found;
            }
            return Renditions.None;
        }
        if (subtype.Equals("encrypted", StringComparison.OrdinalIgnoreCase)) return Renditions.None;
        if (subtype.Equals("signed", StringComparison.OrdinalIgnoreCase))
            return part.Children.Count > 0 ? Select(part.Children[0], isRoot: false, depth + 1) : Renditions.None;

        var richParts = new List<MimePart>();
        var plainParts = new List<MimePart>();
        foreach (var child in part.Children)
        {
            var found = Select(child, isRoot: false, depth + 1);
            richParts.AddRange(found.Rich);
            plainParts.AddRange(found.Plain);
        }
        return richParts.Count == 0 ? Renditions.None : new Renditions(richParts, plainParts);
    }

    public static bool IsHtml(MimePart part) => part.ContentType.MediaSubtype.Equals("html", StringComparison.OrdinalIgnoreCase);

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
