using AgentMail.Mime.Headers;

namespace AgentMail.Mime.Summary;

/// <summary>
/// What the API and threading need of a message, computed once at ingest from the raw bytes
/// and the structure. Text is decoded (RFC 2047, RFC 2231, RFC 6532); ids are normalized
/// without angle brackets.
/// </summary>
public sealed record MessageSummary
{
    public const int SnippetLength = 100;

    public string? Subject { get; init; }
    public IReadOnlyList<EmailAddress> From { get; init; } = [];
    public IReadOnlyList<EmailAddress> Sender { get; init; } = [];
    public IReadOnlyList<EmailAddress> ReplyTo { get; init; } = [];
    public IReadOnlyList<EmailAddress> To { get; init; } = [];
    public IReadOnlyList<EmailAddress> Cc { get; init; } = [];
    public IReadOnlyList<EmailAddress> Bcc { get; init; } = [];

    /// <summary>The Date header (RFC 5322 §3.3, obsolete forms accepted); null when unparseable.</summary>
    public DateTimeOffset? Date { get; init; }

    public string? MessageId { get; init; }

    /// <summary>The first id of In-Reply-To (the parent).</summary>
    public string? InReplyTo { get; init; }

    public IReadOnlyList<string> References { get; init; } = [];

    /// <summary>RFC 5256 §2.1 base subject, for grouping threads by subject.</summary>
    public string BaseSubject { get; init; } = string.Empty;

    /// <summary>The first 100 characters of the body text, white space collapsed.</summary>
    public string Snippet { get; init; } = string.Empty;

    /// <summary>True when there is an attachment that is not inline.</summary>
    public bool HasAttachments { get; init; }

    public IReadOnlyList<AttachmentInfo> Attachments { get; init; } = [];

    /// <summary>The top-level header fields in order, unfolded and decoded.</summary>
    public IReadOnlyList<HeaderField> Headers { get; init; } = [];

    public static MessageSummary Create(ReadOnlySpan<byte> message, MessageStructure structure)
    {
        ArgumentNullException.ThrowIfNull(structure);
        var envelope = structure.Envelope;
        var root = structure.Root;
        var header = MessageBody.Slice(message, root.HeaderOffset, root.HeaderLength);
        if (header.Length > MimeParserOptions.Default.MaxHeaderBlockLength) header = header[..MimeParserOptions.Default.MaxHeaderBlockLength];

        var headers = new List<HeaderField>();
        IReadOnlyList<string> references = [];
        var seenReferences = false;
        var reader = new HeaderFieldReader(header);
        while (reader.TryRead(out var field) && headers.Count < MimeParserOptions.Default.MaxHeaderCount)
        {
            headers.Add(new HeaderField(HeaderText.ToText(field.Name), EncodedWords.DecodeHeaderValue(field.Value)));
            if (!seenReferences && field.NameIs("references"u8))
            {
                seenReferences = true;
                references = MessageIds.ParseList(field.Value);
            }
        }

        var attachments = AttachmentCollector.Collect(root);
        return new MessageSummary
        {
            Subject = envelope.Subject is null ? null : EncodedWords.Decode(envelope.Subject).Trim(),
            From = Addresses.ToEmailAddresses(envelope.From),
            Sender = Addresses.ToEmailAddresses(envelope.Sender),
            ReplyTo = Addresses.ToEmailAddresses(envelope.ReplyTo),
            To = Addresses.ToEmailAddresses(envelope.To),
            Cc = Addresses.ToEmailAddresses(envelope.Cc),
            Bcc = Addresses.ToEmailAddresses(envelope.Bcc),
            Date = DateParser.Parse(envelope.Date),
            MessageId = MessageIds.ParseSingle(envelope.MessageId),
            InReplyTo = MessageIds.ParseSingle(envelope.InReplyTo),
            References = references,
            BaseSubject = Summary.BaseSubject.Compute(envelope.Subject),
            Snippet = GetSnippet(message, structure),
            HasAttachments = attachments.Any(a => !a.IsInline),
            Attachments = attachments,
            Headers = headers,
        };
    }

    /// <summary>First 100 characters of the body text (text/plain preferred, else text from the HTML).</summary>
    public static string GetSnippet(ReadOnlySpan<byte> message, MessageStructure structure) =>
        HtmlText.CollapseWhitespace(MessageBody.GetText(message, structure, SnippetLength * 8, minHtmlBytes: 512 * 1024), SnippetLength);
}
