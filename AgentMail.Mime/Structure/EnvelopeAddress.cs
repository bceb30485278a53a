namespace AgentMail.Mime;

/// <summary>
/// An address as IMAP's ENVELOPE carries it (RFC 9051 §7.5.2): display name (phrase with
/// quoting removed, encoded-words left as they are), source route (obs-route, e.g. "@a,@b"),
/// mailbox (local-part unquoted) and host. RFC 5322 groups appear as a start marker
/// (<see cref="Host"/> null, <see cref="Mailbox"/> = group name) and an end marker (all null).
/// A mailbox written without a domain has an empty <see cref="Host"/>, never null.
/// </summary>
public sealed record EnvelopeAddress(string? Name, string? Route, string? Mailbox, string? Host)
{
    public static EnvelopeAddress GroupEnd { get; } = new(null, null, null, null);

    public static EnvelopeAddress GroupStart(string name) => new(null, null, name, null);

    public bool IsGroupStart => Host is null && Mailbox is not null;

    public bool IsGroupEnd => Host is null && Mailbox is null;

    public bool IsMailbox => Host is not null;
}
