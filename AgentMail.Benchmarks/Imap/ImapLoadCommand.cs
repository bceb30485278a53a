using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AgentMail.Benchmarks.Load;
using AgentMail.LocalServers;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Messages;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentMail.Benchmarks.Imap;

/// <summary>
/// IMAP load, outside BenchmarkDotNet (a server under concurrent load is not a micro-benchmark):
/// <list type="bullet">
/// <item><c>imap-load serve --server-dll AgentMail.Imap.dll --data DIR [--users 8]</c>: durable PostgreSQL and Redis from
/// the installed binaries, the IMAP service as its own process, users with app passwords; writes DIR/bench.json, prints
/// READY and runs until its standard input closes.</item>
/// <item><c>imap-load run --port P --password X [--host 127.0.0.1] [--users 8] [--user-format bench{0}@agentmail.test]
/// [--connections 32] [--seconds 30] [--messages 200] [--label name]</c>: against ANY IMAP server over TLS (ours, Dovecot):
/// seeds each user's INBOX to N messages by APPEND, then each connection runs the mix — SELECT, FETCH headers of 20,
/// FETCH a whole body, STORE, APPEND, SEARCH, an IDLE round trip — and reports ops/s and p50/p99 per operation.</item>
/// <item><c>imap-load idle ... --connections 5000</c>: opens that many signed-in IDLE connections, prints IDLING and holds
/// them until standard input closes (the caller measures the server's memory).</item>
/// <item><c>imap-load push --config DIR/bench.json [--samples 300]</c>: a client idles on INBOX while the mailbox core
/// (what the API calls) changes a flag; reports change-call-to-untagged-FETCH latency p50/p99.</item>
/// </list>
/// </summary>
public static class ImapLoadCommand
{
    private sealed record BenchConfig(string Mailstore, string Redis, int ImapsPort, int Pid, string Password, List<string> Users);

    public static async Task<int> RunAsync(string[] args)
    {
        var options = LoadOptions.Parse(args.Skip(1));
        return args.FirstOrDefault() switch
        {
            "serve" => await ServeAsync(options),
            "run" => await LoadAsync(options),
            "idle" => await IdleAsync(options),
            "push" => await PushAsync(options),
            _ => Usage(),
        };
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: imap-load serve --server-dll <AgentMail.Imap.dll> --data <dir> [--users 8]");
        Console.Error.WriteLine("       imap-load run --port P --password X [--host 127.0.0.1] [--users 8] [--user-format bench{0}@agentmail.test] [--connections 32] [--seconds 30] [--messages 200] [--label ours]");
        Console.Error.WriteLine("       imap-load idle --port P --password X [--users 8] [--connections 5000]");
        Console.Error.WriteLine("       imap-load push --config <dir>/bench.json [--samples 300]");
        return 2;
    }

