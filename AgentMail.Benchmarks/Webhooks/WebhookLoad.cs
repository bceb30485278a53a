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
        await using var postgres = await PostgresServer.StartAsync(new PostgresServerOptions { DataDirectory = Path.Combine(root, "postgres"), Ephemeral = options.Ephemeral });
        await using var redis = await RedisServer.StartAsync(new RedisServerOptions { DataDirectory = Path.Combine(root, "redis") });
        await postgres.CreateDatabaseAsync("mailstore");
        var mailstore = postgres.ConnectionString("mailstore");
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
            var latencies = await LatenciesAsync(mailstore, receiver, skip: 200);
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
            Console.WriteLine($"event-to-delivery latency    p50 {Ms(Percentile(latencies, 0.50))}  p90 {Ms(Percentile(latencies, 0.90))}  p99 {Ms(Percentile(latencies, 0.99))}  max {Ms(latencies[^1])}  ({latencies.Count} events at {options.Rate}/s)");
            Console.WriteLine($"sustained deliveries/s       {throughput.ToString("F0", CultureInfo.InvariantCulture)}  ({drained.Count} deliveries in {span.TotalSeconds.ToString("F2", CultureInfo.InvariantCulture)} s; backlog committed at {(options.ThroughputEvents / produced.TotalSeconds).ToString("F0", CultureInfo.InvariantCulture)}/s)");
            Console.WriteLine($"CPU per delivery             {PerDelivery(cpuAfter.Self - cpuBefore.Self, options.ThroughputEvents)} dispatcher + receiver, {PerDelivery(cpuAfter.Postgres - cpuBefore.Postgres, options.ThroughputEvents)} PostgreSQL ({Environment.ProcessorCount} cores, load average {LoadAverage()})");
            Console.WriteLine($"duplicates                   {receiver.Posts - receiver.Distinct}");
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

    /// <summary>Receiver time minus the event's created_at, per delivery, sorted; the first <paramref name="skip"/> events (warm-up) left out.</summary>
    private static async Task<List<TimeSpan>> LatenciesAsync(string mailstore, LoadReceiver receiver, int skip)
    {
        await using var connection = new NpgsqlConnection(mailstore);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("""
            SELECT d.id, e.created_at FROM webhook_deliveries d JOIN events e ON e.id = d.event_id ORDER BY e.id OFFSET $1
            """, connection);
        command.Parameters.AddWithValue(skip);
        var latencies = new List<TimeSpan>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            if (receiver.FirstSeen.TryGetValue(reader.GetGuid(0).ToString(), out var seen))
                latencies.Add(seen - reader.GetFieldValue<DateTimeOffset>(1));
        }
        latencies.Sort();
        return latencies;
    }

    /// <summary>Commits message.created events the way inbound mail does: one small message per AppendAsync.</summary>
    private sealed class Producer(MessageService messages, Guid grantId, long inboxId)
    {
        private int _sequence;

        public async Task ProduceAsync(int count, int parallel)
        {
            var remaining = count;
            await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
            {
                while (Interlocked.Decrement(ref remaining) >= 0)
                    await AppendOneAsync();
            }));
        }

        public async Task ProduceAtRateAsync(int count, int perSecond)
        {
            var clock = Stopwatch.StartNew();
            var pending = new List<Task>(count);
            for (var i = 0; i < count; i++)
            {
                var due = TimeSpan.FromSeconds((double)i / perSecond);
                if (due > clock.Elapsed)
                    await Task.Delay(due - clock.Elapsed);
                pending.Add(AppendOneAsync());
            }
            await Task.WhenAll(pending);
        }

        private Task AppendOneAsync()
        {
            var n = Interlocked.Increment(ref _sequence);
            var raw = Encoding.ASCII.GetBytes(
                $"From: Load <load@example.com>\r\nTo: load@agentmail.test\r\nSubject: Load {n}\r\nMessage-ID: <load-{n}-{Guid.NewGuid():N}@example.com>\r\n" +
                $"Date: Sat, 21 Nov 2026 10:00:00 +0000\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nLoad message number {n}.\r\n");
            return messages.AppendAsync(grantId, inboxId, MessageContentReader.Read(raw), new AppendOptions(), CancellationToken.None);
        }
    }

    private sealed record LoadOptions(int Workers, int LatencyEvents, int Rate, int ThroughputEvents, bool Ephemeral, Dictionary<string, string?> Settings)
    {
        public static LoadOptions Parse(string[] args)
        {
            var workers = 1;
            var latencyEvents = 2000;
            var rate = 200;
            var throughputEvents = 20000;
            var ephemeral = false;
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
                    case "--set":
                        var pair = args[++i].Split('=', 2);
                        settings[pair[0]] = pair[1];
                        break;
                    default:
                        throw new ArgumentException($"Unknown option {args[i]}. Options: --workers N, --latency-events N, --rate N/s, --throughput-events N, --ephemeral, --set Webhooks:Key=value");
                }
            }
            return new LoadOptions(workers, latencyEvents, rate, throughputEvents, ephemeral, settings);
        }
    }
}
