namespace AgentMail.LocalServers;

public sealed record PostgresServerOptions
{
    /// <summary>Cluster folder; created with initdb when it holds no cluster yet, kept afterwards.</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }

    /// <summary>
    /// Trades durability for speed (fsync, synchronous_commit and full-page writes off): for
    /// throwaway test clusters only.
    /// </summary>
    public bool Ephemeral { get; init; }

    public int MaxConnections { get; init; } = 300;

    /// <summary>Further server settings (name → value), passed as <c>-c name=value</c>.</summary>
    public IReadOnlyDictionary<string, string> Settings { get; init; } = new Dictionary<string, string>();

    /// <summary>Receives each line the server logs (the launcher prefixes and prints them).</summary>
    public Action<string>? Output { get; init; }
}
