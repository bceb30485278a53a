namespace AgentMail.Smtp.Protocol;

/// <summary>
/// Every reply the server sends, in one place: codes from RFC 5321 §4.2.2/§4.3.2 and the
/// extensions' RFCs, enhanced codes from RFC 3463 (and RFC 4954 §6, RFC 6531 §3.5, RFC 7372).
/// </summary>
public static class SmtpReplies
{
    // 2xx
    public static SmtpReply Greeting(string host) => new(220, null, $"{host} ESMTP AgentMail");
    public static SmtpReply Bye(string host) => new(221, "2.0.0", $"{host} closing connection");
    public static readonly SmtpReply Ok = new(250, "2.0.0", "Ok");
    public static readonly SmtpReply ResetOk = new(250, "2.0.0", "Reset state");
    public static readonly SmtpReply SenderOk = new(250, "2.1.0", "Sender ok");
    public static readonly SmtpReply RecipientOk = new(250, "2.1.5", "Recipient ok");
    public static SmtpReply Helo(string host, string client) => new(250, null, $"{host} Hello {client}");
    public static SmtpReply ChunkOk(long octets) => new(250, "2.0.0", $"{octets} octets received");
    public static SmtpReply Queued(Guid id) => new(250, "2.0.0", $"Ok: queued as {id:N}");
    public static SmtpReply Delivered(int copies) => new(250, "2.0.0", copies == 1 ? "Ok: delivered" : $"Ok: delivered to {copies} mailboxes");
    public static readonly SmtpReply AuthSucceeded = new(235, "2.7.0", "Authentication successful");
    public static readonly SmtpReply ReadyForTls = new(220, "2.0.0", "Ready to start TLS");
    public static readonly SmtpReply CannotVerify = new(252, "2.5.0", "Cannot VRFY user, but will accept message and attempt delivery");
    public static readonly SmtpReply Help = new(214, "2.0.0", "Commands: EHLO HELO MAIL RCPT DATA BDAT RSET NOOP QUIT VRFY HELP STARTTLS AUTH; see RFC 5321");

    // 3xx
    public static readonly SmtpReply StartData = new(354, null, "End data with <CR><LF>.<CR><LF>");
    /// <summary>RFC 4954 §4: the challenge, base64, after "334 ".</summary>
    public static SmtpReply Challenge(string base64) => new(334, null, base64);

    // 4xx
    public static SmtpReply Timeout(string host) => new(421, "4.4.2", $"{host} Error: timeout exceeded");
    public static SmtpReply TooManyErrors(string host) => new(421, "4.7.0", $"{host} Error: too many errors");
    public static SmtpReply TooManyAuthFailures(string host) => new(421, "4.7.0", $"{host} Error: too many failed authentication attempts");
    public static SmtpReply CredentialsChanged(string host) => new(421, "4.7.0", $"{host} Credentials changed; closing connection");
    public static SmtpReply ShuttingDown(string host) => new(421, "4.3.2", $"{host} Service shutting down; try again later");
    public static readonly SmtpReply TemporaryFailure = new(451, "4.3.0", "Temporary failure; try again later");
    public static readonly SmtpReply MailboxFull = new(452, "4.2.2", "Mailbox full; try again later");
    public static readonly SmtpReply TooManyRecipients = new(452, "4.5.3", "Too many recipients");
    public static readonly SmtpReply AuthThrottled = new(454, "4.7.0", "Too many failed authentication attempts; try again later");
    public static readonly SmtpReply AuthUnavailable = new(454, "4.7.0", "Temporary authentication failure");
    public static readonly SmtpReply TlsUnavailable = new(454, "4.7.0", "TLS not available");

