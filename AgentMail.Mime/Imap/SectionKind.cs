namespace AgentMail.Mime.Imap;

/// <summary>The text part of a section specification (RFC 9051 §6.4.5.1).</summary>
public enum SectionKind : byte
{
    /// <summary>No text specifier: the whole message ([]) or a part's body ([1.2]).</summary>
    Full,
    Header,
    HeaderFields,
    HeaderFieldsNot,
    Text,
    Mime,
}
