using System.Text.Json;
using AgentMail.LocalServers;
using Npgsql;

namespace AgentMail.Benchmarks.Load;

/// <summary>
/// The PostgreSQL the load commands measure against: durable (fsync on), configured as a
/// production server is rather than with initdb's development defaults — shared_buffers 128 MB
/// and max_wal_size 1 GB make a store of a few hundred megabytes of mail spend its CPU evicting
/// pages and writing full-page images after each forced checkpoint, which no deployment would.
/// </summary>
public static class BenchPostgres
{
    public static readonly IReadOnlyDictionary<string, string> Settings = new Dictionary<string, string>
    {
        ["shared_buffers"] = "2GB",
        ["max_wal_size"] = "8GB",
        ["checkpoint_timeout"] = "15min",
    };

    public static Task<PostgresServer> StartAsync(string dataDirectory) =>
        PostgresServer.StartAsync(new PostgresServerOptions { DataDirectory = dataDirectory, Settings = Settings });

    /// <summary>
    /// <c>analyze --config &lt;bench.json&gt;</c>: VACUUM ANALYZE the mail store after seeding and warm-up,
    /// as pgbench does after loading. A database grown from empty at hundreds of messages a second
    /// otherwise runs on the statistics of its first minute (autovacuum wakes once a minute) and
    /// plans some statements as if the tables were still tiny.
    /// </summary>
    public static async Task<int> AnalyzeAsync(LoadOptions options)
    {
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(options.Get("config", "")));
        await using var connection = new NpgsqlConnection(config.RootElement.GetProperty("Mailstore").GetString());
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("VACUUM ANALYZE", connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
        return 0;
    }
}
