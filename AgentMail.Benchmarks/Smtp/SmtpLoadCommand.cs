using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using AgentMail.Benchmarks.Load;
using AgentMail.LocalServers;
using AgentMail.Mailbox.Grants;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentMail.Benchmarks.Smtp;

/// <summary>
/// SMTP load, outside BenchmarkDotNet (a server under concurrent load is not a micro-benchmark):
/// <list type="bullet">
/// <item><c>smtp-load serve --server-dll &lt;AgentMail.Smtp.dll&gt; --data &lt;dir&gt; [--grants N]</c> starts a durable
/// PostgreSQL and Redis from the installed binaries, the SMTP service as its own process (delivery
/// worker off: the measure is stored-and-queued), creates N grants with app passwords, writes
/// &lt;dir&gt;/bench.json and runs until its standard input closes;</item>
/// <item><c>smtp-load run --config &lt;dir&gt;/bench.json [--mode submission|mx] [--clients 8] [--messages 20000] [--size 10240] [--grants N]</c>
/// drives it: each client one connection (465 with AUTH PLAIN, or 25), pipelining MAIL, RCPT and
/// DATA, and reports messages/s and the accept latency (MAIL sent → 250 after the data) percentiles.</item>
/// </list>
/// </summary>
public static class SmtpLoadCommand
{
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
        Console.Error.WriteLine("usage: smtp-load serve --server-dll <AgentMail.Smtp.dll> --data <dir> [--grants 8]");
        Console.Error.WriteLine("       smtp-load run --config <dir>/bench.json [--mode submission|mx] [--clients 8] [--messages 20000] [--size 10240] [--grants 8]");
        return 2;
    }

    private sealed record BenchConfig(string Mailstore, string Redis, int SubmissionsPort, int MxPort, string Password, List<string> Grants);

    private static async Task<int> ServeAsync(LoadOptions options)
    {
        var data = Path.GetFullPath(options.Get("data", Path.Combine(Path.GetTempPath(), "agentmail-smtp-bench")));
        Directory.CreateDirectory(data);
        var grantCount = options.Int("grants", 8);
        await using var postgres = await BenchPostgres.StartAsync(Path.Combine(data, "postgres"));
        await using var redis = await RedisServer.StartAsync(new RedisServerOptions { DataDirectory = Path.Combine(data, "redis") });
        var database = $"bench_{DateTime.UtcNow:yyyyMMddHHmmss}";
        await postgres.CreateDatabaseAsync(database);
        var mailstore = postgres.ConnectionString(database);
        var (submission, submissions, mx, http) = (FreePort.Next(), FreePort.Next(), FreePort.Next(), FreePort.Next());

        await using var server = await ServiceProcess.StartAsync(options.Get("server-dll", ""), new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["ConnectionStrings__mailstore"] = mailstore,
            ["ConnectionStrings__redis"] = redis.ConnectionString,
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{http}",
            ["SMTP_PORT"] = $"{submission}",
            ["SMTPS_PORT"] = $"{submissions}",
            ["SMTP_MX_PORT"] = $"{mx}",
            ["Tls__DevelopmentCertificateDirectory"] = Path.Combine(data, "tls"),
            ["Mailbox__Hostname"] = CoreHost.Hostname,
            ["Smtp__Outbound__Enabled"] = "false",
            ["Authentication__MaxFailuresPerClient"] = "1000000",
        }, $"http://127.0.0.1:{http}/health");

        const string password = "Bench-Password-2026x";
        var grants = new List<string>();
        using (var host = CoreHost.Create(mailstore, redis.ConnectionString))
        {
            await host.StartAsync();
            var service = host.Services.GetRequiredService<GrantService>();
            for (var i = 0; i < grantCount; i++)
                grants.Add((await service.CreateAsync(new CreateGrantRequest($"bench{i}@agentmail.test", AppPassword: password), default)).Email);
            await host.StopAsync();
        }
        var config = new BenchConfig(mailstore, redis.ConnectionString, submissions, mx, password, grants);
        await File.WriteAllTextAsync(Path.Combine(data, "bench.json"), JsonSerializer.Serialize(config));
        Console.WriteLine($"READY {Path.Combine(data, "bench.json")} (SMTP pid {server.Id}; 465 on {submissions}, 25 on {mx})");
        await Console.In.ReadToEndAsync(); // until the caller closes standard input
        return 0;
    }

    private static async Task<int> LoadAsync(LoadOptions options)
    {
        var config = JsonSerializer.Deserialize<BenchConfig>(await File.ReadAllTextAsync(options.Get("config", "")))!;
        if (options.Get("mode", "submission") == "core")
            return await CoreLoadAsync(config, options);
        if (options.Get("mode", "submission") == "ingest")
        {
            // One thread, no I/O: what ingest (MessageContentReader.Read) costs per message.
            var messageSize = options.Int("size", 10_240);
            var bytes = Message("bench@agentmail.test", 1, messageSize);
            var body = bytes.AsMemory(0, bytes.Length - 3);
            for (var i = 0; i < 2000; i++)
                AgentMail.Mailbox.Messages.MessageContentReader.Read(body);
            var cpu = System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime;
            var timer = Stopwatch.StartNew();
            var count = options.Int("messages", 20_000);
            for (var i = 0; i < count; i++)
                AgentMail.Mailbox.Messages.MessageContentReader.Read(body);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ingest: {timer.Elapsed.TotalMilliseconds * 1000 / count:0} µs wall, {(System.Diagnostics.Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalMilliseconds * 1000 / count:0} µs CPU per {messageSize}-byte message"));
            return 0;
        }
        var mx = options.Get("mode", "submission") == "mx";
        var clients = options.Int("clients", 8);
        var total = options.Int("messages", 20_000);
        var size = options.Int("size", 10_240);
        var grants = config.Grants.Take(options.Int("grants", config.Grants.Count)).ToList();
        var latencies = new double[total];
        var next = -1;
        var errors = 0;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var grant = grants[client % grants.Count];
            await using var connection = await LoadClient.ConnectAsync(mx ? config.MxPort : config.SubmissionsPort, tls: !mx);
            await connection.ExpectAsync("220");
            await connection.SendAsync("EHLO load.test\r\n");
            await connection.ExpectAsync("250");
            if (!mx)
            {
                await connection.SendAsync($"AUTH PLAIN {Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{grant}\0{config.Password}"))}\r\n");
                await connection.ExpectAsync("235");
            }
            int index;
            while ((index = Interlocked.Increment(ref next)) < total)
            {
                var message = Message(grant, index, size);
                var started = Stopwatch.GetTimestamp();
                // PIPELINING (RFC 2920): MAIL, RCPT and DATA in one write, then the message once 354 arrives.
                await connection.SendAsync($"MAIL FROM:<{(mx ? "sender@example.org" : grant)}>\r\nRCPT TO:<{(mx ? grant : "customer@example.com")}>\r\nDATA\r\n");
                var ok = await connection.ReadCodeAsync() == "250" & await connection.ReadCodeAsync() == "250" & await connection.ReadCodeAsync() == "354";
                if (!ok)
                {
                    Interlocked.Increment(ref errors);
                    await connection.SendAsync("RSET\r\n");
                    await connection.ReadCodeAsync();
                    continue;
                }
                await connection.SendAsync(message);
                if (await connection.ReadCodeAsync() != "250")
                    Interlocked.Increment(ref errors);
                latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
            await connection.SendAsync("QUIT\r\n");
        })));
        watch.Stop();
        var sorted = latencies.Where(l => l > 0).Order().ToArray();
        double Percentile(double p) => Percentiles.Of(sorted, p);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{(mx ? "mx" : "submission")}: {total} messages of {size} bytes, {clients} clients, {grants.Count} grants: {total / watch.Elapsed.TotalSeconds:0} messages/s " +
            $"in {watch.Elapsed.TotalSeconds:0.0} s; accept latency p50 {Percentile(0.50):0.0} ms, p95 {Percentile(0.95):0.0} ms, p99 {Percentile(0.99):0.0} ms, max {Percentile(1):0.0} ms; {errors} errors"));
        return errors == 0 ? 0 : 1;
    }

    /// <summary>
    /// The store alone, for comparison: what the API's send does — ingest, then MessageService.SubmitAsync —
    /// from this process with the same concurrency and messages, no SMTP in between.
    /// </summary>
    private static async Task<int> CoreLoadAsync(BenchConfig config, LoadOptions options)
    {
        var clients = options.Int("clients", 8);
        var total = options.Int("messages", 20_000);
        var size = options.Int("size", 10_240);
        using var host = CoreHost.Create(config.Mailstore, config.Redis);
        await host.StartAsync();
        var grantService = host.Services.GetRequiredService<GrantService>();
        var messages = host.Services.GetRequiredService<AgentMail.Mailbox.Messages.MessageService>();
        var grants = new List<Grant>();
        foreach (var email in config.Grants.Take(options.Int("grants", config.Grants.Count)))
            grants.Add((await grantService.FindByEmailAsync(email, default))!);
        var latencies = new double[total];
        var next = -1;
        var watch = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, clients).Select(client => Task.Run(async () =>
        {
            var grant = grants[client % grants.Count];
            int index;
            while ((index = Interlocked.Increment(ref next)) < total)
            {
                var bytes = Message(grant.Email, index, size);
                var started = Stopwatch.GetTimestamp();
                var content = AgentMail.Mailbox.Messages.MessageContentReader.Read(bytes.AsMemory(0, bytes.Length - 3)); // without the end marker
                await messages.SubmitAsync(grant.Id, content, grant.Email, ["customer@example.com"], default);
                latencies[index] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }
        })));
        watch.Stop();
        var sorted = latencies.Order().ToArray();
        double Percentile(double p) => Percentiles.Of(sorted, p);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"core SubmitAsync: {total} messages of {size} bytes, {clients} writers, {grants.Count} grants: {total / watch.Elapsed.TotalSeconds:0} messages/s " +
            $"in {watch.Elapsed.TotalSeconds:0.0} s; latency p50 {Percentile(0.50):0.0} ms, p95 {Percentile(0.95):0.0} ms, p99 {Percentile(0.99):0.0} ms"));
        await host.StopAsync();
        return 0;
    }

    /// <summary>A 10 KB-ish text message, unique (its own Message-ID), dot-stuffing never needed, with the end marker.</summary>
    private static byte[] Message(string from, int index, int size)
    {
        var text = new StringBuilder(size + 64)
            .Append($"From: <{from}>\r\nTo: <customer@example.com>\r\nSubject: load message {index}\r\n")
            .Append($"Message-ID: <load-{index}-{Guid.NewGuid():N}@load.test>\r\nDate: Sat, 21 Nov 2026 10:00:00 +0000\r\n\r\n");
        while (text.Length < size - 78)
            text.Append(new string((char)('a' + text.Length % 26), 76)).Append("\r\n");
        text.Append(new string('z', Math.Max(0, size - text.Length - 2))).Append("\r\n.\r\n");
        return Encoding.ASCII.GetBytes(text.ToString());
    }

    private sealed class LoadClient : IAsyncDisposable
    {
        private readonly TcpClient _tcp;
        private readonly Stream _stream;
        private readonly byte[] _buffer = new byte[16 * 1024];
        private int _start;
        private int _end;

        private LoadClient(TcpClient tcp, Stream stream) => (_tcp, _stream) = (tcp, stream);

        public static async Task<LoadClient> ConnectAsync(int port, bool tls)
        {
            var tcp = new TcpClient { NoDelay = true };
            await tcp.ConnectAsync("127.0.0.1", port);
            Stream stream = tcp.GetStream();
            if (tls)
            {
                var ssl = new SslStream(stream, false, (_, _, _, _) => true); // the benchmark's own development certificate
                await ssl.AuthenticateAsClientAsync("localhost");
                stream = ssl;
            }
            return new LoadClient(tcp, stream);
        }

        public Task SendAsync(string text) => SendAsync(Encoding.ASCII.GetBytes(text));

        public async Task SendAsync(byte[] bytes)
        {
            await _stream.WriteAsync(bytes);
            await _stream.FlushAsync();
        }

        public async Task ExpectAsync(string code)
        {
            var actual = await ReadCodeAsync();
            if (actual != code)
                throw new InvalidOperationException($"expected {code}, got {actual}");
        }

        /// <summary>Reads one (multiline) reply and returns its code.</summary>
        public async Task<string> ReadCodeAsync()
        {
            while (true)
            {
                var line = await ReadLineAsync();
                if (line.Length < 4 || line[3] != '-')
                    return line.Length >= 3 ? line[..3] : line;
            }
        }

        private async Task<string> ReadLineAsync()
        {
            var line = new StringBuilder();
            while (true)
            {
                if (_start == _end)
                {
                    _end = await _stream.ReadAsync(_buffer);
                    _start = 0;
                    if (_end == 0)
                        throw new EndOfStreamException("server closed the connection");
                }
                var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
                var stop = lf < 0 ? _end : lf;
                line.Append(Encoding.ASCII.GetString(_buffer, _start, stop - _start));
                _start = lf < 0 ? _end : lf + 1;
                if (lf >= 0)
                    return line.ToString().TrimEnd('\r');
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stream.DisposeAsync();
            _tcp.Dispose();
        }
    }
}
