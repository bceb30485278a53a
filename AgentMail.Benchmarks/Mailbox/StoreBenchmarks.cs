using System.Text;
using AgentMail.LocalServers;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Objects;
using AgentMail.Mailbox.Storage;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentMail.Benchmarks.Mailbox;

/// <summary>
/// Store throughput against a real, durable PostgreSQL (fsync on) started from the installed
/// binaries: 10 KB messages appended by 1 and 8 concurrent writers, and single-message flag
/// updates. Each reported time is per message (OperationsPerInvoke), so messages/s = 1 / Mean.
/// </summary>
[MemoryDiagnoser]
public class StoreBenchmarks
{
    private const int Batch = 200;
    private string _root = "";
    private PostgresServer? _postgres;
    private RedisServer? _redis;
    private IHost? _host;
    private MessageService _messages = null!;
    private Guid _grantId;
    private long _inboxId;
    private long[] _uids = [];
    private int _counter;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _root = Directory.CreateTempSubdirectory("agentmail-bench-").FullName;
        _postgres = await PostgresServer.StartAsync(new PostgresServerOptions { DataDirectory = Path.Combine(_root, "postgres") });
        _redis = await RedisServer.StartAsync(new RedisServerOptions { DataDirectory = Path.Combine(_root, "redis") });
        await _postgres.CreateDatabaseAsync("mailstore");

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:mailstore"] = _postgres.ConnectionString("mailstore"),
            ["ConnectionStrings:redis"] = _redis.ConnectionString,
        });
        builder.AddMailbox();
        _host = builder.Build();
        await _host.StartAsync();
        await _host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(CancellationToken.None);
        _host.Services.GetRequiredService<MailboxDatabase>().MarkReady();

        _messages = _host.Services.GetRequiredService<MessageService>();
        var grant = await _host.Services.GetRequiredService<GrantService>().CreateAsync(
            new CreateGrantRequest("bench@agentmail.test", QuotaBytes: long.MaxValue / 2), CancellationToken.None);
        _grantId = grant.Id;
        _inboxId = (await _host.Services.GetRequiredService<FolderService>().GetByRoleAsync(grant.Id, SystemFolder.InboxRole, CancellationToken.None))!.Id;

        // Messages for the flag benchmark.
        for (var i = 0; i < Batch; i++)
            await _messages.AppendAsync(_grantId, _inboxId, Message(), new AppendOptions(), CancellationToken.None);
        _uids = Enumerable.Range(1, Batch).Select(i => (long)i).ToArray();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
        if (_redis is not null)
            await _redis.DisposeAsync();
        if (_postgres is not null)
            await _postgres.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "append 10 KB, 1 writer")]
    public async Task AppendOneWriter()
    {
        for (var i = 0; i < Batch; i++)
            await _messages.AppendAsync(_grantId, _inboxId, Message(), new AppendOptions(), CancellationToken.None);
    }

    [Benchmark(OperationsPerInvoke = Batch, Description = "append 10 KB, 8 writers")]
    public Task AppendEightWriters() => Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(async () =>
    {
        for (var i = 0; i < Batch / 8; i++)
            await _messages.AppendAsync(_grantId, _inboxId, Message(), new AppendOptions(), CancellationToken.None);
    })));

    [Benchmark(OperationsPerInvoke = Batch, Description = "flag update, 1 message")]
    public async Task ToggleSeen()
    {
        foreach (var uid in _uids)
        {
            var change = uid % 2 == Interlocked.Increment(ref _counter) % 2 ? FlagChange.Add(MessageFlags.Seen) : FlagChange.Remove(MessageFlags.Seen);
            await _messages.SetFlagsAsync(_grantId, MessageSelection.Uids(_inboxId, UidRange.Single(uid)), change);
        }
    }

    /// <summary>A distinct 10 KB message (distinct, so each append stores a new blob), ingested.</summary>
    private MessageContent Message()
    {
        var n = Interlocked.Increment(ref _counter);
        var text = new StringBuilder()
            .Append($"From: sender{n}@example.com\r\nTo: bench@agentmail.test\r\nSubject: Benchmark {n}\r\n")
            .Append($"Message-ID: <bench-{n}-{Guid.NewGuid():N}@example.com>\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\n\r\n");
        while (text.Length < 10 * 1024)
            text.Append("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n");
        // Ingested as every surface ingests (parse, IMAP renderings, summary, search text).
        return MessageContentReader.Read(Encoding.ASCII.GetBytes(text.ToString()));
    }
}
