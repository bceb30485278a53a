namespace AgentMail.Mime.Imap;

/// <summary>Which grammar BODYSTRUCTURE follows where IMAP4rev1 and IMAP4rev2 differ.</summary>
public enum ImapDialect : byte
{
    /// <summary>RFC 9051: message/global is an encapsulated message (envelope, body, lines).</summary>
    Imap4rev2,
    /// <summary>RFC 3501: only message/rfc822 is; message/global is rendered as a basic part.</summary>
    Imap4rev1,
}
