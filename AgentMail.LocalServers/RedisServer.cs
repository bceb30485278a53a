using System.Diagnostics;
using System.Net.Sockets;
using System.Text;

namespace AgentMail.LocalServers;

public sealed record RedisServerOptions
{
    /// <summary>Working folder for the server (its log lives beside it).</summary>
    public required string DataDirectory { get; init; }

    /// <summary>Loopback port; 0 picks a free one.</summary>
    public int Port { get; init; }

    public Action<string>? Output { get; init; }
}

/// <summary>
/// redis-server started from the installed binary on 127.0.0.1. AgentMail keeps nothing durable
/// in Redis (notifications and leases only), so persistence is off.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const int SigTerm = 15;
    private readonly ServerProcess _process;

    private RedisServer(ServerProcess process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>StackExchange.Redis configuration string, as Aspire's <c>ConnectionStrings__redis</c> gives it.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public static async Task<RedisServer> StartAsync(RedisServerOptions options, CancellationToken cancellationToken = default)
    {
        var binary = BinaryLocator.Require("redis-server", "redis-server", ["/usr/bin", "/usr/local/bin"]);
        var directory = Path.GetFullPath(options.DataDirectory);
        Directory.CreateDirectory(directory);
        var port = options.Port == 0 ? FreePort.Next() : options.Port;
        var logFile = Path.Combine(Path.GetDirectoryName(directory)!, Path.GetFileName(directory) + ".log");
        string[] arguments =
        [
            "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--dir", directory,
            "--save", "",
            "--appendonly", "no",
            "--daemonize", "no",
            "--protected-mode", "yes",
        ];
        var process = ServerProcess.Start(binary, arguments, logFile, options.Output, pid => $"kill -TERM {pid}");
        var server = new RedisServer(process, port);
        try
        {
            await server.WaitUntilReadyAsync(logFile, cancellationToken).ConfigureAwait(false);
            return server;
        }
        catch
        {
            await server.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task WaitUntilReadyAsync(string logFile, CancellationToken cancellationToken)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(30))
        {
            if (_process.HasExited)
                throw new InvalidOperationException($"redis-server exited during start-up; see {logFile}");
            if (await PingAsync(cancellationToken).ConfigureAwait(false))
                return;
            await Task.Delay(50, cancellationToken).ConfigureAwait(false);
        }
        throw new TimeoutException($"redis-server did not answer PING within 30 s; see {logFile}");
    }

    /// <summary>True when the server answers PING with PONG.</summary>
    public async Task<bool> PingAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", Port, cancellationToken).ConfigureAwait(false);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray(), cancellationToken).ConfigureAwait(false);
            var buffer = new byte[16];
            var read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
            return Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            ServerProcess.Signal(_process.Id, SigTerm);
            await _process.WaitForExitAsync(TimeSpan.FromSeconds(10)).ConfigureAwait(false);
        }
        await _process.DisposeAsync().ConfigureAwait(false);
    }
}
