using AgentMail.Protocols.Listeners;

namespace AgentMail.AppHost.Launcher;

/// <summary>A mail listener of a service: its endpoint (and port variable) and the port it gets here.</summary>
internal sealed record MailListener(MailEndpoint Endpoint, Func<LauncherPorts, int> Port);

/// <summary>One of the four services, as the Aspire AppHost declares it (Aspire/AppHost.cs).</summary>
internal sealed record ServiceDefinition(
    string Name,
    string ProjectName,
    Func<LauncherPorts, int> HttpPort,
    IReadOnlyList<MailListener> MailListeners)
{
    public bool ServesMail => MailListeners.Count > 0;
}

internal static class ServiceCatalog
{
    public static readonly IReadOnlyList<ServiceDefinition> All =
    [
        new("api", "AgentMail.Api", p => p.ApiHttp, []),
        new("imap", "AgentMail.Imap", p => p.ImapHttp,
        [
            new(MailPorts.Imap, p => p.Imap),
            new(MailPorts.Imaps, p => p.Imaps),
        ]),
        new("smtp", "AgentMail.Smtp", p => p.SmtpHttp,
        [
            new(MailPorts.Submission, p => p.Submission),
            new(MailPorts.Submissions, p => p.Submissions),
            new(MailPorts.Mx, p => p.Mx),
        ]),
        new("webhooks", "AgentMail.Webhooks", p => p.WebhooksHttp, []),
    ];

    public static IEnumerable<string> Names => All.Select(s => s.Name);
}
