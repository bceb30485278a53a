using System.Diagnostics;
using System.Globalization;
using System.Text;
using AgentMail.LocalServers;
using AgentMail.Mailbox.Events;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Storage;
using AgentMail.Webhooks.Core.Destinations;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace AgentMail.Benchmarks.Webhooks;

/// <summary>
/// <c>AgentMail.Benchmarks webhooks</c>: event-to-delivery latency and sustained delivery
/// throughput of the webhook dispatcher, against a real PostgreSQL (durable: fsync on) and Redis
/// started from the installed binaries, and a loopback receiver.
/// <list type="number">
/// <item>Latency: message.created events committed at a steady rate through the mailbox core
/// (<c>MessageService.AppendAsync</c>, as SMTP and IMAP do); for each, the time from the event
/// row's <c>created_at</c> (clock_timestamp() in the committing transaction) to the receiver's
/// handler starting.</item>
/// <item>Throughput: a backlog of events committed with the dispatchers stopped, then drained;
/// deliveries/s between the receiver's first and last notification.</item>
/// </list>
/// </summary>
public static class WebhookLoad
{
    public static async Task<int> RunAsync(string[] args)
    {
        var options = LoadOptions.Parse(args);
        var root = Directory.CreateTempSubdirectory("agentmail-webhook-load-").FullName;
        Console.WriteLine($"webhooks load: {options.Workers} worker(s), latency {options.LatencyEvents} events at {options.Rate}/s, throughput {options.ThroughputEvents} events; Postgres {(options.Ephemeral ? "ephemeral (fsync off)" : "durable (fsync on)")}");
        var slow = new System.Collections.Concurrent.ConcurrentQueue<string>();
        await using var postgres = await PostgresServer.StartAsync(new PostgresServerOptions
        {
            DataDirectory = Path.Combine(root, "postgres"),
            Ephemeral = options.Ephemeral,
            Output = line =>
            {
                if (options.SlowStatements && line.Contains("duration:", StringComparison.Ordinal))
                    slow.Enqueue(line);
            },
        });
        await using var redis = await RedisServer.StartAsync(new RedisServerOptions { DataDirectory = Path.Combine(root, "redis") });
        await postgres.CreateDatabaseAsync("mailstore");
        var mailstore = postgres.ConnectionString("mailstore");
        if (options.SlowStatements)
        {
            await using var admin = new NpgsqlConnection(postgres.ConnectionString());
            await admin.OpenAsync();
            await using var set = new NpgsqlCommand("ALTER SYSTEM SET log_min_duration_statement = 20; SELECT pg_reload_conf();", admin);
            await set.ExecuteNonQueryAsync();
        }
        try
        {
            using var core = await StartCoreAsync(mailstore, redis.ConnectionString);
            await using var receiver = await LoadReceiver.StartAsync();
            var services = core.Services;
            await new WebhookDestinationStore(services.GetRequiredService<MailboxDatabase>(), TimeProvider.System)
                .CreateAsync(new NewWebhookDestination(receiver.Url, [EventTypes.MessageCreated]), CancellationToken.None);
            var grant = await services.GetRequiredService<GrantService>().CreateAsync(
                new CreateGrantRequest("load@agentmail.test", QuotaBytes: long.MaxValue / 4), CancellationToken.None);
            var inbox = (await services.GetRequiredService<FolderService>().GetByRoleAsync(grant.Id, SystemFolder.InboxRole, CancellationToken.None))!;
            var producer = new Producer(services.GetRequiredService<MessageService>(), grant.Id, inbox.Id);

            // Latency: steady rate, dispatchers running.
            var dispatchers = await StartDispatchersAsync(options, mailstore, redis.ConnectionString);
            await producer.ProduceAsync(200, parallel: 4); // warm-up (JIT, pools, prepared statements)
            await WaitForAsync(receiver, 200);
            var before = receiver.Distinct;
            await producer.ProduceAtRateAsync(options.LatencyEvents, options.Rate);
            await WaitForAsync(receiver, before + options.LatencyEvents);
            var (latencies, afterCommit) = await LatenciesAsync(mailstore, receiver, producer.Committed, skip: 200);
            await StopAsync(dispatchers);

            // Throughput: a backlog, then drain it.
            var backlogClock = Stopwatch.StartNew();
            await producer.ProduceAsync(options.ThroughputEvents, parallel: 8);
            var produced = backlogClock.Elapsed;
            var start = receiver.Distinct;
            var firstBefore = receiver.FirstSeen.Values.Max();
            var cpu = new CpuMeter(postgres.DataDirectory);
            dispatchers = await StartDispatchersAsync(options, mailstore, redis.ConnectionString);
            var cpuBefore = cpu.Read();
            await WaitForAsync(receiver, start + options.ThroughputEvents);
            var cpuAfter = cpu.Read();
            await StopAsync(dispatchers);
            var drained = receiver.FirstSeen.Values.Where(t => t > firstBefore).Order().ToList();
            var span = drained[^1] - drained[0];
            var throughput = (drained.Count - 1) / span.TotalSeconds;

            Console.WriteLine();
            Console.WriteLine($"workers                      {options.Workers}");
            Console.WriteLine($"event-to-delivery latency    p50 {Ms(Percentile(latencies, 0.50))}  p90 {Ms(Percentile(latencies, 0.90))}  p99 {Ms(Percentile(latencies, 0.99))}  max {Ms(latencies[^1])}  ({latencies.Count} events at {options.Rate}/s; from the event row's created_at)");
            Console.WriteLine($"  after the commit returned  p50 {Ms(Percentile(afterCommit, 0.50))}  p90 {Ms(Percentile(afterCommit, 0.90))}  p99 {Ms(Percentile(afterCommit, 0.99))}  max {Ms(afterCommit[^1])}  (from AppendAsync returning to the producer)");
            Console.WriteLine($"sustained deliveries/s       {throughput.ToString("F0", CultureInfo.InvariantCulture)}  ({drained.Count} deliveries in {span.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s; backlog committed at {(options.ThroughputEvents / produced.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture)}/s)");
            Console.WriteLine($"CPU per delivery             {PerDelivery(cpuAfter.Self - cpuBefore.Self, options.ThroughputEvents)} dispatcher + receiver, {PerDelivery(cpuAfter.Postgres - cpuBefore.Postgres, options.ThroughputEvents)} PostgreSQL ({Environment.ProcessorCount} cores, load average {LoadAverage()})");
            Console.WriteLine($"duplicates                   {receiver.Posts - receiver.Distinct}");
            foreach (var line in slow.Take(40))
                Console.WriteLine(line.Length > 400 ? line[..400] : line);
            return 0;
        }
        finally
        {
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    private static string PerDelivery(TimeSpan cpu, int deliveries) =>
        (cpu.TotalMilliseconds / deliveries).ToString("F3", CultureInfo.InvariantCulture) + " ms";

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static string Ms(TimeSpan t) => t.TotalMilliseconds.ToString("F1", CultureInfo.InvariantCulture) + " ms";

    private static TimeSpan Percentile(List<TimeSpan> sorted, double p) => sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    private static async Task<IHost> StartCoreAsync(string mailstore, string redis)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:mailstore"] = mailstore,
            ["ConnectionStrings:redis"] = redis,
        });
        builder.AddMailbox();
        var host = builder.Build();
        await host.Services.GetRequiredService<SchemaMigrator>().MigrateAsync(CancellationToken.None);
        host.Services.GetRequiredService<MailboxDatabase>().MarkReady();
        await host.StartAsync();
        return host;
    }

    /// <summary>Dispatcher replicas, each a host wired as AgentMail.Webhooks wires itself.</summary>
    private static async Task<List<IHost>> StartDispatchersAsync(LoadOptions options, string mailstore, string redis)
    {
        var hosts = new List<IHost>();
        for (var i = 0; i < options.Workers; i++)
        {
            var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Production" });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["ConnectionStrings:mailstore"] = mailstore,
                ["ConnectionStrings:redis"] = redis,
                ["Webhooks:AllowPrivateDestinations"] = "true",
            });
            builder.Configuration.AddInMemoryCollection(options.Settings);
            builder.Logging.ClearProviders();
            builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
            builder.AddServiceDefaults();
            builder.AddMailbox();
            builder.AddWebhooks();
            var host = builder.Build();
            await host.StartAsync();
            hosts.Add(host);
        }
        return hosts;
    }

    private static async Task StopAsync(List<IHost> hosts)
    {
        foreach (var host in hosts)
        {
            await host.StopAsync();
            host.Dispose();
        }
    }

    private static async Task WaitForAsync(LoadReceiver receiver, int distinct)
    {
        var clock = Stopwatch.StartNew();
        while (receiver.Distinct < distinct)
        {
            if (clock.Elapsed > TimeSpan.FromMinutes(10))
                throw new TimeoutException($"Only {receiver.Distinct} of {distinct} notifications arrived.");
            await Task.Delay(10);
        }
    }

    /// <summary>
    /// Receiver time minus the event's created_at, and minus the moment the producer's commit
    /// returned, per delivery, sorted; the first <paramref name="skip"/> events (warm-up) left out.
    /// </summary>
    private static async Task<(List<TimeSpan> FromEvent, List<TimeSpan> FromCommit)> LatenciesAsync(
        string mailstore, LoadReceiver receiver, IReadOnlyDictionary<Guid, DateTimeOffset> committed, int skip)
    {
        await using var connection = new NpgsqlConnection(mailstore);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT d.id, e.created_at, e.object_id FROM webhook_deliveries d JOIN events e ON e.id = d.event_id ORDER BY e.id OFFSET $1
            """, connection);
        command.Parameters.AddWithValue(skip);
        var latencies = new List<TimeSpan>();
        var fromCommit = new List<TimeSpan>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (!receiver.FirstSeen.TryGetValue(reader.GetGuid(0).ToString(), out var seen))
                continue;
            latencies.Add(seen - reader.GetFieldValue<DateTimeOffset>(1));
            if (committed.TryGetValue(Guid.Parse(reader.GetString(2)), out var returned))
                fromCommit.Add(seen - returned);
        }
        latencies.Sort();
        fromCommit.Sort();
        return (latencies, fromCommit);
    }

    /// <summary>Commits message.created events the way inbound mail does: one small message per AppendAsync.</summary>
    private sealed class Producer(MessageService messages, Guid grantId, long inboxId)
    {
        private int _sequence;

        /// <summary>When each AppendAsync returned (the commit acknowledged), by message id.</summary>
        public System.Collections.Concurrent.ConcurrentDictionary<Guid, DateTimeOffset> Committed { get; } = new();

        public async Task ProduceAsync(int count, int parallel)
        {
            var remaining = count;
            await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
            {
                while (Interlocked.Decrement(ref remaining) >= 0)
                    await AppendOneAsync();
            }));
        }

        /// <summary>
        /// Appends at <paramref name="perSecond"/>, at most <see cref="MaxInFlight"/> at once: appends to
        /// one inbox take its folder lock in turn, and when the store is slower than the rate the
        /// producer falls behind (and says so) instead of exhausting the connection pool.
        /// </summary>
        public async Task ProduceAtRateAsync(int count, int perSecond)
        {
            var clock = Stopwatch.StartNew();
            var pending = new List<Task>(count);
            using var inFlight = new SemaphoreSlim(MaxInFlight);
            for (var i = 0; i < count; i++)
            {
                var due = TimeSpan.FromSeconds((double)i / perSecond);
                if (due > clock.Elapsed)
                    await Task.Delay(due - clock.Elapsed);
                await inFlight.WaitAsync();
                pending.Add(AppendReleasingAsync(inFlight));
            }
            await Task.WhenAll(pending);
            var achieved = count / clock.Elapsed.TotalSeconds;
            if (achieved < perSecond * 0.95)
                Console.WriteLine($"  (the producer fell behind: {achieved.ToString("F0", CultureInfo.InvariantCulture)} appends/s instead of {perSecond})");
        }

        private const int MaxInFlight = 32;

        private async Task AppendReleasingAsync(SemaphoreSlim inFlight)
        {
            try
            {
                await AppendOneAsync();
            }
            finally
            {
                inFlight.Release();
            }
        }

        private async Task AppendOneAsync()
        {
            var n = Interlocked.Increment(ref _sequence);
            var raw = Encoding.ASCII.GetBytes(
                $"From: Load <load@example.com>\r\nTo: load@agentmail.test\r\nSubject: Load {n}\r\nMessage-ID: <load-{n}-{Guid.NewGuid():N}@example.com>\r\n" +
                $"Date: Sat, 21 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLoad message number {n}.\r\n");
            var appended = await messages.AppendAsync(grantId, inboxId, MessageContentReader.Read(raw), new AppendOptions(), CancellationToken.None);
            Committed[appended.Message.Id] = DateTimeOffset.UtcNow;
        }
    }

    private sealed record LoadOptions(int Workers, int LatencyEvents, int Rate, int ThroughputEvents, bool Ephemeral, bool SlowStatements, Dictionary<string, string?> Settings)
    {
        public static LoadOptions Parse(string[] args)
        {
            var workers = 1;
            var latencyEvents = 2000;
            var rate = 200;
            var throughputEvents = 20000;
            var ephemeral = false;
            var slowStatements = false;
            var settings = new Dictionary<string, string?>();
            for (var i = 0; i < args.Length; i++)
            {
                switch (args[i])
                {
                    case "--workers": workers = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--latency-events": latencyEvents = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--rate": rate = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--throughput-events": throughputEvents = int.Parse(args[++i], CultureInfo.InvariantCulture); break;
                    case "--ephemeral": ephemeral = true; break;
                    case "--slow-statements": slowStatements = true; break;
                    case "--set":
                        var pair = args[++i].Split('=', 2);
                        settings[pair[0]] = pair[1];
                        break;
                    default:
                        throw new ArgumentException($"Unknown option {args[i]}. Options: --workers N, --latency-events N, --rate N/s, --throughput-events N, --ephemeral, --slow-statements (log statements over 20 ms), --set Webhooks:Key=value");
                }
            }
            return new LoadOptions(workers, latencyEvents, rate, throughputEvents, ephemeral, slowStatements, settings);
        }
    }
}
