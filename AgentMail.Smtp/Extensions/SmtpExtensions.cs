using AgentMail.Protocols.Listeners;
using AgentMail.Smtp;
using AgentMail.Smtp.Dkim;
using AgentMail.Smtp.Dns;
using AgentMail.Smtp.Inbound;
using AgentMail.Smtp.Outbound;
using AgentMail.Smtp.Session;
using AgentMail.Smtp.Submission;

namespace Microsoft.Extensions.Hosting;

/// <summary>Everything the SMTP server adds to a host beyond ServiceDefaults and the mailbox core.</summary>
public static class SmtpExtensions
{
    /// <summary>
    /// The listeners: submission on <c>SMTP_PORT</c> (STARTTLS; default 587, 1587 in Development),
    /// submissions on <c>SMTPS_PORT</c> (implicit TLS; default 465, 1465 in Development) and MX on
    /// <c>SMTP_MX_PORT</c> (default 25, 1025 in Development), plus HTTP for /health; and the
    /// outbound delivery worker.
    /// </summary>
    public static IHostApplicationBuilder AddSmtp(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<SmtpOptions>().BindConfiguration(SmtpOptions.SectionName);
        services.AddSingleton<SmtpSessionServices>();
        services.AddSingleton<MessageSubmission>();
        services.AddSingleton<InboundDelivery>();

        services.AddOptions<OutboundOptions>().BindConfiguration(OutboundOptions.SectionName);
        services.AddOptions<RelayOptions>().BindConfiguration(RelayOptions.SectionName);
        services.AddOptions<DnsOptions>().BindConfiguration(DnsOptions.SectionName);
        services.AddOptions<DkimOptions>().BindConfiguration(DkimOptions.SectionName);
        services.AddSingleton<DnsClient>();
        services.AddSingleton<MxResolver>();
        services.AddSingleton<RemoteDelivery>();
        services.AddSingleton<DkimSigner>();
        services.AddHostedService<DeliveryWorker>();
        builder.AddMailListeners<SmtpConnectionHandler>(MailPorts.Submission, MailPorts.Submissions, MailPorts.Mx);
        return builder;
    }
}
