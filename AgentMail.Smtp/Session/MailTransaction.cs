using AgentMail.Smtp.Protocol;

namespace AgentMail.Smtp.Session;

/// <summary>A recipient accepted by RCPT; on MX it is a grant of this deployment and the INBOX it gets.</summary>
internal sealed record AcceptedRecipient(MailPath Path, Guid? GrantId = null, long InboxFolderId = 0);

/// <summary>One mail transaction (RFC 5321 §3.3): from MAIL to the end of DATA or BDAT LAST, or RSET.</summary>
internal sealed class MailTransaction(MailPath from, bool smtpUtf8, long? declaredSize) : IDisposable
{
    public MailPath From { get; } = from;

    /// <summary>MAIL carried SMTPUTF8 (RFC 6531 §3.4): internationalized addresses are allowed.</summary>
    public bool SmtpUtf8 { get; } = smtpUtf8;

    /// <summary>The SIZE parameter (RFC 1870), when given.</summary>
    public long? DeclaredSize { get; } = declaredSize;

    public List<AcceptedRecipient> Recipients { get; } = [];

    /// <summary>BDAT: the chunks so far (RFC 3030), and whether one was refused (then only RSET helps).</summary>
    public MessageBuffer? Chunks { get; set; }
    public LineEndingCheck ChunkCheck;
    public bool ChunkRefused { get; set; }

    public void Dispose() => Chunks?.Dispose();
}
