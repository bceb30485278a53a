namespace AgentMail.Mime;

/// <summary>What a part contains, as the parser understood it.</summary>
public enum MimePartKind : byte
{
    /// <summary>A body of its own (text, image, ..., also message/* that could not be descended).</summary>
    Leaf,
    /// <summary>multipart/*: <see cref="MimePart.Children"/> holds the parts (possibly none).</summary>
    Multipart,
    /// <summary>message/rfc822 or message/global: <see cref="MimePart.Message"/> holds the message.</summary>
    Message,
}
