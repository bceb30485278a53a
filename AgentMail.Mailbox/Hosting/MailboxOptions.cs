namespace AgentMail.Mailbox.Hosting;

/// <summary>Configuration section <c>Mailbox</c>; every limit from DESIGN.md, all configurable.</summary>
public sealed class MailboxOptions
{
    public const string SectionName = "Mailbox";

    /// <summary>Storage quota of a new grant (1 GiB).</summary>
    public long DefaultQuotaBytes { get; set; } = 1L << 30;

    /// <summary>Largest message accepted by any surface (25 MiB, advertised by SMTP as SIZE 26214400).</summary>
    public int MaxMessageBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>bcrypt work factor for app passwords.</summary>
    public int BcryptCost { get; set; } = 10;

    /// <summary>How long a verified (grant, credential version, password) stays cached, sparing bcrypt on reconnects.</summary>
    public TimeSpan AuthenticationCacheDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long outbound delivery keeps retrying a recipient before bouncing.</summary>
    public TimeSpan OutboundRetryPeriod { get; set; } = TimeSpan.FromDays(4);

    /// <summary>
    /// This deployment's mail host name: the domain of Message-IDs we generate, the SMTP greeting
    /// and EHLO name, the "by" of Received headers. Defaults to the machine's host name.
    /// </summary>
    public string Hostname { get; set; } = System.Net.Dns.GetHostName();

    /// <summary>Application id reported in webhook payloads (Nylas's <c>application_id</c>).</summary>
    public string ApplicationId { get; set; } = "agentmail";
}
