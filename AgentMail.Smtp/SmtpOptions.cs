namespace AgentMail.Smtp;

/// <summary>
/// Configuration section <c>Smtp</c>: limits and timeouts of the SMTP server. The message size
/// limit is the core's <c>Mailbox:MaxMessageBytes</c> and the host name <c>Mailbox:Hostname</c>,
/// shared by every surface.
/// </summary>
public sealed class SmtpOptions
{
    public const string SectionName = "Smtp";

    /// <summary>RCPT commands accepted per message (RFC 5321 §4.5.3.1.8 requires at least 100); more get 452 4.5.3.</summary>
    public int MaxRecipients { get; set; } = 100;

    /// <summary>
    /// Longest command line in octets, CRLF included. RFC 5321 §4.5.3.1.4 sets 512 and lets
    /// extensions (SIZE, BODY, SMTPUTF8, AUTH=) add to it; 1000 is the text-line limit (§4.5.3.1.6).
    /// </summary>
    public int MaxCommandLineLength { get; set; } = 1000;

    /// <summary>Longest AUTH exchange line (RFC 4954 §4: at least 12288 octets must be accepted).</summary>
    public int MaxAuthLineLength { get; set; } = 12288;

    /// <summary>Waiting for the next command (RFC 5321 §4.5.3.2.7: at least 5 minutes).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Silence tolerated while receiving DATA or a BDAT chunk (RFC 5321 §4.5.3.2.5–6 give clients 3 minutes per block).</summary>
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest a DATA or BDAT transfer may take in all, so a client trickling bytes cannot hold a session forever.</summary>
    public TimeSpan MaxDataDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>Rejected commands tolerated per session before it is closed with 421 4.7.0.</summary>
    public int MaxErrors { get; set; } = 20;

    /// <summary>Failed AUTH attempts per session before it is closed with 421 4.7.0 (the core also throttles per address and client).</summary>
    public int MaxAuthFailures { get; set; } = 3;
}
