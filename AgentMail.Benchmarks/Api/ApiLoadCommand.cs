using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
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

namespace AgentMail.Benchmarks.Api;

/// <summary>
/// REST API load, outside BenchmarkDotNet (a server under concurrent load is not a micro-benchmark):
/// <list type="bullet">
/// <item><c>api-load serve --server-dll &lt;AgentMail.Api.dll&gt; --data &lt;dir&gt; [--messages 100000] [--writers 8]</c> starts a
/// durable PostgreSQL and Redis, the API as its own process, seeds one grant with N messages through the
/// core's AppendAsync (in parallel; every row, thread, search vector and counter as real mail makes them),
/// writes &lt;dir&gt;/bench.json and runs until its standard input closes;</item>
/// <item><c>api-load run --config &lt;dir&gt;/bench.json --path &lt;/messages?…&gt; [--connections 16] [--seconds 20] [--send]</c>
/// drives it over HTTP/1.1 keep-alive connections and reports requests/s and latency percentiles;
/// <c>--send</c> posts a new message to <c>/messages/send</c> per request instead.</item>
/// </list>
/// </summary>
public static class ApiLoadCommand
{
    public const string ApiKey = "am_bench_key_0123456789abcdef0123";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = LoadOptions.Parse(args.Skip(1));
        return args.FirstOrDefault() switch
        {
            "serve" => await ServeAsync(options),
            "run" => await LoadAsync(options),
            _ => Usage(),
        };
    }

    private static int Usage()
    {
        Console.Error.WriteLine("usage: api-load serve --server-dll <AgentMail.Api.dll> --data <dir> [--messages 100000] [--writers 8]");
        Console.Error.WriteLine("       api-load run --config <dir>/bench.json --path '/messages?limit=50' [--connections 16] [--seconds 20] [--send]");
        return 2;
    }

    /// <summary>What the load side needs: where the API listens, its key, the seeded grant and a few values to filter by.</summary>
    public sealed record BenchConfig(string BaseUrl, string ApiKey, string GrantId, string ThreadId, string FolderId, int Messages, int ApiPid);

    private static async Task<int> ServeAsync(LoadOptions options)
    {
        var data = Path.GetFullPath(options.Get("data", Path.Combine(Path.GetTempPath(), "agentmail-api-bench")));
        Directory.CreateDirectory(data);
        var count = options.Int("messages", 100_000);
        await using var postgres = await BenchPostgres.StartAsync(Path.Combine(data, "postgres"));
        await using var redis = await RedisServer.StartAsync(new RedisServerOptions { DataDirectory = Path.Combine(data, "redis") });
        var database = $"bench_{DateTime.UtcNow:yyyyMMddHHmmss}";
        await postgres.CreateDatabaseAsync(database);
        var mailstore = postgres.ConnectionString(database);
        var port = FreePort.Next();
        var baseUrl = $"http://127.0.0.1:{port}";

        await using var server = await ServiceProcess.StartAsync(options.Get("server-dll", ""), new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production",
            ["ConnectionStrings__mailstore"] = mailstore,
            ["ConnectionStrings__redis"] = redis.ConnectionString,
            ["ASPNETCORE_URLS"] = baseUrl,
            ["Api__Keys__0"] = ApiKey,
            ["Mailbox__Hostname"] = CoreHost.Hostname,
        }, $"{baseUrl}/health");

        var (grant, thread, folder, seconds) = await SeedAsync(mailstore, redis.ConnectionString, count, options.Int("writers", 8));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"seeded {count} messages in {seconds:0.0} s ({count / seconds:0} messages/s)"));
        var config = new BenchConfig(baseUrl, ApiKey, grant.ToString(), thread.ToString(), folder, count, server.Id);
        await File.WriteAllTextAsync(Path.Combine(data, "bench.json"), JsonSerializer.Serialize(config));
        Console.WriteLine($"READY {Path.Combine(data, "bench.json")} (API pid {server.Id} on {baseUrl})");
        await Console.In.ReadToEndAsync(); // until the caller closes standard input
        return 0;
    }

    /// <summary>
    /// One grant, N messages appended through the core as delivery would: 40 senders, a fifth of the
    /// messages in a "Projects" folder, a third unread, 1 in 20 starred, 1 in 10 with an attachment,
    /// threads of four (In-Reply-To the previous one), received times one minute apart.
    /// </summary>
    private static async Task<(Guid Grant, Guid Thread, string Folder, double Seconds)> SeedAsync(string mailstore, string redis, int count, int writers)
    {
        using var host = CoreHost.Create(mailstore, redis);
        await host.StartAsync();
        var grant = await host.Services.GetRequiredService<GrantService>().CreateAsync(new CreateGrantRequest("bench@agentmail.test"), default);
        var folders = host.Services.GetRequiredService<FolderService>();
        var inbox = (await folders.GetByRoleAsync(grant.Id, SystemFolder.InboxRole, default))!;
        var projects = await folders.CreateAsync(grant.Id, "Projects", default);
        var messages = host.Services.GetRequiredService<MessageService>();
        var start = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var next = -1;
        var thread = Guid.Empty;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, writers).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var content = MessageContentReader.Read(Message(i));
                var appended = await messages.AppendAsync(grant.Id, i % 5 == 4 ? projects.Id : inbox.Id, content, new AppendOptions
                {
                    Flags = (i % 3 == 0 ? MessageFlags.None : MessageFlags.Seen) | (i % 20 == 0 ? MessageFlags.Flagged : MessageFlags.None),
                    InternalDate = start.AddMinutes(i),
                    DeduplicateByMessageId = false,
                }, default);
                if (i == count / 2)
                    thread = appended.Message.ThreadId;
                if ((i + 1) % 10_000 == 0)
                    Console.WriteLine($"  {i + 1} appended, {watch.Elapsed.TotalSeconds:0} s");
            }
        })));
        await host.StopAsync();
        return (grant.Id, thread, projects.PublicId, watch.Elapsed.TotalSeconds);
    }

    private static readonly string[] Words = ["invoice", "meeting", "quarterly", "report", "travel", "contract", "review", "launch", "budget", "hiring", "design", "support"];

    private static byte[] Message(int i)
    {
        var subject = $"{Words[i % Words.Length]} {Words[i / 7 % Words.Length]} #{i}";
        var text = new StringBuilder(2048)
            .Append($"From: Sender {i % 40} <sender{i % 40}@example.com>\r\nTo: <bench@agentmail.test>\r\n")
            .Append(i % 9 == 0 ? $"Cc: <cc{i % 13}@example.org>\r\n" : "")
            .Append($"Subject: {subject}\r\nMessage-ID: <bench-{i}@load.test>\r\n")
            .Append(i % 4 == 0 ? "" : $"In-Reply-To: <bench-{i - 1}@load.test>\r\nReferences: <bench-{i - 1}@load.test>\r\n")
            .Append(string.Create(CultureInfo.InvariantCulture, $"Date: {new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero).AddMinutes(i):ddd, dd MMM yyyy HH:mm:ss} +0000\r\n"))
            .Append("MIME-Version: 1.0\r\n");
        var body = $"Hello,\r\n\r\nthis is about the {subject} ({Words[i / 3 % Words.Length]}, {Words[i / 11 % Words.Length]}).\r\n" +
            string.Concat(Enumerable.Repeat("Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor.\r\n", 8));
        if (i % 10 == 0)
            text.Append("Content-Type: multipart/mixed; boundary=\"b\"\r\n\r\n--b\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n").Append(body)
                .Append("--b\r\nContent-Type: application/pdf\r\nContent-Disposition: attachment; filename=\"report.pdf\"\r\nContent-Transfer-Encoding: base64\r\n\r\n")
                .Append(Convert.ToBase64String(Encoding.ASCII.GetBytes(new string('p', 600)), Base64FormattingOptions.InsertLineBreaks)).Append("\r\n--b--\r\n");
        else
            text.Append("Content-Type: text/plain; charset=utf-8\r\n\r\n").Append(body);
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    /// <summary>Closed-loop load: each connection sends its next request when the previous answer has been read.</summary>
    private static async Task<int> LoadAsync(LoadOptions options)
    {
        var config = JsonSerializer.Deserialize<BenchConfig>(await File.ReadAllTextAsync(options.Get("config", "")))!;
        var connections = options.Int("connections", 16);
        var duration = TimeSpan.FromSeconds(options.Int("seconds", 20));
        var send = options.Has("send");
        var path = send ? "/messages/send" : options.Get("path", "/messages?limit=50");
        var url = $"{config.BaseUrl}/v3/grants/{config.GrantId}{path.Replace("{thread}", config.ThreadId).Replace("{folder}", config.FolderId)}";
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = connections, PooledConnectionLifetime = Timeout.InfiniteTimeSpan };
        using var client = new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", config.ApiKey);

        // Warm-up: JIT, connection pool, Postgres plans.
        using (var first = await client.GetAsync(send ? $"{config.BaseUrl}/v3/grants/{config.GrantId}/messages?limit=1" : url))
            if (first.StatusCode != HttpStatusCode.OK)
            {
                Console.Error.WriteLine($"{(int)first.StatusCode} {await first.Content.ReadAsStringAsync()}");
                return 1;
            }
        await RunLoopAsync(client, url, send, connections, TimeSpan.FromSeconds(3));

        var (latencies, errors, elapsed) = await RunLoopAsync(client, url, send, connections, duration);
        latencies.Sort();
        double Percentile(double p) => Percentiles.Of(latencies, p);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(send ? "POST /messages/send" : "GET " + path)}: {latencies.Count / elapsed.TotalSeconds:0} req/s over {elapsed.TotalSeconds:0} s, {connections} connections; " +
            $"latency p50 {Percentile(0.50):0.00} ms, p90 {Percentile(0.90):0.00} ms, p99 {Percentile(0.99):0.00} ms, max {Percentile(1):0.00} ms; {errors} errors"));
        return errors == 0 ? 0 : 1;
    }

    private static async Task<(List<double> Latencies, int Errors, TimeSpan Elapsed)> RunLoopAsync(HttpClient client, string url, bool send, int connections, TimeSpan duration)
    {
        var errors = 0;
        var counter = 0;
        var watch = Stopwatch.StartNew();
        var perConnection = await Task.WhenAll(Enumerable.Range(0, connections).Select(_ => Task.Run(async () =>
        {
            var latencies = new List<double>(16_384);
            var buffer = new byte[64 * 1024];
            while (watch.Elapsed < duration)
            {
                using var request = new HttpRequestMessage(send ? HttpMethod.Post : HttpMethod.Get, url);
                if (send)
                {
                    var n = Interlocked.Increment(ref counter);
                    request.Content = new StringContent(
                        $$"""{"to":[{"email":"customer{{n % 50}}@example.com"}],"subject":"load {{n}}","body":"Hello from the load test, message {{n}}."}""",
                        Encoding.UTF8, "application/json");
                }
                var started = Stopwatch.GetTimestamp();
                using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
                await using (var stream = await response.Content.ReadAsStreamAsync())
                    while (await stream.ReadAsync(buffer) > 0)
                    {
                    }
                latencies.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (!response.IsSuccessStatusCode)
                    Interlocked.Increment(ref errors);
            }
            return latencies;
        })));
        return (perConnection.SelectMany(l => l).ToList(), errors, watch.Elapsed);
    }
}
