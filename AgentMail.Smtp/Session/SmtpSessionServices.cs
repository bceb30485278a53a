using AgentMail.Mailbox.Authentication;
using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Hosting;
using AgentMail.Protocols.Tls;
using AgentMail.Smtp.Inbound;
using AgentMail.Smtp.Submission;
using Microsoft.Extensions.Options;

namespace AgentMail.Smtp.Session;

/// <summary>What every session needs, resolved once: options and the services it calls.</summary>
internal sealed class SmtpSessionServices(
    IOptions<SmtpOptions> options,
    IOptions<MailboxOptions> mailbox,
    TlsCertificateProvider certificates,
    AppPasswordAuthenticator authenticator,
    GrantService grants,
    FolderService folders,
    ChangeFeed changes,
    MessageSubmission submission,
    InboundDelivery inbound,
    IHostApplicationLifetime lifetime,
    TimeProvider clock,
    ILoggerFactory loggers)
{
    public SmtpOptions Options { get; } = options.Value;
    public string Hostname { get; } = mailbox.Value.Hostname;
    public int MaxMessageBytes { get; } = mailbox.Value.MaxMessageBytes;
    public TlsCertificateProvider Certificates => certificates;
    public AppPasswordAuthenticator Authenticator => authenticator;
    public GrantService Grants => grants;
    public FolderService Folders => folders;
    public ChangeFeed Changes => changes;
    public MessageSubmission Submission => submission;
    public InboundDelivery Inbound => inbound;
    public CancellationToken Stopping => lifetime.ApplicationStopping;
    public TimeProvider Clock => clock;
    public ILogger Logger { get; } = loggers.CreateLogger("AgentMail.Smtp.Session");
}
