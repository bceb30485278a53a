using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace AgentMail.Smtp.Outbound.Client;

/// <summary>A reply received by the client: its code and lines, e.g. "550 5.1.1 No such user".</summary>
public sealed record SmtpClientReply(int Code, IReadOnlyList<string> Lines)
{
    public bool IsPositive => Code is >= 200 and < 400;
    public bool IsTransient => Code is >= 400 and < 500;

    /// <summary>The RFC 3463 code at the start of the text, when the server sent one.</summary>
    public string? Enhanced
    {
        get
        {
            var text = Lines.Count > 0 ? Lines[0] : "";
            var space = text.IndexOf(' ');
            var candidate = space < 0 ? text : text[..space];
            var parts = candidate.Split('.');
            return parts.Length == 3 && parts[0] is "2" or "4" or "5" && parts.Skip(1).All(p => p.Length is > 0 and <= 3 && p.All(char.IsAsciiDigit))
                ? candidate
                : null;
        }
    }

    public override string ToString() => $"{Code} {string.Join(" ", Lines)}".Trim();
}

/// <summary>The server broke the protocol or the connection: a temporary failure of the attempt.</summary>
public sealed class SmtpClientException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// The client side of one SMTP connection, over pipes: replies parsed on a
/// <see cref="SequenceReader{T}"/>, the message written dot-stuffed (RFC 5321 §4.5.2) in chunks
/// with flushes, every wait bounded by the RFC 5321 §4.5.3.2 timeouts given.
/// </summary>
public sealed class SmtpClientConnection : IAsyncDisposable
{
    private const int MaxReplyLine = 4096;
    private readonly TcpClient _tcp;
    private Stream _stream;
    private PipeReader _reader;
    private PipeWriter _writer;
    private Dictionary<string, string> _extensions = new(StringComparer.OrdinalIgnoreCase);

    private SmtpClientConnection(TcpClient tcp, Stream stream, string remoteName)
    {
        _tcp = tcp;
        _stream = stream;
        RemoteName = remoteName;
        _reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
        _writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
    }

    /// <summary>The host name (or address) this connection was made to: the Remote-MTA of a DSN.</summary>
    public string RemoteName { get; }

    public bool IsTls => _stream is SslStream;

    /// <summary>EHLO keywords and their parameters (e.g. SIZE → "26214400").</summary>
    public IReadOnlyDictionary<string, string> Extensions => _extensions;

    /// <summary>Connects (and for implicit TLS, handshakes) within <paramref name="timeout"/>.</summary>
    public static async Task<SmtpClientConnection> ConnectAsync(string remoteName, IPEndPoint endpoint, bool implicitTls,
        RemoteCertificateValidationCallback? validation, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient(endpoint.AddressFamily) { NoDelay = true };
        try
        {
            using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            bounded.CancelAfter(timeout);
            await tcp.ConnectAsync(endpoint, bounded.Token).ConfigureAwait(false);
            Stream stream = tcp.GetStream();
            if (implicitTls)
                stream = await HandshakeAsync(stream, remoteName, validation, bounded.Token).ConfigureAwait(false);
            return new SmtpClientConnection(tcp, stream, remoteName);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            tcp.Dispose();
            throw new SmtpClientException($"connecting to {remoteName} ({endpoint}) timed out");
        }
        catch (Exception e) when (e is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            tcp.Dispose();
            throw new SmtpClientException($"connecting to {remoteName} ({endpoint}) failed: {e.Message}", e);
        }
    }

    /// <summary>EHLO, falling back to HELO when the server does not know it (RFC 5321 §3.2).</summary>
    public async Task<SmtpClientReply> HelloAsync(string name, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var reply = await CommandAsync($"EHLO {name}", timeout, cancellationToken).ConfigureAwait(false);
        if (reply.Code is 500 or 502)
        {
            _extensions = new(StringComparer.OrdinalIgnoreCase);
            return await CommandAsync($"HELO {name}", timeout, cancellationToken).ConfigureAwait(false);
        }
        if (reply.IsPositive)
        {
            _extensions = new(StringComparer.OrdinalIgnoreCase);
            foreach (var line in reply.Lines.Skip(1))
            {
                var space = line.IndexOf(' ');
                _extensions[space < 0 ? line : line[..space]] = space < 0 ? "" : line[(space + 1)..];
            }
        }
        return reply;
    }

    /// <summary>STARTTLS (RFC 3207) and the handshake; the caller says EHLO again afterwards.</summary>
    public async Task<SmtpClientReply> StartTlsAsync(RemoteCertificateValidationCallback? validation, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var reply = await CommandAsync("STARTTLS", timeout, cancellationToken).ConfigureAwait(false);
        if (reply.Code != 220)
            return reply;
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _writer.CompleteAsync().ConfigureAwait(false);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            _stream = await HandshakeAsync(_stream, RemoteName, validation, bounded.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw new SmtpClientException($"TLS with {RemoteName} failed: {e.Message}", e);
        }
        _reader = PipeReader.Create(_stream, new StreamPipeReaderOptions(leaveOpen: true));
        _writer = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        _extensions = new(StringComparer.OrdinalIgnoreCase);
        return reply;
    }

