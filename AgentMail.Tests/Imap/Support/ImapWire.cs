using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;

namespace AgentMail.Tests.Imap.Support;

/// <summary>
/// A raw IMAP connection for protocol transcripts: sends exactly the bytes a test writes and
/// returns the server's lines as text, literals inline ("{5}\r\nhello" stays in the line), so
/// tests assert responses exactly as RFC transcripts show them.
/// </summary>
public sealed class ImapWire : IAsyncDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);
    private readonly TcpClient _tcp;
    private Stream _stream;
    private readonly byte[] _buffer = new byte[64 * 1024];
    private int _start;
    private int _end;

    private ImapWire(TcpClient tcp, Stream stream)
    {
        _tcp = tcp;
        _stream = stream;
    }

    public static async Task<ImapWire> ConnectAsync(int port, bool tls)
    {
        var tcp = new TcpClient { NoDelay = true };
        await tcp.ConnectAsync(IPAddress.Loopback, port);
        Stream stream = tcp.GetStream();
        if (tls)
        {
            var ssl = new SslStream(stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
            await ssl.AuthenticateAsClientAsync("localhost");
            stream = ssl;
        }
        return new ImapWire(tcp, stream);
    }

    /// <summary>Switches to TLS after a STARTTLS reply.</summary>
    public async Task StartTlsAsync()
    {
        var ssl = new SslStream(_stream, leaveInnerStreamOpen: false, (_, _, _, _) => true);
        await ssl.AuthenticateAsClientAsync("localhost");
        _stream = ssl;
    }

    public async Task SendAsync(string text) => await SendAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(Timeout);
        await _stream.WriteAsync(bytes, timeout.Token);
        await _stream.FlushAsync(timeout.Token);
    }

    /// <summary>Sends "tag command" and returns every line up to and including the tagged one.</summary>
    public async Task<List<string>> CommandAsync(string tag, string command)
    {
        await SendAsync($"{tag} {command}\r\n");
        return await ReadUntilTaggedAsync(tag);
    }

    /// <summary>Runs a command and asserts its tagged OK; returns the untagged lines.</summary>
    public async Task<List<string>> ExpectOkAsync(string tag, string command)
    {
        var lines = await CommandAsync(tag, command);
        Assert.True(lines[^1].StartsWith($"{tag} OK", StringComparison.Ordinal), $"{command} => {string.Join("\n", lines)}");
        return lines[..^1];
    }

    public async Task<List<string>> ReadUntilTaggedAsync(string tag)
    {
        var lines = new List<string>();
        while (true)
        {
            var line = await ReadLineAsync();
            lines.Add(line);
            if (line.StartsWith(tag + " ", StringComparison.Ordinal)) return lines;
        }
    }

    /// <summary>One response line; a literal at its end is read and kept inline, with what follows it.</summary>
    public async Task<string> ReadLineAsync()
    {
        var line = new StringBuilder();
        while (true)
        {
            var raw = await ReadRawLineAsync();
            line.Append(raw);
            var literal = LiteralLength(raw);
            if (literal < 0) return line.ToString();
            line.Append("\r\n").Append(Encoding.UTF8.GetString(await ReadBytesAsync(literal)));
        }
    }

    /// <summary>Reads lines until one satisfies <paramref name="match"/>; returns all read.</summary>
    public async Task<List<string>> ReadUntilAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var lines = new List<string>();
        using var cancel = new CancellationTokenSource(timeout ?? Timeout);
        while (true)
        {
            var line = await ReadLineAsync().WaitAsync(cancel.Token);
            lines.Add(line);
            if (match(line)) return lines;
        }
    }

    private static int LiteralLength(string line)
    {
        if (!line.EndsWith('}')) return -1;
        var open = line.LastIndexOf('{');
        if (open < 0) return -1;
        var digits = line[(open + 1)..^1].TrimEnd('+');
        return int.TryParse(digits, out var n) ? n : -1;
    }

    private async Task<string> ReadRawLineAsync()
    {
        while (true)
        {
            var span = _buffer.AsSpan(_start, _end - _start);
            var lf = span.IndexOf((byte)'\n');
            if (lf >= 0)
            {
                var text = Encoding.UTF8.GetString(span[..lf]).TrimEnd('\r');
                _start += lf + 1;
                return text;
            }
            await FillAsync();
        }
    }

    public async Task<byte[]> ReadBytesAsync(int count)
    {
        var result = new byte[count];
        var copied = 0;
        while (copied < count)
        {
            if (_start == _end) await FillAsync();
            var n = Math.Min(count - copied, _end - _start);
            _buffer.AsSpan(_start, n).CopyTo(result.AsSpan(copied));
            _start += n;
            copied += n;
        }
        return result;
    }

    private async Task FillAsync()
    {
        if (_start > 0)
        {
            _buffer.AsSpan(_start, _end - _start).CopyTo(_buffer);
            _end -= _start;
            _start = 0;
        }
        if (_end == _buffer.Length) throw new InvalidOperationException("Response line longer than the test buffer");
        using var timeout = new CancellationTokenSource(Timeout);
        var read = await _stream.ReadAsync(_buffer.AsMemory(_end), timeout.Token);
        if (read == 0) throw new EndOfStreamException("The server closed the connection");
        _end += read;
    }

    /// <summary>True when the server closes the connection (after reading what it still sends).</summary>
    public async Task<bool> IsClosedAsync(TimeSpan? wait = null)
    {
        using var timeout = new CancellationTokenSource(wait ?? TimeSpan.FromSeconds(10));
        try
        {
            while (true)
            {
                if (_start < _end)
                {
                    _start = _end;
                    continue;
                }
                var read = await _stream.ReadAsync(_buffer, timeout.Token);
                if (read == 0) return true;
            }
        }
        catch (OperationCanceledException)
        {
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stream.DisposeAsync();
        _tcp.Dispose();
    }
}
