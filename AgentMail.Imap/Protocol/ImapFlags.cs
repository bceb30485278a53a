using AgentMail.Mailbox.Messages;

namespace AgentMail.Imap.Protocol;

/// <summary>System flags and keywords between IMAP text and the store (RFC 9051 §2.3.2).</summary>
public static class ImapFlags
{
    public const string SystemFlags = @"\Answered \Flagged \Deleted \Seen \Draft";

    /// <summary>CLIENTS.md 13: any keyword is kept, so clients may create them (\*).</summary>
    public const string PermanentFlags = @"(\Answered \Flagged \Deleted \Seen \Draft \*)";

    /// <summary>Splits client flags into system flags and keywords; unknown system flags are a BAD.</summary>
    public static (MessageFlags Flags, List<string> Keywords) Parse(IReadOnlyList<string> flags)
    {
        var system = MessageFlags.None;
        var keywords = new List<string>();
        foreach (var flag in flags)
        {
            if (flag.StartsWith('\\'))
            {
                system |= flag.ToUpperInvariant() switch
                {
                    "\\SEEN" => MessageFlags.Seen,
                    "\\ANSWERED" => MessageFlags.Answered,
                    "\\FLAGGED" => MessageFlags.Flagged,
                    "\\DELETED" => MessageFlags.Deleted,
                    "\\DRAFT" => MessageFlags.Draft,
                    // \Recent is the server's to set (RFC 3501 §2.3.2); a client listing it changes nothing.
                    "\\RECENT" => MessageFlags.None,
                    _ => throw new ImapSyntaxException($"Unknown system flag {flag}"),
                };
                continue;
            }
            if (!KeywordRules.IsValid(flag)) throw new ImapSyntaxException($"Invalid keyword {flag}");
            keywords.Add(flag);
        }
        return (system, keywords);
    }

    public static void Write(ResponseWriter writer, MessageFlags flags, IReadOnlyList<string> keywords)
    {
        writer.Byte((byte)'(');
        var first = true;
        void Item(ReadOnlySpan<byte> text)
        {
            if (!first) writer.Space();
            writer.Raw(text);
            first = false;
        }
        if ((flags & MessageFlags.Seen) != 0) Item(@"\Seen"u8);
        if ((flags & MessageFlags.Answered) != 0) Item(@"\Answered"u8);
        if ((flags & MessageFlags.Flagged) != 0) Item(@"\Flagged"u8);
        if ((flags & MessageFlags.Deleted) != 0) Item(@"\Deleted"u8);
        if ((flags & MessageFlags.Draft) != 0) Item(@"\Draft"u8);
        foreach (var keyword in keywords)
        {
            if (!first) writer.Space();
            writer.Ascii(keyword);
            first = false;
        }
        writer.Byte((byte)')');
    }
}
