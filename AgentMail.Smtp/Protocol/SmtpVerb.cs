namespace AgentMail.Smtp.Protocol;

/// <summary>The commands this server knows (RFC 5321 §4.1, RFC 3207 STARTTLS, RFC 4954 AUTH, RFC 3030 BDAT).</summary>
public enum SmtpVerb
{
    Unknown,
    Helo,
    Ehlo,
    Mail,
    Rcpt,
    Data,
    Bdat,
    Rset,
    Noop,
    Quit,
    Vrfy,
    Expn,
    Help,
    StartTls,
    Auth,
}
