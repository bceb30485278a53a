using AgentMail.Imap.Search;
using AgentMail.Imap.Storage;
using AgentMail.Mailbox.Authentication;
using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Hosting;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Redis;
using AgentMail.Protocols.Tls;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace AgentMail.Imap.Session;

/// <summary>What every session uses, resolved once: a session holds one reference instead of a dozen.</summary>
public sealed class ImapServices(
    IOptions<ImapOptions> options,
    IOptions<MailboxOptions> mailboxOptions,
    GrantService grants,
    FolderService folders,
    MessageService messages,
    BlobReader blobs,
    ChangeFeed changes,
    AppPasswordAuthenticator authenticator,
    IRedisClient redis,
    ImapStore store,
    FolderContentCache searchCache,
    TlsCertificateProvider certificates,
    SessionRegistry registry,
    TimeProvider clock,
    ILoggerFactory loggers)
{
    public ImapOptions Options { get; } = options.Value;
    public MailboxOptions Mailbox { get; } = mailboxOptions.Value;
    public GrantService Grants => grants;
    public FolderService Folders => folders;
    public MessageService Messages => messages;
    public BlobReader Blobs => blobs;
    public ChangeFeed Changes => changes;
    public AppPasswordAuthenticator Authenticator => authenticator;
    public IRedisClient Redis => redis;
    public ImapStore Store => store;
    public FolderContentCache SearchCache => searchCache;
    public TlsCertificateProvider Certificates => certificates;
    public SessionRegistry Registry => registry;
    public TimeProvider Clock => clock;
    public ILogger Logger { get; } = loggers.CreateLogger("AgentMail.Imap.Session");

    public string Capabilities { get; } = Session.Capabilities.Authenticated(mailboxOptions.Value.MaxMessageBytes);
}
