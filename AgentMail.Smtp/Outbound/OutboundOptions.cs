namespace AgentMail.Smtp.Outbound;

/// <summary>Configuration section <c>Smtp:Outbound</c>: the delivery worker.</summary>
public sealed class OutboundOptions
{
    public const string SectionName = "Smtp:Outbound";

    /// <summary>Run the delivery worker in this process (every replica may; claims keep them apart).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Messages delivered at the same time by this replica.</summary>
    public int Concurrency { get; set; } = 16;

    /// <summary>Recipients claimed per round.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>How often the queue is looked at without a wake-up (retries, a lost notification, another replica's leftovers).</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long a claim keeps other replicas away; longer than any delivery can take.</summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>First retry delay after a temporary failure; doubled per attempt up to <see cref="RetryMaxDelay"/>. The period is <c>Mailbox:OutboundRetryPeriod</c>.</summary>
    public TimeSpan RetryInitialDelay { get; set; } = TimeSpan.FromMinutes(5);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>Port of recipient domains' MX hosts (25; another only for tests and special set-ups).</summary>
    public int MxPort { get; set; } = 25;

    /// <summary>Name sent in EHLO; <c>Mailbox:Hostname</c> when unset.</summary>
    public string? HeloName { get; set; }

    /// <summary>RFC 5321 §4.5.3.2 client timeouts: connecting and the greeting, each command, the end of DATA.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(30);
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromMinutes(5);
    public TimeSpan DataTimeout { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Delivery records (final recipients) are kept this long, then pruned; their events stay.</summary>
    public TimeSpan KeepFinished { get; set; } = TimeSpan.FromDays(30);
}

public enum RelaySecurity
{
    /// <summary>STARTTLS, required (RFC 3207); the default.</summary>
    StartTls,

    /// <summary>TLS from the first byte (port 465, RFC 8314).</summary>
    ImplicitTls,

    /// <summary>Plain text: only for a relay on a trusted local network.</summary>
    None,
}

/// <summary>
/// Configuration section <c>Smtp:Relay</c>: a smart host every remote recipient goes through (the
/// way a deployment behind a mail provider sends). Without <see cref="Host"/>, mail goes straight
/// to each recipient domain's MX.
/// </summary>
public sealed class RelayOptions
{
    public const string SectionName = "Smtp:Relay";

    public string? Host { get; set; }
    public int Port { get; set; } = 587;
    public RelaySecurity Security { get; set; } = RelaySecurity.StartTls;
    public string? Username { get; set; }
    public string? Password { get; set; }

    /// <summary>Check the relay's certificate (name and chain). Turn off only for a relay with a private certificate you cannot trust otherwise.</summary>
    public bool ValidateCertificate { get; set; } = true;

    public bool IsConfigured => !string.IsNullOrWhiteSpace(Host);
}