    private static async Task<int> ServeAsync(LoadOptions options)
    {
        var data = Path.GetFullPath(options.Get("data", Path.Combine(Path.GetTempPath(), "agentmail-imap-bench")));
        Directory.CreateDirectory(data);
        await using var postgres = await BenchPostgres.StartAsync(Path.Combine(data, "postgres"));
        await using var redis = await RedisServer.StartAsync(new RedisServerOptions { DataDirectory = Path.Combine(data, "redis") });
        await postgres.CreateDatabaseAsync("mailstore");
        var mailstore = postgres.ConnectionString("mailstore");
        var (imap, imaps, http) = (FreePort.Next(), FreePort.Next(), FreePort.Next());

        // The schema first (the service migrates too; doing it here avoids racing it for grant creation).
        var password = "Bench-Password-2026x";
        var users = new List<string>();
        using (var host = CoreHost.Create(mailstore, redis.ConnectionString))
        {
            await host.StartAsync();
            await host.Services.GetRequiredService<AgentMail.Mailbox.Storage.SchemaMigrator>().MigrateAsync(default);
            host.Services.GetRequiredService<AgentMail.Mailbox.Storage.MailboxDatabase>().MarkReady();
            var grants = host.Services.GetRequiredService<GrantService>();
            for (var i = 0; i < options.Int("users", 8); i++)
                users.Add((await grants.CreateAsync(new CreateGrantRequest($"bench{i}@agentmail.test", AppPassword: password, QuotaBytes: 1L << 40), default)).Email);
            await host.StopAsync();
        }

        await using var server = await ServiceProcess.StartAsync(options.Get("server-dll", ""), new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ConnectionStrings__mailstore"] = mailstore,
            ["ConnectionStrings__redis"] = redis.ConnectionString,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{http}",
            ["IMAP_PORT"] = $"{imap}",
            ["IMAPS_PORT"] = $"{imaps}",
            ["Tls__DevelopmentCertificateDirectory"] = Path.Combine(data, "tls"),
            ["Imap__MaxConnectionsPerGrant"] = "1000000", // the idle measure opens thousands per user
        }, $"http://127.0.0.1:{http}/health");
        var config = new BenchConfig(mailstore, redis.ConnectionString, imaps, server.Id, password, users);
        await File.WriteAllTextAsync(Path.Combine(data, "bench.json"), JsonSerializer.Serialize(config));
        Console.WriteLine($"READY {Path.Combine(data, "bench.json")} (IMAP pid {server.Id}; IMAPS on {imaps}; certificate in {Path.Combine(data, "tls")})");
        await Console.In.ReadToEndAsync();
        return 0;
    }

    private sealed record Target(string Host, int Port, string Password, string UserFormat, int Users)
    {
        public static Target From(LoadOptions options) => new(options.Get("host", "127.0.0.1"), options.Int("port", 993), options.Get("password", ""),
            options.Get("user-format", "bench{0}@agentmail.test"), options.Int("users", 8));

        public string User(int i) => string.Format(CultureInfo.InvariantCulture, UserFormat, i % Users);

        public async Task<ImapLoadClient> SignInAsync(int i, CancellationToken cancellationToken)
        {
            var client = await ImapLoadClient.ConnectAsync(Host, Port, tls: true, cancellationToken);
            await client.LoginAsync(User(i), Password, cancellationToken);
            return client;
        }
    }

    private static readonly (string Name, int Weight)[] Mix =
    [
        ("SELECT", 10), ("FETCH headers", 25), ("FETCH body", 20), ("STORE", 15), ("APPEND", 5), ("SEARCH", 15), ("IDLE", 10),
    ];

    private static async Task<int> LoadAsync(LoadOptions options)
    {
        var target = Target.From(options);
        var connections = options.Int("connections", 32);
        var seconds = options.Int("seconds", 30);
        var messages = options.Int("messages", 200);
        var label = options.Get("label", $"{target.Host}:{target.Port}");

        // Seed: each user's INBOX up to the same number of messages, through the server itself.
        await Parallel.ForAsync(0, target.Users, async (u, cancellationToken) =>
        {
            await using var client = await target.SignInAsync(u, cancellationToken);
            var (_, status) = await client.CommandAsync("STATUS INBOX (MESSAGES)", cancellationToken);
            var have = int.Parse(status[0][(status[0].LastIndexOf("MESSAGES ", StringComparison.Ordinal) + 9)..].TrimEnd(')'), CultureInfo.InvariantCulture);
            for (var i = have; i < messages; i++) await client.CommandAsync("APPEND INBOX", cancellationToken, Message(u, i));
        });

        var latencies = Mix.Select(_ => new List<double>[connections]).ToArray();
        var errors = 0;
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(seconds));
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(c => Task.Run(async () =>
        {
            var random = new Random(c);
            for (var m = 0; m < Mix.Length; m++) latencies[m][c] = new List<double>(4096);
            await using var client = await target.SignInAsync(c, default);
            var (_, selected) = await client.CommandAsync("SELECT INBOX", default);
            var exists = Exists(selected, messages);
            var totalWeight = Mix.Sum(x => x.Weight);
            var appended = 0;
            while (!stop.IsCancellationRequested)
            {
                var pick = random.Next(totalWeight);
                var op = 0;
                while (pick >= Mix[op].Weight) pick -= Mix[op++].Weight;
                var started = Stopwatch.GetTimestamp();
                var status = "OK";
                switch (Mix[op].Name)
                {
                    case "SELECT":
                        (status, selected) = await client.CommandAsync("SELECT INBOX", default);
                        exists = Exists(selected, exists);
                        break;
                    case "FETCH headers":
                        var first = 1 + random.Next(Math.Max(1, exists - 20));
                        (status, _) = await client.CommandAsync($"FETCH {first}:{Math.Min(exists, first + 19)} (UID FLAGS RFC822.SIZE INTERNALDATE BODY.PEEK[HEADER.FIELDS (FROM TO CC SUBJECT DATE MESSAGE-ID)])", default);
                        break;
                    case "FETCH body":
                        (status, _) = await client.CommandAsync($"FETCH {1 + random.Next(exists)} (BODY.PEEK[])", default);
                        break;
                    case "STORE":
                        var flag = random.Next(2) == 0 ? "\\Seen" : "\\Flagged";
                        (status, _) = await client.CommandAsync($"STORE {1 + random.Next(exists)} {(random.Next(2) == 0 ? '+' : '-')}FLAGS ({flag})", default);
                        break;
                    case "APPEND":
                        (status, _) = await client.CommandAsync("APPEND INBOX", default, Message(c, 100_000 + appended++));
                        break;
                    case "SEARCH":
                        (status, _) = await client.CommandAsync(random.Next(2) == 0 ? "SEARCH UNSEEN" : $"SEARCH FROM \"sender{random.Next(10)}\" SINCE 1-Jan-2020", default);
                        break;
                    case "IDLE":
                        await client.IdleRoundTripAsync(default);
                        break;
                }
                if (status != "OK") Interlocked.Increment(ref errors);
                latencies[op][c].Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            }
            await client.CommandAsync("LOGOUT", default);
        })));
        var elapsed = watch.Elapsed.TotalSeconds;

        var all = latencies.SelectMany(l => l.SelectMany(x => x)).Order().ToArray();
        Console.WriteLine(Invariant($"{label}: {all.Length / elapsed:N0} ops/s over {elapsed:N1} s, {connections} connections, {target.Users} users x {messages} messages;") +
            Invariant($" p50 {Percentile(all, 0.50):N2} ms, p99 {Percentile(all, 0.99):N2} ms; {errors} non-OK"));
        for (var m = 0; m < Mix.Length; m++)
        {
            var sorted = latencies[m].SelectMany(x => x).Order().ToArray();
            Console.WriteLine(Invariant($"  {Mix[m].Name,-14} {sorted.Length / elapsed,8:N0} ops/s  p50 {Percentile(sorted, 0.50),7:N2} ms  p99 {Percentile(sorted, 0.99),7:N2} ms"));
        }
        Console.WriteLine(Invariant($"RESULT {label} {all.Length / elapsed:F1}"));
        return errors == 0 ? 0 : 1;
    }

    private static async Task<int> IdleAsync(LoadOptions options)
    {
        var target = Target.From(options);
        var connections = options.Int("connections", 5000);
        var clients = new ImapLoadClient[connections];
        using var gate = new SemaphoreSlim(64);
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, connections).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                var client = await target.SignInAsync(i, default);
                await client.CommandAsync("SELECT INBOX", default);
                await client.StartIdleAsync(default);
                clients[i] = client;
            }
            finally
            {
                gate.Release();
            }
        }));
        Console.WriteLine(Invariant($"IDLING {connections} in {watch.Elapsed.TotalSeconds:N1} s"));
        await Console.In.ReadToEndAsync();
        foreach (var client in clients) await client.DisposeAsync();
        return 0;
    }

    private static async Task<int> PushAsync(LoadOptions options)
    {
        var config = JsonSerializer.Deserialize<BenchConfig>(await File.ReadAllTextAsync(options.Get("config", "")))!;
        var samples = options.Int("samples", 300);
        using var host = CoreHost.Create(config.Mailstore, config.Redis);
        await host.StartAsync();
        host.Services.GetRequiredService<AgentMail.Mailbox.Storage.MailboxDatabase>().MarkReady();
        var grant = (await host.Services.GetRequiredService<GrantService>().FindByEmailAsync(config.Users[0], default))!;
        var inbox = (await host.Services.GetRequiredService<FolderService>().GetByRoleAsync(grant.Id, SystemFolder.InboxRole, default))!;
        var messages = host.Services.GetRequiredService<MessageService>();
        var message = (await messages.GetByUidsAsync(grant.Id, inbox.Id, [new UidRange(1, 1)], default)).FirstOrDefault()
            ?? throw new InvalidOperationException("Seed the mailbox first (imap-load run)");

        await using var client = await ImapLoadClient.ConnectAsync("127.0.0.1", config.ImapsPort, tls: true, default);
        await client.LoginAsync(config.Users[0], config.Password, default);
        await client.CommandAsync("SELECT INBOX", default);
        await client.StartIdleAsync(default);
        var latencies = new List<double>(samples);
        for (var i = 0; i < samples + 20; i++)
        {
            var change = i % 2 == 0 ? FlagChange.Add(MessageFlags.Flagged) : FlagChange.Remove(MessageFlags.Flagged);
            var started = Stopwatch.GetTimestamp();
            await messages.SetFlagsAsync(grant.Id, MessageSelection.Ids(message.Id), change, default);
            while (true)
            {
                var line = await client.ReadLineAsync(default);
                if (line.Contains(" FETCH ", StringComparison.Ordinal)) break;
            }
            if (i >= 20) latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds); // the first 20 warm up
            await Task.Delay(5);
        }
        var sorted = latencies.Order().ToArray();
        Console.WriteLine(Invariant($"push: {samples} flag changes through the mailbox core to an idling client: p50 {Percentile(sorted, 0.50):N2} ms, p99 {Percentile(sorted, 0.99):N2} ms, max {sorted[^1]:N2} ms"));
        await client.WriteAsync("DONE\r\n", default);
        await host.StopAsync();
        return 0;
    }

    private static int Exists(List<string> untagged, int fallback)
    {
        foreach (var line in untagged)
        {
            if (line.EndsWith(" EXISTS", StringComparison.Ordinal) && int.TryParse(line.AsSpan(2, line.Length - 9), CultureInfo.InvariantCulture, out var n)) return n;
        }
        return fallback;
    }

    private static byte[] Message(int user, int i)
    {
        var body = new StringBuilder();
        for (var line = 0; line < 50; line++) body.Append("Line ").Append(line).Append(" of a realistic plain-text message body, about seventy characters long.\r\n");
        return Encoding.ASCII.GetBytes(
            Invariant($"From: Sender {i % 10} <sender{i % 10}@example.com>\r\nTo: bench{user}@agentmail.test\r\nSubject: Load message {i}\r\n") +
            Invariant($"Date: Mon, 4 Mar 2024 10:{i % 60:00}:00 +0000\r\nMessage-ID: <load-{user}-{i}-{Guid.NewGuid():N}@example.com>\r\n") +
            "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + body);
    }

    private static double Percentile(double[] sorted, double p) => Percentiles.Of(sorted, p);

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