    // 5xx: syntax
    public static readonly SmtpReply Unrecognized = new(500, "5.5.2", "Syntax error, command unrecognized");
    public static readonly SmtpReply LineTooLong = new(500, "5.5.2", "Line too long");
    public static readonly SmtpReply BareLineFeed = new(500, "5.5.2", "Syntax error: command lines must end with <CR><LF>");
    public static readonly SmtpReply NulInCommand = new(500, "5.5.2", "Syntax error: NUL in command");
    public static readonly SmtpReply InvalidUtf8 = new(500, "5.5.2", "Syntax error: invalid UTF-8 in command");
    public static readonly SmtpReply AuthLineTooLong = new(500, "5.5.6", "Authentication Exchange line is too long");
    public static SmtpReply Syntax(string usage) => new(501, "5.5.4", $"Syntax: {usage}");
    public static readonly SmtpReply BadRecipientSyntax = new(501, "5.1.3", "Bad recipient address syntax");
    public static readonly SmtpReply BadSenderSyntax = new(501, "5.1.7", "Bad sender address syntax");
    public static readonly SmtpReply AuthBadBase64 = new(501, "5.5.2", "Cannot decode response");
    public static readonly SmtpReply AuthCancelled = new(501, "5.7.0", "Authentication cancelled");
    public static readonly SmtpReply NotImplemented = new(502, "5.5.1", "Command not implemented");
    public static readonly SmtpReply AuthNotOffered = new(502, "5.5.1", "AUTH not available on this port; use submission (465 or 587)");

    // 5xx: sequence
    public static readonly SmtpReply NeedHelo = new(503, "5.5.1", "Send EHLO or HELO first");
    public static readonly SmtpReply NestedMail = new(503, "5.5.1", "Sender already specified");
    public static readonly SmtpReply NeedMail = new(503, "5.5.1", "Need MAIL command");
    public static readonly SmtpReply AlreadyAuthenticated = new(503, "5.5.1", "Already authenticated");
    public static readonly SmtpReply TlsActive = new(503, "5.5.1", "TLS already active");
    public static readonly SmtpReply DataAfterBdat = new(503, "5.5.1", "DATA not allowed after BDAT in one transaction");
    public static readonly SmtpReply ChunkRejected = new(503, "5.5.1", "An earlier BDAT chunk was rejected; send RSET");
    public static readonly SmtpReply UnknownMechanism = new(504, "5.5.4", "Unrecognized authentication mechanism");
    public static readonly SmtpReply UnknownParameter = new(555, "5.5.4", "Unsupported MAIL or RCPT parameter");

    // 5xx: policy
    public static readonly SmtpReply AuthRequired = new(530, "5.7.0", "Authentication required");
    public static readonly SmtpReply StartTlsFirst = new(530, "5.7.0", "Must issue a STARTTLS command first");
    public static readonly SmtpReply AuthFailed = new(535, "5.7.8", "Authentication credentials invalid");
    public static readonly SmtpReply EncryptionRequired = new(538, "5.7.11", "Encryption required for requested authentication mechanism");
    public static SmtpReply UnknownRecipient(MailPath path) => new(550, "5.1.1", $"{path}: Recipient address rejected: no such mailbox here");
    public static SmtpReply TooLarge(long maximum) => new(552, "5.3.4", $"Message size exceeds fixed maximum message size of {maximum} bytes");
    public static readonly SmtpReply QuotaExceeded = new(552, "5.2.2", "Mailbox storage quota exceeded");
    public static SmtpReply SenderNotOwned(MailPath path) => new(553, "5.7.1", $"{path}: Sender address not owned by the authenticated user");
    public static readonly SmtpReply NeedSmtpUtf8 = new(553, "5.6.7", "Non-ASCII address requires the SMTPUTF8 parameter");
    public static readonly SmtpReply NoValidRecipients = new(554, "5.5.1", "No valid recipients");
    public static readonly SmtpReply BareLineEndingInData = new(554, "5.6.0", "Message must use <CR><LF> line endings: bare <CR> or <LF> found (RFC 5321 section 2.3.8); nothing stored");
    public static readonly SmtpReply NulInData = new(554, "5.6.0", "Message contains NUL octets; nothing stored");
}
