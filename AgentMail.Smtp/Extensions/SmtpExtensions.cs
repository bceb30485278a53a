using AgentMail.Protocols.Listeners;
using AgentMail.Smtp;

namespace Microsoft.Extensions.Hosting;

/// <summary>Everything the SMTP server adds to a host beyond ServiceDefaults and the mailbox core.</summary>
public static class SmtpExtensions
{
    /// <summary>
    /// The listeners: submission on <c>SMTP_PORT</c> (STARTTLS; default 587, 1587 in Development),
    /// submissions on <c>SMTPS_PORT</c> (implicit TLS; default 465, 1465 in Development) and MX on
    /// <c>SMTP_MX_PORT</c> (default 25, 1025 in Development), plus HTTP for /health.
    /// </summary>
    public static IHostApplicationBuilder AddSmtp(this IHostApplicationBuilder builder)
    {
        builder.AddMailListeners<SmtpConnectionHandler>(MailPorts.Submission, MailPorts.Submissions, MailPorts.Mx);
        // The outbound delivery worker (claims queued messages from the store) is registered here.
        return builder;
    }
}
