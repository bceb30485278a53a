using AgentMail.Imap;
using AgentMail.Imap.Search;
using AgentMail.Imap.Session;
using AgentMail.Imap.Storage;
using AgentMail.Protocols.Listeners;
using Microsoft.Extensions.DependencyInjection;

namespace Microsoft.Extensions.Hosting;

/// <summary>Everything the IMAP server adds to a host beyond ServiceDefaults and the mailbox core.</summary>
public static class ImapExtensions
{
    /// <summary>
    /// The listeners — IMAP on <c>IMAP_PORT</c> (STARTTLS; default 143, 1143 in Development) and
    /// IMAPS on <c>IMAPS_PORT</c> (implicit TLS; default 993, 1993 in Development), with the
    /// certificate from <c>Tls:*</c>, plus HTTP for /health — and the session machinery: options
    /// (<c>Imap:*</c>), the store's read queries, the session registry (change poll, connection
    /// slots, shutdown).
    /// </summary>
    public static IHostApplicationBuilder AddImap(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<ImapOptions>().BindConfiguration(ImapOptions.SectionName)
            .Validate(o => o.MaxConnectionsPerGrant > 0 && o.MaxLineBytes >= 1024 && o.MaxCommandBytes >= o.MaxLineBytes
                && o.ChangePollInterval > TimeSpan.Zero && o.IdleKeepaliveInterval > TimeSpan.Zero && o.ConnectionLeaseTtl > TimeSpan.Zero,
                "Imap options: limits and intervals must be positive (MaxCommandBytes >= MaxLineBytes >= 1024).")
            .ValidateOnStart();
        services.AddSingleton<ImapStore>();
        services.AddSingleton<FolderContentCache>();
        services.AddSingleton<SessionRegistry>();
        services.AddHostedService(sp => sp.GetRequiredService<SessionRegistry>());
        services.AddSingleton<ImapServices>();
        builder.AddMailListeners<ImapConnectionHandler>(MailPorts.Imap, MailPorts.Imaps);
        return builder;
    }
}
