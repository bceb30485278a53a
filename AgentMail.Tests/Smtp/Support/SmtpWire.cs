using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace AgentMail.Tests.Smtp.Support;

/// <summary>
/// A raw SMTP connection for protocol transcripts: send exact bytes, read exact replies. Replies
/// come back as their lines joined with "\n" ("250-a\n250 b"), so a test asserts them whole.
/// </summary>
public sealed class SmtpWire : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly string _thumbprint;
    private Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private SmtpWire(TcpClient tcp, Stream stream, string thumbprint)
    {
        _tcp = tcp;
        _stream = stream;
        _thumbprint = thumbprint;
    }

    public static TimeSpan ReplyTimeout { get; set; } = TimeSpan.FromSeconds(20);

    public static async Task<SmtpWire> ConnectAsync(int port, string? implicitTlsThumbprint, string thumbprint)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        Stream stream = tcp.GetStream();
        if (implicitTlsThumbprint is not null)
        {
            var tls = new SslStream(stream);
            await tls.AuthenticateAsClientAsync(ClientOptions(thumbprint));
            stream = tls;
        }
        return new SmtpWire(tcp, stream, thumbprint);
    }

    public static SslClientAuthenticationOptions ClientOptions(string thumbprint) => new()
    {
        TargetHost = "localhost",
        RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            certificate is not null && new X509Certificate2(certificate).Thumbprint == thumbprint,
    };

    public bool IsTls => _stream is SslStream;

    public static string Base64(string text) => Convert.ToBase64String(Encoding.UTF8.GetBytes(text));

    public static string Plain(string user, string password) => Base64($"\0{user}\0{password}");

    public Task SendAsync(string text) => SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        await _stream.WriteAsync(bytes);
        await _stream.FlushAsync();
    }

    /// <summary>Sends one command line (CRLF added) and reads its reply.</summary>
    public async Task<string> CommandAsync(string line)
    {
        await SendAsync(line + "\r\n");
        return await ReadReplyAsync();
    }

    /// <summary>Reads one complete (possibly multiline) reply.</summary>
    public async Task<string> ReadReplyAsync()
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync() ?? throw new EndOfStreamException("connection closed; reply so far: " + string.Join("\n", lines));
            lines.Add(line);
            if (line.Length < 4 || line[3] != '-')
                return string.Join("\n", lines);
        }
    }

    /// <summary>The next line without its CRLF, or null when the server closed the connection.</summary>
    public async Task<string?> ReadLineAsync()
    {
        using var timeout = new CancellationTokenSource(ReplyTimeout);
        var line = new List<byte>();
        while (true)
        {
            if (_start == _end)
            {
                int read;
                try
                {
                    read = await _stream.ReadAsync(_buffer, timeout.Token);
                }
                catch (IOException)
                {
                    read = 0;
                }
                if (read == 0)
                    return line.Count == 0 ? null : Encoding.UTF8.GetString([.. line]);
                (_start, _end) = (0, read);
            }
            var b = _buffer[_start++];
            if (b == '\n')
                return Encoding.UTF8.GetString([.. line]).TrimEnd('\r');
            line.Add(b);
        }
    }

    /// <summary>True when the server closes the connection (after any replies still on their way, which are returned).</summary>
    public async Task<(bool Closed, List<string> Remaining)> WaitForCloseAsync()
    {
        var rest = new List<string>();
        while (await ReadLineAsync() is { } line)
            rest.Add(line);
        return (true, rest);
    }

    /// <summary>STARTTLS and the handshake, trusting the test certificate.</summary>
    public async Task<string> StartTlsAsync()
    {
        var reply = await CommandAsync("STARTTLS");
        if (!reply.StartsWith("220 ", StringComparison.Ordinal))
            return reply;
        await StartTlsHandshakeOnlyAsync();
        return reply;
    }

    /// <summary>The TLS handshake on the plain connection, after a 220 to STARTTLS read separately.</summary>
    public async Task StartTlsHandshakeOnlyAsync()
    {
        if (_start != _end)
            throw new InvalidOperationException("the server sent bytes after its STARTTLS reply");
        var tls = new SslStream(_stream);
        await tls.AuthenticateAsClientAsync(ClientOptions(_thumbprint));
        _stream = tls;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
