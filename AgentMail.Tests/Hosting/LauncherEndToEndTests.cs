using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using Npgsql;

namespace AgentMail.Tests.Hosting;

/// <summary>
/// The local launcher as a person runs it: everything starts on free ports in a temporary data
/// folder, every service reports healthy, endpoints.json describes what runs, Ctrl-C stops it all,
/// and a second run finds the data of the first.
/// </summary>
public sealed class LauncherEndToEndTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);
    // Generous: the launcher's own worst case is 30 s (10 s of grace for the services, then up to 20 s
    // for Postgres's shutdown checkpoint), and a loaded CI machine stretches both. This asserts a clean stop, not a fast one.
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task The_launcher_runs_the_whole_system_stops_on_SIGINT_and_keeps_its_data()
    {
        using var data = new TempDirectory("agentmail-launcher-");
        string apiKey;
        int[] childPids;
        int postgresPort, redisPort;

        await using (var launcher = LauncherProcess.Start(data.Path, "--free-ports"))
        {
            var endpoints = await launcher.WaitForEndpointsAsync(StartTimeout);

            // Every service is up and healthy, with Postgres and Redis reachable from it.
            var services = endpoints.GetProperty("services");
            Assert.Equal(["api", "imap", "smtp", "webhooks"], services.EnumerateObject().Select(p => p.Name).Order());
            using var http = new HttpClient();
            foreach (var service in services.EnumerateObject())
            {
                using var response = await http.GetAsync(service.Value.GetProperty("health").GetString());
                var report = await HealthReport.ReadAsync(response);
                Assert.True(response.StatusCode == HttpStatusCode.OK, $"{service.Name}: {(int)response.StatusCode} {report}");
                Assert.Equal("Healthy", report.Check("postgres").Status);
                Assert.Equal("Healthy", report.Check("redis").Status);
            }

            // The API: its base URL and the development key, which is the one kept in the data folder.
            var api = endpoints.GetProperty("api");
            apiKey = api.GetProperty("apiKey").GetString()!;
            Assert.StartsWith("am_dev_", apiKey);
            Assert.Equal(apiKey, File.ReadAllText(Path.Combine(data.Path, "api-key")).Trim());
            Assert.Equal(services.GetProperty("api").GetProperty("health").GetString(), api.GetProperty("baseUrl").GetString() + "/health");

            // Mail endpoints: the implicit-TLS ones present the development certificate in the data folder.
            var certificatePath = endpoints.GetProperty("tlsCertificate").GetString()!;
            Assert.Equal(Path.Combine(data.Path, "tls", "agentmail-dev.crt"), certificatePath);
            var certificate = X509Certificate2.CreateFromPem(File.ReadAllText(certificatePath));
            foreach (var (name, tls) in new[] { ("imap", "starttls"), ("imaps", "implicit"), ("smtpSubmission", "starttls"), ("smtpSubmissions", "implicit"), ("smtpMx", "starttls") })
            {
                var entry = endpoints.GetProperty(name);
                Assert.Equal("localhost", entry.GetProperty("host").GetString());
                Assert.Equal(tls, entry.GetProperty("tls").GetString());
                var port = entry.GetProperty("port").GetInt32();
                if (tls == "implicit")
                    Assert.Equal(certificate.Thumbprint, await ServerCertificateThumbprintAsync(port));
                else
                    Assert.True(await AcceptsConnectionsAsync(port), $"{name} on {port}");
            }

            // The stores, as their connection strings say.
            postgresPort = endpoints.GetProperty("postgres").GetProperty("port").GetInt32();
            redisPort = endpoints.GetProperty("redis").GetProperty("port").GetInt32();
            await using (var connection = new NpgsqlConnection(endpoints.GetProperty("postgres").GetProperty("connectionString").GetString() + ";Pooling=false"))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT current_database(); CREATE TABLE kept_between_runs (id int)", connection);
                Assert.Equal("mailstore", await command.ExecuteScalarAsync());
            }
            Assert.Equal($"127.0.0.1:{redisPort}", endpoints.GetProperty("redis").GetProperty("connectionString").GetString());

            // Output is streamed with a prefix per process.
            Assert.Contains("[api]", launcher.Output);
            Assert.Contains("[imap]", launcher.Output);

            // Ctrl-C: everything stops, children first, and nothing is left behind.
            childPids = services.EnumerateObject().Select(s => s.Value.GetProperty("pid").GetInt32()).ToArray();
            Assert.All(childPids, pid => Assert.True(LauncherProcess.IsRunning(pid)));
            Assert.Equal(0, await launcher.InterruptAsync(StopTimeout));
            Assert.All(childPids, pid => Assert.False(LauncherProcess.IsRunning(pid), $"service process {pid} survived the launcher"));
            Assert.False(await AcceptsConnectionsAsync(postgresPort), "Postgres still accepts connections");
            Assert.False(await AcceptsConnectionsAsync(redisPort), "Redis still accepts connections");
            Assert.False(File.Exists(launcher.EndpointsFile), "endpoints.json outlived the launcher");
            Assert.Contains("[launcher] Stopped.", launcher.Output);
        }

        // A second run on the same folder finds the same key and the same database.
        await using (var again = LauncherProcess.Start(data.Path, "--free-ports", "--only", "api"))
        {
            var endpoints = await again.WaitForEndpointsAsync(StartTimeout);
            Assert.Equal(apiKey, endpoints.GetProperty("api").GetProperty("apiKey").GetString());
            Assert.False(endpoints.TryGetProperty("imaps", out _), "--only api still listed IMAP");
            await using (var connection = new NpgsqlConnection(endpoints.GetProperty("postgres").GetProperty("connectionString").GetString() + ";Pooling=false"))
            {
                await connection.OpenAsync();
                await using var command = new NpgsqlCommand("SELECT to_regclass('kept_between_runs') IS NOT NULL", connection);
                Assert.Equal(true, await command.ExecuteScalarAsync());
            }

            // One launcher per data folder, with a message that says what to do.
            await using var second = LauncherProcess.Start(data.Path, "--free-ports");
            Assert.Equal(1, await second.WaitForExitAsync(TimeSpan.FromSeconds(30)));
            Assert.Contains("Another launcher is already running", second.Output);

            Assert.Equal(0, await again.InterruptAsync(StopTimeout));
        }
    }

    [Fact]
    public async Task A_busy_port_is_refused_before_anything_starts_naming_the_option_that_moves_it()
    {
        using var data = new TempDirectory("agentmail-launcher-");
        using var busy = new TcpListener(IPAddress.IPv6Any, 0) { Server = { DualMode = true } };
        busy.Start();
        var port = ((IPEndPoint)busy.LocalEndpoint).Port;

        await using var launcher = LauncherProcess.Start(data.Path, "--free-ports", "--imaps-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(1, await launcher.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"{port} (IMAPS, --imaps-port)", launcher.Output);
        Assert.False(Directory.Exists(Path.Combine(data.Path, "postgres")), "Postgres was initialised despite the refusal");
    }

    [Fact]
    public async Task An_unknown_service_in_only_is_refused()
    {
        using var data = new TempDirectory("agentmail-launcher-");
        await using var launcher = LauncherProcess.Start(data.Path, "--only", "api,pop3");
        Assert.Equal(2, await launcher.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("Unknown service(s) in --only: pop3", launcher.Output);
    }

    private static async Task<string> ServerCertificateThumbprintAsync(int port)
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, _, _, _) => true, // compared by thumbprint below
        });
        return new X509Certificate2(tls.RemoteCertificate!).Thumbprint;
    }

    private static async Task<bool> AcceptsConnectionsAsync(int port)
    {
        try
        {
            using var tcp = new TcpClient();
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await tcp.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
            return true;
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return false;
        }
    }
}
