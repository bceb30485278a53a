namespace AgentMail.AppHost.Launcher;

/// <summary>Everything a launcher run is told: where data lives, which ports, which services.</summary>
internal sealed record LauncherSettings(string DataDirectory, LauncherPorts Ports, IReadOnlySet<string> Services)
{
    public string PostgresDirectory => Path.Combine(DataDirectory, "postgres");
    public string RedisDirectory => Path.Combine(DataDirectory, "redis");
    public string TlsDirectory => Path.Combine(DataDirectory, "tls");
    public string LogDirectory => Path.Combine(DataDirectory, "logs");
    public string ApiKeyFile => Path.Combine(DataDirectory, "api-key");
    public string EndpointsFile => Path.Combine(DataDirectory, "endpoints.json");
    public string LockFile => Path.Combine(DataDirectory, "launcher.lock");

    public bool Runs(string service) => Services.Contains(service);
}

/// <summary>
/// The ports on this machine. The defaults are fixed, unprivileged and memorable, so a person can
/// put them in a mail client once; all are overridable, and <c>--free-ports</c> picks unused ones.
/// </summary>
internal sealed record LauncherPorts
{
    public int ApiHttp { get; init; } = 5080;
    public int ImapHttp { get; init; } = 5081;
    public int SmtpHttp { get; init; } = 5082;
    public int WebhooksHttp { get; init; } = 5083;
    public int Imap { get; init; } = 1143;
    public int Imaps { get; init; } = 1993;
    public int Submission { get; init; } = 1587;
    public int Submissions { get; init; } = 1465;
    public int Mx { get; init; } = 1025;
    public int Postgres { get; init; } = 15432;
    public int Redis { get; init; } = 16379;
}
