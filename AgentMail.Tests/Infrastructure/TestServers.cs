using AgentMail.LocalServers;

namespace AgentMail.Tests.Infrastructure;

/// <summary>
/// One real PostgreSQL cluster and one real redis-server for the whole test run, started from the
/// installed binaries on free loopback ports in a temporary folder, and stopped when the test
/// process exits. Tests isolate themselves by creating their own grants (or databases).
/// </summary>
public sealed class TestServers
{
    private static readonly Lazy<Task<TestServers>> Instance = new(StartAsync, LazyThreadSafetyMode.ExecutionAndPublication);
    private static int _databaseCounter;

    private TestServers(string root, PostgresServer postgres, RedisServer redis)
    {
        Root = root;
        Postgres = postgres;
        Redis = redis;
    }

    public string Root { get; }
    public PostgresServer Postgres { get; }
    public RedisServer Redis { get; }

    public static Task<TestServers> GetAsync() => Instance.Value;

    /// <summary>A new, empty database on the shared cluster, for tests that need one of their own.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "test")
    {
        var name = $"{prefix}_{Environment.ProcessId}_{Interlocked.Increment(ref _databaseCounter)}";
        await Postgres.CreateDatabaseAsync(name);
        return Postgres.ConnectionString(name);
    }

    private static async Task<TestServers> StartAsync()
    {
        RemoveFoldersOfDeadRuns();
        var root = Directory.CreateTempSubdirectory(FolderPrefix).FullName;
        await File.WriteAllTextAsync(Path.Combine(root, OwnerFile), Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var postgresTask = PostgresServer.StartAsync(new PostgresServerOptions
        {
            DataDirectory = Path.Combine(root, "postgres"),
            Ephemeral = true,
        });
        var redisTask = RedisServer.StartAsync(new RedisServerOptions { DataDirectory = Path.Combine(root, "redis") });
        var servers = new TestServers(root, await postgresTask, await redisTask);
        AppDomain.CurrentDomain.ProcessExit += (_, _) => servers.Stop();
        return servers;
    }

    private const string FolderPrefix = "agentmail-tests-";
    private const string OwnerFile = "owner.pid";

    /// <summary>
    /// A test host killed at the end of a run may not finish deleting its folder (its servers are
    /// stopped by their watchdogs); the next run removes folders whose owner is gone.
    /// </summary>
    private static void RemoveFoldersOfDeadRuns()
    {
        foreach (var folder in Directory.GetDirectories(Path.GetTempPath(), FolderPrefix + "*"))
        {
            var ownerFile = Path.Combine(folder, OwnerFile);
            if (!File.Exists(ownerFile) || !int.TryParse(File.ReadAllText(ownerFile), out var owner) || Directory.Exists($"/proc/{owner}"))
                continue;
            if (File.Exists(Path.Combine(folder, "postgres", "postmaster.pid")))
                continue; // its server is still shutting down; a later run removes it
            TryDelete(folder);
        }
    }

    private static void TryDelete(string folder)
    {
        try
        {
            Directory.Delete(folder, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private void Stop()
    {
        Redis.DisposeAsync().AsTask().GetAwaiter().GetResult();
        Postgres.DisposeAsync().AsTask().GetAwaiter().GetResult();
        TryDelete(Root);
    }
}
