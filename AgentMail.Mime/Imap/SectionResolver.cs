namespace AgentMail.Mime.Imap;

/// <summary>RFC 9051 §6.4.5.1 section resolution against a parsed structure.</summary>
internal static class SectionResolver
{
    public static SectionLocation Resolve(MessageStructure structure, BodySection section)
    {
        ArgumentNullException.ThrowIfNull(section);
        var root = structure.Root;
        if (section.Part.Count == 0)
        {
            return section.Kind switch
            {
                SectionKind.Full => new SectionLocation(SectionLocationKind.Slice, 0, structure.Size, null, section),
                SectionKind.Mime => SectionLocation.EmptyOf(section),
                _ => OfMessage(root, section),
            };
        }

        var part = FindPart(root, section.Part);
        if (part is null) return SectionLocation.EmptyOf(section);
        return section.Kind switch
        {
            SectionKind.Full => new SectionLocation(SectionLocationKind.Slice, part.BodyOffset, part.Size, part, section),
            SectionKind.Mime => new SectionLocation(SectionLocationKind.Slice, part.HeaderOffset, part.HeaderLength, null, section),
            // HEADER, HEADER.FIELDS and TEXT after a part number address an encapsulated message.
            _ => part.Message is { } message ? OfMessage(message.Root, section) : SectionLocation.EmptyOf(section),
        };
    }

    private static SectionLocation OfMessage(MimePart messageRoot, BodySection section) => section.Kind switch
    {
        SectionKind.Header => new SectionLocation(SectionLocationKind.Slice, messageRoot.HeaderOffset, messageRoot.HeaderLength, null, section),
        SectionKind.Text => new SectionLocation(SectionLocationKind.Slice, messageRoot.BodyOffset, messageRoot.Size, null, section),
        SectionKind.HeaderFields or SectionKind.HeaderFieldsNot =>
            new SectionLocation(SectionLocationKind.HeaderFields, messageRoot.HeaderOffset, messageRoot.HeaderLength, null, section, HasBody: messageRoot.Size > 0),
        _ => SectionLocation.EmptyOf(section),
    };

    /// <summary>
    /// Follows part numbers. At the top of a message (or of an encapsulated one) a multipart's
    /// children are numbered, and any other entity is part 1 of its message.
    /// </summary>
    public static MimePart? FindPart(MimePart messageRoot, IReadOnlyList<int> path)
    {
        MimePart? current = null;
        var container = messageRoot;
        var atMessageTop = true;
        foreach (var n in path)
        {
            MimePart? next;
            if (atMessageTop) next = ChildOfMessage(container, n);
            else if (container.Kind == MimePartKind.Multipart) next = Child(container, n);
            else if (container.Message is { } message) next = ChildOfMessage(message.Root, n);
            else next = null;
            if (next is null) return null;
            current = container = next;
            atMessageTop = false;
        }
        return current;
    }

    private static MimePart? ChildOfMessage(MimePart root, int n) =>
        root.Kind == MimePartKind.Multipart ? Child(root, n) : n == 1 ? root : null;

    private static MimePart? Child(MimePart multipart, int n) =>
        n >= 1 && n <= multipart.Children.Count ? multipart.Children[n - 1] : null;
}
