namespace AgentMail.Mime;

/// <summary>
/// The header fields IMAP's ENVELOPE is made of, as found in the message (first occurrence of
/// each field). Strings are unfolded and trimmed but otherwise raw (encoded-words are not
/// decoded); null means the field is absent. An address list is null when the field is absent
/// and empty when it is present but holds no address. The IMAP defaults (Sender and Reply-To
/// fall back to From) are applied when rendering, not here.
/// </summary>
public sealed record Envelope(
    string? Date,
    string? Subject,
    IReadOnlyList<EnvelopeAddress>? From,
    IReadOnlyList<EnvelopeAddress>? Sender,
    IReadOnlyList<EnvelopeAddress>? ReplyTo,
    IReadOnlyList<EnvelopeAddress>? To,
    IReadOnlyList<EnvelopeAddress>? Cc,
    IReadOnlyList<EnvelopeAddress>? Bcc,
    string? InReplyTo,
    string? MessageId)
{
    public static Envelope Empty { get; } = new(null, null, null, null, null, null, null, null, null, null);
}
