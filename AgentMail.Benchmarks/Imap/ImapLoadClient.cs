using System.Buffers;
using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace AgentMail.Benchmarks.Imap;

/// <summary>
/// A minimal IMAP client for load: sends a command, reads responses until its tag, skipping
/// literal data (counted, not kept). Works against any IMAP server (ours, Dovecot).
/// </summary>
internal sealed class ImapLoadClient : IAsyncDisposable
{
    private readonly TcpClient _tcp;
    private readonly Stream _stream;
    private readonly byte[] _buffer = ArrayPool<byte>.Shared.Rent(32 * 1024);
    private int _start;
    private int _end;
    private int _tag;

    private ImapLoadClient(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
    }

    public static async Task<ImapLoadClient> ConnectAsync(string host, int port, bool tls, CancellationToken cancellationToken)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(host, port, cancellationToken);
        Stream stream = tcp.GetStream();
        if (tls)
        {
            var ssl = new SslStream(stream, false, (_, _, _, _) => true);
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions { TargetHost = "localhost" }, cancellationToken);
            stream = ssl;
        }
        var client = new ImapLoadClient(tcp, stream);
        await client.ReadLineAsync(cancellationToken); // greeting
        return client;
    }

    public async Task LoginAsync(string user, string password, CancellationToken cancellationToken)
    {
        var (status, _) = await CommandAsync($"LOGIN \"{user}\" \"{password}\"", cancellationToken);
        if (status != "OK") throw new InvalidOperationException($"LOGIN {user} failed");
    }

    /// <summary>Runs one command; returns its status and the untagged lines (literal data left out).</summary>
    public async Task<(string Status, List<string> Untagged)> CommandAsync(string command, CancellationToken cancellationToken, byte[]? literal = null)
    {
        var tag = "L" + (++_tag).ToString(CultureInfo.InvariantCulture);
        if (literal is null)
        {
            await WriteAsync($"{tag} {command}\r\n", cancellationToken);
        }
        else
        {
            // LITERAL+ (both servers announce it): the data follows without a continuation.
            await WriteAsync($"{tag} {command} {{{literal.Length}+}}\r\n", cancellationToken, flush: false);
            await _stream.WriteAsync(literal, cancellationToken);
            await WriteAsync("\r\n", cancellationToken);
        }
        return await ReadTaggedAsync(tag, cancellationToken);
    }

    /// <summary>IDLE, wait for the continuation, then DONE: the round trip a client makes to (re)enter IDLE.</summary>
    public async Task IdleRoundTripAsync(CancellationToken cancellationToken)
    {
        var tag = await StartIdleAsync(cancellationToken);
        await WriteAsync("DONE\r\n", cancellationToken);
        await ReadTaggedAsync(tag, cancellationToken);
    }

    public async Task<string> StartIdleAsync(CancellationToken cancellationToken)
    {
        var tag = "L" + (++_tag).ToString(CultureInfo.InvariantCulture);
        await WriteAsync($"{tag} IDLE\r\n", cancellationToken);
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            if (line.StartsWith('+')) return tag;
            if (line.StartsWith(tag + " ", StringComparison.Ordinal)) throw new InvalidOperationException("IDLE refused: " + line);
        }
    }

    public async Task<(string Status, List<string> Untagged)> ReadTaggedAsync(string tag, CancellationToken cancellationToken)
    {
        var untagged = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync(cancellationToken);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal))
            {
                var rest = line[(tag.Length + 1)..];
                var space = rest.IndexOf(' ');
                return (space < 0 ? rest : rest[..space], untagged);
            }
            untagged.Add(line);
        }
    }

    public Task WriteAsync(string text, CancellationToken cancellationToken) => WriteAsync(text, cancellationToken, flush: true);

    private async Task WriteAsync(string text, CancellationToken cancellationToken, bool flush)
    {
        await _stream.WriteAsync(Encoding.UTF8.GetBytes(text), cancellationToken);
        if (flush) await _stream.FlushAsync(cancellationToken);
    }

    /// <summary>One response line; literal data announced at its end is skipped and what follows it appended.</summary>
    public async Task<string> ReadLineAsync(CancellationToken cancellationToken)
    {
        var line = await ReadRawLineAsync(cancellationToken);
        while (LiteralLength(line) is var length and >= 0)
        {
            await SkipAsync(length, cancellationToken);
            line = line + " " + await ReadRawLineAsync(cancellationToken);
        }
        return line;
    }

    private static long LiteralLength(string line)
    {
        if (!line.EndsWith('}')) return -1;
        var open = line.LastIndexOf('{');
        return open >= 0 && long.TryParse(line.AsSpan(open + 1, line.Length - open - 2), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : -1;
    }

    private async Task SkipAsync(long count, CancellationToken cancellationToken)
    {
        while (count > 0)
        {
            if (_start == _end) await FillAsync(cancellationToken);
            var take = (int)Math.Min(count, _end - _start);
            _start += take;
            count -= take;
        }
    }

    private async Task<string> ReadRawLineAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var lf = Array.IndexOf(_buffer, (byte)'\n', _start, _end - _start);
            if (lf >= 0)
            {
                var end = lf > _start && _buffer[lf - 1] == '\r' ? lf - 1 : lf;
                var text = Encoding.Latin1.GetString(_buffer, _start, end - _start);
                _start = lf + 1;
                return text;
            }
            if (_end - _start >= _buffer.Length - 1024) throw new InvalidOperationException("Response line too long for the load client");
            await FillAsync(cancellationToken);
        }
    }

    private async Task FillAsync(CancellationToken cancellationToken)
    {
        if (_start > 0)
        {
            Buffer.BlockCopy(_buffer, _start, _buffer, 0, _end - _start);
            _end -= _start;
            _start = 0;
        }
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), cancellationToken);
        if (read == 0) throw new IOException("The server closed the connection");
        _end += read;
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
        ArrayPool<byte>.Shared.Return(_buffer);
    }
}
