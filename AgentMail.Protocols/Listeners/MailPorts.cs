namespace AgentMail.Protocols.Listeners;

/// <summary>
/// The mail listeners and the configuration keys of their ports. The names are environment
/// variables because an Aspire AppHost can hand a TCP endpoint's port to a process only that way
/// (<c>WithEndpoint(..., env: "IMAPS_PORT")</c>); the defaults are the IANA ports.
/// </summary>
public static class MailPorts
{
    /// <summary>IMAP with STARTTLS (RFC 9051 §6.2.1, RFC 2595 §3.1).</summary>
    public static readonly MailEndpoint Imap = new("imap", "IMAP_PORT", 143, MailTransportSecurity.StartTls);

    /// <summary>IMAP over implicit TLS (RFC 8314 §3.3): what mail clients should use.</summary>
    public static readonly MailEndpoint Imaps = new("imaps", "IMAPS_PORT", 993, MailTransportSecurity.ImplicitTls);

    /// <summary>Message submission with STARTTLS (RFC 6409, RFC 3207).</summary>
    public static readonly MailEndpoint Submission = new("smtp", "SMTP_PORT", 587, MailTransportSecurity.StartTls);

    /// <summary>Message submission over implicit TLS (RFC 8314 §3.3).</summary>
    public static readonly MailEndpoint Submissions = new("smtps", "SMTPS_PORT", 465, MailTransportSecurity.ImplicitTls);

    /// <summary>Inbound MX, where other servers deliver (RFC 5321); STARTTLS is offered, not required.</summary>
    public static readonly MailEndpoint Mx = new("mx", "SMTP_MX_PORT", 25, MailTransportSecurity.StartTls);
}
