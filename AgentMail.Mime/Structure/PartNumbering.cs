namespace AgentMail.Mime;

/// <summary>IMAP part numbers (RFC 9051 §6.4.5.1) and tree walking.</summary>
internal static class PartNumbering
{
    public static void Assign(MimePart messageRoot) => AssignMessageRoot(messageRoot, string.Empty);

    /// <summary>
    /// The top entity of a message (or of an encapsulated one): a multipart's children are
    /// numbered from 1; any other entity is itself part 1 ("every message has at least one part").
    /// </summary>
    private static void AssignMessageRoot(MimePart root, string prefix)
    {
        if (root.Kind == MimePartKind.Multipart)
        {
            root.PartNumber = prefix;
            AssignChildren(root, prefix);
        }
        else
        {
            AssignEntity(root, prefix.Length == 0 ? "1" : prefix + ".1");
        }
    }

    private static void AssignEntity(MimePart part, string number)
    {
        part.PartNumber = number;
        if (part.Kind == MimePartKind.Multipart) AssignChildren(part, number);
        else if (part.Message is { } message) AssignMessageRoot(message.Root, number);
    }

    private static void AssignChildren(MimePart multipart, string prefix)
    {
        for (var i = 0; i < multipart.Children.Count; i++)
            AssignEntity(multipart.Children[i], prefix.Length == 0 ? (i + 1).ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{prefix}.{i + 1}");
    }

    public static IEnumerable<MimePart> Enumerate(MimePart root)
    {
        var stack = new Stack<MimePart>();
        stack.Push(root);
        while (stack.Count > 0)
        {
            var part = stack.Pop();
            yield return part;
            if (part.Message is { } message) stack.Push(message.Root);
            for (var i = part.Children.Count - 1; i >= 0; i--) stack.Push(part.Children[i]);
        }
    }
}