    /// <summary>AUTH PLAIN when offered, else LOGIN (RFC 4954); only ever called over TLS or a configured plain relay.</summary>
    public async Task<SmtpClientReply> AuthenticateAsync(string user, string password, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var mechanisms = _extensions.TryGetValue("AUTH", out var offered) ? offered.Split(' ', StringSplitOptions.RemoveEmptyEntries) : [];
        if (mechanisms.Contains("PLAIN", StringComparer.OrdinalIgnoreCase) || !mechanisms.Contains("LOGIN", StringComparer.OrdinalIgnoreCase))
            return await CommandAsync("AUTH PLAIN " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"\0{user}\0{password}")), timeout, cancellationToken).ConfigureAwait(false);
        var reply = await CommandAsync("AUTH LOGIN", timeout, cancellationToken).ConfigureAwait(false);
        if (reply.Code != 334)
            return reply;
        reply = await CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(user)), timeout, cancellationToken).ConfigureAwait(false);
        if (reply.Code != 334)
            return reply;
        return await CommandAsync(Convert.ToBase64String(Encoding.UTF8.GetBytes(password)), timeout, cancellationToken).ConfigureAwait(false);
    }

    public async Task<SmtpClientReply> CommandAsync(string line, TimeSpan timeout, CancellationToken cancellationToken)
    {
        Encoding.UTF8.GetBytes(line + "\r\n", _writer);
        await FlushAsync(timeout, cancellationToken).ConfigureAwait(false);
        return await ReadReplyAsync(timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Writes the message dot-stuffed, ending with CRLF "." CRLF, then reads the reply (DATA termination timeout).</summary>
    public async Task<SmtpClientReply> SendDataAsync(ReadOnlyMemory<byte> message, TimeSpan blockTimeout, TimeSpan endTimeout, CancellationToken cancellationToken)
    {
        var atLineStart = true;
        var rest = message;
        while (!rest.IsEmpty)
        {
            // One chunk of whole lines (or 64 KiB of a long one) per write.
            var take = Math.Min(rest.Length, 64 * 1024);
            var chunk = rest.Span[..take];
            var written = 0;
            while (written < chunk.Length)
            {
                if (atLineStart && chunk[written] == '.')
                    _writer.Write("."u8);
                var lf = chunk[written..].IndexOf((byte)'\n');
                var end = lf < 0 ? chunk.Length : written + lf + 1;
                _writer.Write(chunk[written..end]);
                atLineStart = lf >= 0;
                written = end;
            }
            rest = rest[take..];
            await FlushAsync(blockTimeout, cancellationToken).ConfigureAwait(false);
        }
        if (!message.Span.EndsWith("\r\n"u8))
            _writer.Write("\r\n"u8);
        _writer.Write(".\r\n"u8);
        await FlushAsync(blockTimeout, cancellationToken).ConfigureAwait(false);
        return await ReadReplyAsync(endTimeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Reads one reply: lines "ddd-text" until "ddd text" (RFC 5321 §4.2.1).</summary>
    public async Task<SmtpClientReply> ReadReplyAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        var lines = new List<string>();
        var code = 0;
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync(bounded.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (TryReadLine(ref buffer, out var line))
                {
                    if (line.Length < 3 || !int.TryParse(line.AsSpan(0, 3), out var lineCode) || lineCode is < 200 or > 599
                        || line.Length > 3 && line[3] is not (' ' or '-') || code != 0 && lineCode != code)
                        throw new SmtpClientException($"{RemoteName} sent a malformed reply: {Printable(line)}");
                    code = lineCode;
                    lines.Add(line.Length > 4 ? Printable(line[4..]) : "");
                    if (line.Length == 3 || line[3] == ' ')
                    {
                        _reader.AdvanceTo(buffer.Start);
                        return new SmtpClientReply(code, lines);
                    }
                    if (lines.Count > 100)
                        throw new SmtpClientException($"{RemoteName} sent a reply of more than 100 lines");
                }
                if (buffer.Length > MaxReplyLine)
                    throw new SmtpClientException($"{RemoteName} sent a reply line over {MaxReplyLine} octets");
                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                    throw new SmtpClientException($"{RemoteName} closed the connection");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SmtpClientException($"{RemoteName} did not reply within {timeout.TotalSeconds:0} s");
        }
        catch (IOException e)
        {
            throw new SmtpClientException($"connection to {RemoteName} lost: {e.Message}", e);
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out string line)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadTo(out ReadOnlySequence<byte> bytes, (byte)'\n'))
        {
            line = "";
            return false;
        }
        buffer = buffer.Slice(reader.Position);
        line = Encoding.UTF8.GetString(bytes).TrimEnd('\r');
        return true;
    }

    private async Task FlushAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            await _writer.FlushAsync(bounded.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SmtpClientException($"{RemoteName} stopped reading for {timeout.TotalSeconds:0} s");
        }
        catch (IOException e)
        {
            throw new SmtpClientException($"connection to {RemoteName} lost: {e.Message}", e);
        }
    }

    private static async Task<SslStream> HandshakeAsync(Stream stream, string remoteName, RemoteCertificateValidationCallback? validation, CancellationToken cancellationToken)
    {
        var tls = new SslStream(stream, leaveInnerStreamOpen: true);
        await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = remoteName,
            RemoteCertificateValidationCallback = validation,
        }, cancellationToken).ConfigureAwait(false);
        return tls;
    }

    /// <summary>Remote text kept for logs, events and DSNs: printable, bounded.</summary>
    private static string Printable(string text)
    {
        var clean = new string(text.Select(c => char.IsControl(c) ? ' ' : c).ToArray());
        return clean.Length <= 512 ? clean : clean[..512];
    }

    public async ValueTask DisposeAsync()
    {
        await _reader.CompleteAsync().ConfigureAwait(false);
        await _writer.CompleteAsync().ConfigureAwait(false);
        await _stream.DisposeAsync().ConfigureAwait(false);
        _tcp.Dispose();
    }
}
