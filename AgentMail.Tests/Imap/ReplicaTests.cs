using System.Globalization;
using System.Net;
using System.Net.Sockets;
using AgentMail.LocalServers;
using AgentMail.Tests.Imap.Support;
using AgentMail.Tests.Infrastructure;

namespace AgentMail.Tests.Imap;

/// <summary>
/// Two IMAP server processes (the built AgentMail.Imap, run with `dotnet`) on one Postgres and
/// Redis, as replicas behind a load balancer: a change made through one is pushed to a client
/// idling on the other, and the per-grant connection limit counts connections on both.
/// </summary>
public sealed class ReplicaTests(ReplicaTests.TwoReplicas replicas) : IClassFixture<ReplicaTests.TwoReplicas>
{
    private const int Limit = 3;

    public sealed class TwoReplicas : IAsyncLifetime
    {
        public ImapTestServer Shared { get; private set; } = null!;
        public ServerProcess First { get; private set; } = null!;
        public ServerProcess Second { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            // The in-process server only provides the migrated database, the certificate and the core for setup.
            Shared = await ImapTestServer.GetSharedAsync();
            var started = await Task.WhenAll(ServerProcess.StartAsync(Shared), ServerProcess.StartAsync(Shared));
            (First, Second) = (started[0], started[1]);
        }

        public async Task DisposeAsync()
        {
            await First.DisposeAsync();
            await Second.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_STORE_on_one_replica_is_pushed_to_a_client_idling_on_the_other()
    {
        var grant = await replicas.Shared.CreateAccountAsync("replica");
        await replicas.Shared.DeliverAsync(grant, "Seen on both");
        await using var idler = await replicas.Second.ConnectAsync(grant);
        await idler.ExpectOkAsync("s", "SELECT INBOX");
        await idler.SendAsync("i IDLE\r\n");
        Assert.Equal("+ idling", await idler.ReadLineAsync());

        await using var writer = await replicas.First.ConnectAsync(grant);
        await writer.ExpectOkAsync("s", "SELECT INBOX");
        Assert.Equal(["* 1 FETCH (FLAGS (\\Flagged))", "f OK STORE completed"], await writer.CommandAsync("f", "STORE 1 +FLAGS (\\Flagged)"));
        Assert.Equal("* 1 FETCH (UID 1 FLAGS (\\Flagged))", await idler.ReadLineAsync());

        await writer.SendAsync("a APPEND INBOX {26+}\r\nSubject: second\r\n\r\nHello\r\n\r\n"); // the literal, then the command's CRLF
        Assert.StartsWith("a OK [APPENDUID ", (await writer.ReadUntilTaggedAsync("a"))[^1]);
        Assert.Equal("* 2 EXISTS", (await idler.ReadUntilAsync(l => l.EndsWith(" EXISTS", StringComparison.Ordinal), TimeSpan.FromSeconds(5)))[^1]);
        await idler.SendAsync("DONE\r\n");
        Assert.Equal("i OK IDLE terminated", (await idler.ReadUntilTaggedAsync("i"))[^1]);
    }

    [Fact]
    public async Task The_connection_limit_counts_both_replicas()
    {
        var grant = await replicas.Shared.CreateAccountAsync("replica-limit");
        var open = new List<ImapWire>
        {
            await replicas.First.ConnectAsync(grant),
            await replicas.First.ConnectAsync(grant),
            await replicas.Second.ConnectAsync(grant),
        };
        try
        {
            foreach (var server in new[] { replicas.First, replicas.Second })
            {
                await using var extra = await ImapWire.ConnectAsync(server.ImapsPort, tls: true);
                await extra.ReadLineAsync();
                await extra.SendAsync($"x LOGIN {grant.Email} {ImapTestServer.Password}\r\n");
                Assert.Equal("* BYE [LIMIT] Too many connections for this account (the limit is 3); close another one and retry", await extra.ReadLineAsync());
            }
            Assert.Equal(["n OK NOOP completed"], await open[2].CommandAsync("n", "NOOP"));

            // A slot freed on the first replica is usable on the second.
            await open[0].CommandAsync("z", "LOGOUT");
            await open[0].DisposeAsync();
            open.RemoveAt(0);
            open.Add(await replicas.Second.ConnectAsync(grant));
            Assert.Equal(["n OK NOOP completed"], await open[^1].CommandAsync("n", "NOOP"));
        }
        finally
        {
            foreach (var wire in open) await wire.DisposeAsync();
        }
    }

    /// <summary>One AgentMail.Imap process, configured through environment variables as a deployment would.</summary>
    public sealed class ServerProcess : IAsyncDisposable
    {
        private readonly ClientProcess _process;

        private ServerProcess(ClientProcess process, int imapsPort)
        {
            _process = process;
            ImapsPort = imapsPort;
        }

        public int ImapsPort { get; }

        public static async Task<ServerProcess> StartAsync(ImapTestServer shared)
        {
            var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
            var dll = Path.Combine(ClientProcess.RepositoryRoot, "AgentMail.Imap", "bin", configuration, "net10.0", "AgentMail.Imap.dll");
            Assert.True(File.Exists(dll), $"{dll} is not built");
            var servers = await TestServers.GetAsync();
            var imapsPort = FreePort.Next();
            string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
            var environment = new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["ConnectionStrings__mailstore"] = shared.Mailbox.ConnectionString,
                ["ConnectionStrings__redis"] = servers.Redis.ConnectionString,
                ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{Text(FreePort.Next())}",
                ["IMAP_PORT"] = Text(FreePort.Next()),
                ["IMAPS_PORT"] = Text(imapsPort),
                ["Authentication__FailureDelay"] = "00:00:00",
                ["Tls__DevelopmentCertificateDirectory"] = ImapTestServer.SharedCertificateDirectory,
                ["Imap__MaxConnectionsPerGrant"] = Text(Limit),
                ["Logging__LogLevel__Default"] = "Warning",
            };
            var process = ClientProcess.Start(DotnetHost(), [dll], Path.GetDirectoryName(dll), environment);
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
            while (true)
            {
                try
                {
                    using var probe = new TcpClient();
                    await probe.ConnectAsync(IPAddress.Loopback, imapsPort);
                    return new ServerProcess(process, imapsPort);
                }
                catch (SocketException) when (DateTime.UtcNow < deadline)
                {
                    await Task.Delay(200);
                }
                catch (SocketException)
                {
                    var output = process.Output + process.Errors;
                    await process.DisposeAsync();
                    throw new TimeoutException("The IMAP process did not listen: " + output);
                }
            }
        }

        public async Task<ImapWire> ConnectAsync(AgentMail.Mailbox.Grants.Grant grant)
        {
            var wire = await ImapWire.ConnectAsync(ImapsPort, tls: true);
            await wire.ReadLineAsync();
            await wire.ExpectOkAsync("L", $"LOGIN \"{grant.Email}\" \"{ImapTestServer.Password}\"");
            return wire;
        }

        private static string DotnetHost() =>
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : ClientProcess.Require("dotnet", "dotnet-sdk-10.0");

        public ValueTask DisposeAsync() => _process.DisposeAsync();
    }
}
