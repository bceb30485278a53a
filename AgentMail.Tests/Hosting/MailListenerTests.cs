using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using AgentMail.LocalServers;
using AgentMail.Protocols.Listeners;
using AgentMail.Protocols.StartTls;
using AgentMail.Protocols.Tls;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace AgentMail.Tests.Hosting;

/// <summary>
/// A Kestrel host with the Protocols listeners, as the IMAP and SMTP services build theirs:
/// implicit TLS, plain with STARTTLS, and HTTP health beside them.
/// </summary>
public sealed class MailListenerTests(MailListenerTests.Host host) : IClassFixture<MailListenerTests.Host>
{
    [Fact]
    public async Task Implicit_TLS_presents_the_development_certificate_before_the_first_byte()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, host.ImapsPort);
        await using var tls = new SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(host.ClientOptions());

        Assert.Equal("* OK imaps tls=True", await ReadLineAsync(tls));
        Assert.Equal(host.CertificateThumbprint, new X509Certificate2(tls.RemoteCertificate!).Thumbprint);
    }

    [Fact]
    public async Task A_real_TLS_client_verifies_the_development_certificate_for_localhost()
    {
        var openssl = BinaryLocator.Find("openssl", ["/usr/bin"]);
        Assert.True(openssl is not null, "openssl is not installed (apt-get install openssl); .ci/run installs it");

        var info = new ProcessStartInfo(openssl!)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "s_client", "-connect", $"127.0.0.1:{host.ImapsPort}", "-servername", "localhost",
                     "-verify_hostname", "localhost", "-CAfile", host.CertificatePath, "-verify_return_error", "-brief", "-ign_eof" })
            info.ArgumentList.Add(argument);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync("QUIT\r\n");
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(20));

        var transcript = await output + await error;
        Assert.Contains("Verification: OK", transcript);
        Assert.Contains("* OK imaps tls=True", transcript);
    }

    [Fact]
    public async Task STARTTLS_carries_the_rest_of_the_session_encrypted_and_intact()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, host.ImapPort);
        var wire = new RecordingStream(tcp.GetStream());
        Assert.Equal("* OK imap tls=False", await ReadLineAsync(wire));
        await wire.WriteAsync("before\r\n"u8.ToArray());
        Assert.Equal("ECHO before", await ReadLineAsync(wire));
        await wire.WriteAsync("STARTTLS\r\n"u8.ToArray());
        Assert.Equal("OK begin TLS", await ReadLineAsync(wire));

        wire.StartRecording();
        await using var tls = new SslStream(wire, leaveInnerStreamOpen: true);
        await tls.AuthenticateAsClientAsync(host.ClientOptions());
        Assert.Equal("* TLS discarded=0", await ReadLineAsync(tls));
        const string secret = "ECHO secret-8c1f0e payload";
        await tls.WriteAsync(Encoding.ASCII.GetBytes(secret + "\r\n"));
        Assert.Equal("ECHO ECHO secret-8c1f0e payload", await ReadLineAsync(tls));

        Assert.Equal(host.CertificateThumbprint, new X509Certificate2(tls.RemoteCertificate!).Thumbprint);
        var onTheWire = wire.Recorded();
        Assert.True(onTheWire.Length > 0);
        Assert.Equal(0x16, onTheWire[0]); // the first byte after the reply is a TLS handshake record
        Assert.DoesNotContain("secret-8c1f0e", Encoding.Latin1.GetString(onTheWire));
    }

    [Fact]
    public async Task Plain_text_pipelined_after_STARTTLS_is_discarded_not_executed()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, host.ImapPort);
        var stream = tcp.GetStream();
        Assert.Equal("* OK imap tls=False", await ReadLineAsync(stream));

        // CVE-2011-0411: a man in the middle appends a command to the client's STARTTLS.
        await stream.WriteAsync("STARTTLS\r\nECHO injected\r\n"u8.ToArray());
        Assert.Equal("OK begin TLS", await ReadLineAsync(stream));
        await using var tls = new SslStream(stream, leaveInnerStreamOpen: true);
        await tls.AuthenticateAsClientAsync(host.ClientOptions());

        Assert.Equal("* TLS discarded=15", await ReadLineAsync(tls));
        await tls.WriteAsync("ECHO after\r\n"u8.ToArray());
        Assert.Equal("ECHO ECHO after", await ReadLineAsync(tls));
    }

    [Fact]
    public async Task A_client_that_never_completes_the_handshake_is_disconnected()
    {
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(IPAddress.Loopback, host.ImapPort);
        var stream = tcp.GetStream();
        Assert.Equal("* OK imap tls=False", await ReadLineAsync(stream));
        await stream.WriteAsync("STARTTLS\r\n"u8.ToArray());
        Assert.Equal("OK begin TLS", await ReadLineAsync(stream));

        await stream.WriteAsync("this is not a ClientHello\r\n"u8.ToArray());

        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        int read;
        try
        {
            do read = await stream.ReadAsync(buffer, timeout.Token);
            while (read > 0); // the server may send a TLS alert before closing
        }
        catch (IOException)
        {
            read = 0; // reset by the server: also closed
        }
        Assert.Equal(0, read);
    }

    [Fact]
    public async Task Health_is_served_over_HTTP_beside_the_mail_listeners()
    {
        using var client = new HttpClient();
        using var response = await client.GetAsync($"http://127.0.0.1:{host.HttpPort}/health");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public void Moving_the_hosting_URLs_to_our_own_listeners_leaves_Kestrel_nothing_to_warn_about()
    {
        Assert.DoesNotContain(host.Warnings.Messages, m => m.Contains("Overriding", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("IMAP_PORT", "abc")]
    [InlineData("IMAPS_PORT", "70000")]
    public void A_port_that_is_not_a_port_is_refused_naming_the_key(string key, string value)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection([new(key, value)]).Build();
        var endpoint = key == "IMAP_PORT" ? MailPorts.Imap : MailPorts.Imaps;
        var error = Assert.Throws<InvalidOperationException>(() => endpoint.ResolvePort(configuration));
        Assert.Contains(key, error.Message);
        Assert.Contains(value, error.Message);
    }

    [Fact]
    public void Ports_default_to_the_IANA_ports_and_follow_their_environment_names()
    {
        var empty = new ConfigurationBuilder().Build();
        Assert.Equal([143, 993, 587, 465, 25], new[] { MailPorts.Imap, MailPorts.Imaps, MailPorts.Submission, MailPorts.Submissions, MailPorts.Mx }.Select(e => e.ResolvePort(empty)));
        Assert.Equal(["IMAP_PORT", "IMAPS_PORT", "SMTP_PORT", "SMTPS_PORT", "SMTP_MX_PORT"], new[] { MailPorts.Imap, MailPorts.Imaps, MailPorts.Submission, MailPorts.Submissions, MailPorts.Mx }.Select(e => e.PortKey));
        var configured = new ConfigurationBuilder().AddInMemoryCollection([new("SMTPS_PORT", "1465")]).Build();
        Assert.Equal(1465, MailPorts.Submissions.ResolvePort(configured));
    }

    private static async Task<string> ReadLineAsync(Stream stream)
    {
        var line = new List<byte>();
        var one = new byte[1];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (await stream.ReadAsync(one, timeout.Token) == 1)
        {
            if (one[0] == '\n')
                return Encoding.ASCII.GetString(line.ToArray()).TrimEnd('\r');
            line.Add(one[0]);
        }
        throw new EndOfStreamException("connection closed before the end of the line: " + Encoding.ASCII.GetString(line.ToArray()));
    }

    /// <summary>
    /// Test protocol: greets with the listener's name, echoes lines, and on STARTTLS upgrades
    /// and reports how many plain-text bytes it discarded.
    /// </summary>
    public sealed class EchoHandler(TlsCertificateProvider certificates) : ConnectionHandler
    {
        public override async Task OnConnectedAsync(ConnectionContext connection)
        {
            var endpoint = connection.Features.Get<MailEndpointFeature>()!;
            TlsSession? tls = null;
            try
            {
                await WriteAsync(connection, $"* OK {endpoint.Endpoint.Name} tls={endpoint.IsImplicitTls}\r\n");
                while (await ReadLineAsync(connection.Transport.Input) is { } line)
                {
                    if (line == "STARTTLS" && tls is null && !endpoint.IsImplicitTls)
                    {
                        tls = await StartTlsUpgrade.UpgradeAsync(connection, "OK begin TLS\r\n"u8.ToArray(), certificates, connection.ConnectionClosed);
                        await WriteAsync(connection, $"* TLS discarded={tls.DiscardedPlaintextBytes}\r\n");
                    }
                    else if (line == "QUIT")
                    {
                        return;
                    }
                    else
                    {
                        await WriteAsync(connection, $"ECHO {line}\r\n");
                    }
                }
            }
            catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException)
            {
                // the client went away or failed the handshake
            }
            finally
            {
                if (tls is not null)
                    await tls.DisposeAsync();
            }
        }

        private static async Task WriteAsync(ConnectionContext connection, string text) =>
            await connection.Transport.Output.WriteAsync(Encoding.ASCII.GetBytes(text));

        private static async Task<string?> ReadLineAsync(PipeReader reader)
        {
            while (true)
            {
                var result = await reader.ReadAsync();
                var buffer = result.Buffer;
                var newline = buffer.PositionOf((byte)'\n');
                if (newline is { } end)
                {
                    var line = Encoding.ASCII.GetString(buffer.Slice(0, end).ToArray()).TrimEnd('\r');
                    reader.AdvanceTo(buffer.GetPosition(1, end));
                    return line;
                }
                if (result.IsCompleted)
                {
                    reader.AdvanceTo(buffer.End);
                    return null;
                }
                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
    }

    /// <summary>Keeps every warning (and worse) the host logs.</summary>
    public sealed class WarningCollector : ILoggerProvider
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _messages = new();

        public IEnumerable<string> Messages => _messages;
        public ILogger CreateLogger(string categoryName) => new Collector(this);
        public void Dispose() { }

        private sealed class Collector(WarningCollector owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
            public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Warning;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                if (IsEnabled(logLevel))
                    owner._messages.Enqueue(formatter(state, exception));
            }
        }
    }

    /// <summary>Passes bytes through and, once asked to, keeps a copy of what the client writes.</summary>
    private sealed class RecordingStream(Stream inner) : Stream
    {
        private readonly MemoryStream _written = new();
        private bool _recording;

        public void StartRecording() => _recording = true;
        public byte[] Recorded() => _written.ToArray();

        public override bool CanRead => true;
        public override bool CanWrite => true;
        public override bool CanSeek => false;
        public override long Length => throw new NotSupportedException();
        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }
        public override int Read(byte[] buffer, int offset, int count) => inner.Read(buffer, offset, count);
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) => inner.ReadAsync(buffer, cancellationToken);
        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) => inner.ReadAsync(buffer, offset, count, cancellationToken);

        public override void Write(byte[] buffer, int offset, int count)
        {
            if (_recording)
                _written.Write(buffer, offset, count);
            inner.Write(buffer, offset, count);
        }

        public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_recording)
                _written.Write(buffer.Span);
            return inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override void Flush() => inner.Flush();
        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();
    }

    public sealed class Host : IAsyncLifetime
    {
        private readonly TempDirectory _contentRoot = new();
        private WebApplication? _app;

        public WarningCollector Warnings { get; } = new();
        public int ImapPort { get; } = FreePort.Next();
        public int ImapsPort { get; } = FreePort.Next();
        public int HttpPort { get; } = FreePort.Next();
        public string CertificatePath => Path.Combine(_contentRoot.Path, ".data", "tls", DevelopmentCertificate.CertificateFileName);
        public string CertificateThumbprint { get; private set; } = "";

        public SslClientAuthenticationOptions ClientOptions() => new()
        {
            TargetHost = "localhost",
            // Trust exactly the development certificate, as a user who imported it would.
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                certificate is not null && new X509Certificate2(certificate).Thumbprint == CertificateThumbprint,
        };

        public async Task InitializeAsync()
        {
            var builder = WebApplication.CreateBuilder(new WebApplicationOptions
            {
                EnvironmentName = "Development",
                ContentRootPath = _contentRoot.Path,
            });
            builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["urls"] = $"http://127.0.0.1:{HttpPort}",
                ["IMAP_PORT"] = ImapPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["IMAPS_PORT"] = ImapsPort.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Tls:HandshakeTimeout"] = "00:00:03",
            });
            builder.Logging.AddProvider(Warnings);
            builder.AddServiceDefaults();
            builder.AddMailListeners<EchoHandler>(MailPorts.Imap, MailPorts.Imaps);
            _app = builder.Build();
            _app.MapDefaultEndpoints();
            await _app.StartAsync();
            CertificateThumbprint = _app.Services.GetRequiredService<TlsCertificateProvider>().Certificate.Thumbprint;
        }

        public async Task DisposeAsync()
        {
            if (_app is not null)
                await _app.DisposeAsync();
            _contentRoot.Dispose();
        }
    }
}
