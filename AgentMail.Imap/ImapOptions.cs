namespace AgentMail.Imap;

/// <summary>The IMAP server's limits and timers (configuration section <c>Imap</c>).</summary>
public sealed class ImapOptions
{
    public const string SectionName = "Imap";

    /// <summary>Concurrent connections per grant, across every replica (counted in Redis).</summary>
    public int MaxConnectionsPerGrant { get; set; } = 20;

    /// <summary>How long a connection slot lives in Redis without renewal: what a dead replica's connections cost.</summary>
    public TimeSpan ConnectionLeaseTtl { get; set; } = TimeSpan.FromSeconds(90);

    /// <summary>Untagged "* OK Still here" during IDLE, so NAT boxes keep the connection (CLIENTS.md 5).</summary>
    public TimeSpan IdleKeepaliveInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>IDLE is ended by the server after this long; the client re-issues it (RFC 2177 §3).</summary>
    public TimeSpan MaxIdleDuration { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>
    /// An authenticated connection with no command for this long (outside IDLE) is closed with BYE.
    /// RFC 9051 §5.4: at least 30 minutes; clients that poll instead of idling (iOS Mail,
    /// CLIENTS.md 4) keep a connection open between polls.
    /// </summary>
    public TimeSpan InactivityTimeout { get; set; } = TimeSpan.FromMinutes(30);

    /// <summary>A connection that has not signed in within this long is closed with BYE.</summary>
    public TimeSpan UnauthenticatedTimeout { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How often every session re-checks its mailbox and the grant's credential version in
    /// Postgres, whatever Redis says: the most a lost notification can delay an update.
    /// </summary>
    public TimeSpan ChangePollInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Longest command line (CLIENTS.md 8: huge UID sets); literal data is not counted.</summary>
    public int MaxLineBytes { get; set; } = 64 * 1024;

    /// <summary>Largest command other than APPEND, literals included.</summary>
    public int MaxCommandBytes { get; set; } = 1024 * 1024;

    /// <summary>Messages read from the store per round trip while answering FETCH.</summary>
    public int FetchBatchSize { get; set; } = 250;

    /// <summary>
    /// Messages whose search fields (dates, size, subject, addresses) this process keeps in memory
    /// for SEARCH, across all folders (least recently searched evicted first); 0 turns it off.
    /// </summary>
    public int SearchCacheMessages { get; set; } = 200_000;
}
