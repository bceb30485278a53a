using AgentMail.Imap;
using AgentMail.Protocols.Listeners;

namespace Microsoft.Extensions.Hosting;

/// <summary>Everything the IMAP server adds to a host beyond ServiceDefaults and the mailbox core.</summary>
public static class ImapExtensions
{
    /// <summary>
    /// The listeners: IMAP on <c>IMAP_PORT</c> (STARTTLS; default 143, 1143 in Development) and
    /// IMAPS on <c>IMAPS_PORT</c> (implicit TLS; default 993, 1993 in Development), with the
    /// certificate from <c>Tls:*</c>, plus HTTP for /health.
    /// </summary>
    public static IHostApplicationBuilder AddImap(this IHostApplicationBuilder builder)
    {
        builder.AddMailListeners<ImapConnectionHandler>(MailPorts.Imap, MailPorts.Imaps);
        // Session registry, IDLE notifications (ChangeFeed subscriptions), login throttling go here.
        return builder;
    }
}
