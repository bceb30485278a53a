using AgentMail.Mailbox.Authentication;
using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Redis;
using AgentMail.Mailbox.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace AgentMail.Tests.Infrastructure;

/// <summary>
/// The mailbox core wired exactly as a service wires it (<c>AddMailbox()</c>), against the test
/// run's Postgres and Redis, with the schema migrated. By default all harnesses share one
/// database and isolate by grant; <see cref="CreateAsync"/> with a fresh database gives a private one.
/// </summary>
public sealed class MailboxHarness : IAsyncDisposable
{
    private static readonly SemaphoreSlim SharedLock = new(1, 1);
    private static string? _sharedConnectionString;
    private static int _grantCounter;
    private readonly IHost _host;

    private MailboxHarness(IHost host, string connectionString)
    {
        _host = host;
        ConnectionString = connectionString;
    }

    public string ConnectionString { get; }
    public IServiceProvider Services => _host.Services;
    public GrantService Grants => Services.GetRequiredService<GrantService>();
    public FolderService Folders => Services.GetRequiredService<FolderService>();
    public MessageService Messages => Services.GetRequiredService<MessageService>();
    public ChangeFeed Changes => Services.GetRequiredService<ChangeFeed>();
    public BlobReader Blobs => Services.GetRequiredService<BlobReader>();
    public AppPasswordAuthenticator Authenticator => Services.GetRequiredService<AppPasswordAuthenticator>();
    public IRedisClient Redis => Services.GetRequiredService<IRedisClient>();

    /// <summary>A harness on the shared, migrated test database.</summary>
    public static async Task<MailboxHarness> CreateAsync(IDictionary<string, string?>? settings = null)
    {
        var servers = await TestServers.GetAsync();
        await SharedLock.WaitAsync();
        try
        {
            _sharedConnectionString ??= await servers.CreateDatabaseAsync("mailstore");
        }
        finally
        {
            SharedLock.Release();
        }
        return await CreateAsync(_sharedConnectionString, servers.Redis.ConnectionString, settings);
    }

    public static async Task<MailboxHarness> CreateAsync(string postgres, string redis, IDictionary<string, string?>? settings = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:mailstore"] = postgres,
            ["ConnectionStrings:redis"] = redis,
            ["Mailbox:BcryptCost"] = "4",
            ["Authentication:FailureDelay"] = "00:00:00",
        });
        if (settings is not null)
            builder.Configuration.AddInMemoryCollection(settings);
        builder.AddMailbox();
        var host = builder.Build();
        // Migrate before any test touches the store; the background service then finds nothing to do.
        await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(CancellationToken.None);
        host.Services.GetRequiredService<MailboxDatabase>().MarkReady();
        await host.StartAsync();
        return new MailboxHarness(host, postgres);
    }

    /// <summary>A new grant with a unique address.</summary>
    public Task<Grant> CreateGrantAsync(string? appPassword = null, long? quotaBytes = null, string prefix = "agent") =>
        Grants.CreateAsync(new CreateGrantRequest(UniqueEmail(prefix), AppPassword: appPassword, QuotaBytes: quotaBytes), CancellationToken.None);

    public static string UniqueEmail(string prefix = "agent") =>
        $"{prefix}{Interlocked.Increment(ref _grantCounter)}.{Guid.NewGuid():N}@agentmail.test";

    public async Task<Folder> FolderAsync(Guid grantId, string role) =>
        await Folders.GetByRoleAsync(grantId, role, CancellationToken.None) ?? throw new InvalidOperationException($"No {role} folder.");

    public async Task<T> ScalarAsync<T>(string sql, params object[] parameters)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var p in parameters)
            command.Parameters.AddWithValue(p);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>The outbox events of a grant, oldest first, as (type, object id).</summary>
    public async Task<List<(string Type, string ObjectId, string Payload)>> EventsAsync(Guid grantId)
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT type, object_id, payload::text FROM events WHERE grant_id = $1 ORDER BY id", connection);
        command.Parameters.AddWithValue(grantId);
        var events = new List<(string, string, string)>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
            events.Add((reader.GetString(0), reader.GetString(1), reader.GetString(2)));
        return events;
    }

    public async ValueTask DisposeAsync()
    {
        await _host.StopAsync();
        _host.Dispose();
    }
}
