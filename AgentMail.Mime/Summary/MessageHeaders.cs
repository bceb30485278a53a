using AgentMail.Mime.Headers;

namespace AgentMail.Mime.Summary;

/// <summary>The top-level header fields of a message, read from its raw bytes and structure.</summary>
public static class MessageHeaders
{
    /// <summary>
    /// Every top-level field in order, values unfolded and trimmed. With
    /// <paramref name="decodeEncodedWords"/> false the values keep their RFC 2047 encoded-words, as
    /// Nylas's API shows headers; true decodes them as <see cref="MessageSummary.Headers"/> does.
    /// <paramref name="message"/> may be a prefix of the message that covers its header.
    /// </summary>
    public static IReadOnlyList<HeaderField> Read(ReadOnlySpan<byte> message, MessageStructure structure, bool decodeEncodedWords = false)
    {
        ArgumentNullException.ThrowIfNull(structure);
        var root = structure.Root;
        var header = MessageBody.Slice(message, root.HeaderOffset, root.HeaderLength);
        if (header.Length > MimeParserOptions.Default.MaxHeaderBlockLength) header = header[..MimeParserOptions.Default.MaxHeaderBlockLength];
        var fields = new List<HeaderField>();
        var reader = new HeaderFieldReader(header);
        while (reader.TryRead(out var field) && fields.Count < MimeParserOptions.Default.MaxHeaderCount)
        {
            var value = decodeEncodedWords ? EncodedWords.DecodeHeaderValue(field.Value) : HeaderText.Unfold(field.Value);
            fields.Add(new HeaderField(HeaderText.ToText(field.Name), value));
        }
        return fields;
    }
}
