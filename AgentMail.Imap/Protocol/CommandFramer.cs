using System.Globalization;
using System.IO.Pipelines;

namespace AgentMail.Imap.Protocol;

/// <summary>How a read from the client ended.</summary>
public enum FrameKind
{
    /// <summary>A whole command is available in <see cref="CommandFramer.Command"/>.</summary>
    Command,

    /// <summary>The read was woken by <see cref="PipeReader.CancelPendingRead"/> (a timer, a change, a revocation); nothing was lost.</summary>
    Woken,

    /// <summary>The client closed the connection.</summary>
    Closed,
}

/// <summary>Limits the framer enforces before reading what the client announces.</summary>
public sealed record FramerLimits(int MaxLineBytes, int MaxCommandBytes, int MaxAppendBytes);

/// <summary>
/// Turns the client's byte stream into whole commands (RFC 9051 §2.2): a command is a line, or
/// lines joined by literals <c>{n}</c> (answered with "+ Ready" before the data is read),
/// <c>{n+}</c> (LITERAL+, RFC 7888: no continuation) and <c>~{n}</c> (literal8, RFC 3516).
/// Literal data is copied into a pooled buffer as it arrives, so a 25 MB APPEND never sits
/// whole in the pipe (which would stall at its back-pressure threshold). A literal larger than
/// allowed is refused with a tagged NO [TOOBIG] before any of it is read; a line longer than
/// allowed is answered with BAD and skipped. A single-line command already contiguous in the
/// pipe is handed out without copying. Before waiting for more input the pending responses are
/// flushed, so pipelined commands are answered in one batch.
/// </summary>
public sealed class CommandFramer(PipeReader input, ResponseWriter writer, FramerLimits limits)
{
    private const int InitialBuffer = 4096;

    private byte[]? _buffer;
    private int _length;
    private bool _inCommand;
    private long _literalRemaining;
    private bool _discarding;
    private bool _discardingLine;
    private bool _isAppend;
    private byte[] _tag = [];
    private bool _needMore;
    private SequencePosition? _fastPathEnd;
    private ReadOnlyMemory<byte> _command;

    /// <summary>The command read by the last <see cref="ReadCommandAsync"/> that returned <see cref="FrameKind.Command"/>, without its final CRLF.</summary>
    public ReadOnlyMemory<byte> Command => _command;

    /// <summary>Bytes announced and then thrown away (rejected literals, over-long lines): for diagnostics.</summary>
    public long DiscardedBytes { get; private set; }

    public async ValueTask<FrameKind> ReadCommandAsync(CancellationToken cancellationToken)
    {
        ReleaseCommand();
        while (true)
        {
            var result = await ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start, buffer.Start);
                return FrameKind.Woken;
            }

            if (_literalRemaining > 0)
            {
                var take = Math.Min(buffer.Length, _literalRemaining);
                if (_discarding)
                    DiscardedBytes += take;
                else
                    Append(buffer.Slice(0, take));
                _literalRemaining -= take;
                input.AdvanceTo(buffer.GetPosition(take));
                _needMore = _literalRemaining > 0;
                if (_needMore && result.IsCompleted) return Closed();
                continue;
            }

            var lf = buffer.PositionOf((byte)'\n');
            if (lf is null)
            {
                if (_discardingLine || buffer.Length > limits.MaxLineBytes)
                {
                    // Far too long: answer once, then drop input up to the end of the line.
                    if (!_discardingLine) RejectLongLine(buffer, complete: false);
                    DiscardedBytes += buffer.Length;
                    input.AdvanceTo(buffer.End);
                    _needMore = true;
                    if (result.IsCompleted) return Closed();
                    continue;
                }
                if (result.IsCompleted)
                {
                    input.AdvanceTo(buffer.End);
                    return Closed();
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                _needMore = true;
                continue;
            }

            var next = buffer.GetPosition(1, lf.Value);
            var line = buffer.Slice(0, lf.Value);
            if (_discardingLine)
            {
                _discardingLine = false;
                DiscardedBytes += line.Length + 1;
                input.AdvanceTo(next);
                Reset();
                continue;
            }
            if (line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r') line = line.Slice(0, line.Length - 1);
            if (line.Length > limits.MaxLineBytes)
            {
                RejectLongLine(line, complete: true);
                DiscardedBytes += line.Length;
                input.AdvanceTo(next);
                Reset();
                continue;
            }

            var literal = FindLiteral(line);
            if (_discarding)
            {
                // The rest of a refused command: skip its lines, and the data of non-synchronizing literals.
                DiscardedBytes += line.Length;
                input.AdvanceTo(next);
                if (literal is { NonSynchronizing: true } l) _literalRemaining = l.Length;
                else Reset();
                continue;
            }

            if (!_inCommand && literal is null && line.IsSingleSegment)
            {
                _command = line.First;
                _fastPathEnd = next;
                return FrameKind.Command;
            }

            if (!_inCommand) StartCommand(line);
            Append(line);
            if (literal is null)
            {
                input.AdvanceTo(next);
                _command = _buffer.AsMemory(0, _length);
                _inCommand = false;
                return FrameKind.Command;
            }

            Append("\r\n"u8);
            input.AdvanceTo(next);
            var (length, nonSynchronizing) = (literal.Value.Length, literal.Value.NonSynchronizing);
            var refusal = CheckLiteral(length);
            if (refusal is not null)
            {
                writer.Tagged(TagOrStar(), "NO", "TOOBIG", refusal);
                if (nonSynchronizing)
                {
                    // RFC 7888 §4: the data is on its way; read and discard it and the rest of the command.
                    _discarding = true;
                    _literalRemaining = length;
                }
                else
                {
                    Reset(); // the client sends nothing more for this command
                }
                continue;
            }
            EnsureCapacity(_length + (int)length + 2);
            if (!nonSynchronizing)
            {
                writer.Raw("+ Ready for literal data\r\n"u8);
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
            _literalRemaining = length;
            if (length == 0) _needMore = false;
        }
    }

    /// <summary>
    /// One raw line (an AUTHENTICATE response, IDLE's DONE), without its line break; null when
    /// the client closed the connection. <paramref name="woken"/> is true when a wake-up
    /// interrupted the wait (call again to keep waiting).
    /// </summary>
    public async ValueTask<(string? Line, bool Woken)> ReadLineAsync(CancellationToken cancellationToken)
    {
        ReleaseCommand();
        while (true)
        {
            var result = await ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            if (result.IsCanceled)
            {
                input.AdvanceTo(buffer.Start, buffer.Start);
                return (null, true);
            }
            var lf = buffer.PositionOf((byte)'\n');
            if (lf is null)
            {
                if (buffer.Length > limits.MaxLineBytes)
                {
                    input.AdvanceTo(buffer.End);
                    _discardingLine = true;
                    return ("", false); // an over-long line is not a valid response; callers reject it
                }
                input.AdvanceTo(buffer.Start, buffer.End);
                _needMore = true;
                if (result.IsCompleted) return (null, false);
                continue;
            }
            var line = buffer.Slice(0, lf.Value);
            if (line.Length > 0 && line.Slice(line.Length - 1).FirstSpan[0] == (byte)'\r') line = line.Slice(0, line.Length - 1);
            var text = Encoding.Latin1.GetString(line);
            input.AdvanceTo(buffer.GetPosition(1, lf.Value));
            return (text, false);
        }
    }

    /// <summary>Advances past a zero-copy command once it is parsed (its bytes are in the pipe's buffer).</summary>
    public void ReleaseFastPath()
    {
        if (_fastPathEnd is { } end)
        {
            _fastPathEnd = null;
            _command = default;
            input.AdvanceTo(end);
        }
    }

    /// <summary>Gives back what the last command held: advances past a zero-copy command, returns a large buffer to the pool.</summary>
    public void ReleaseCommand()
    {
        if (_fastPathEnd is { } end)
        {
            _fastPathEnd = null;
            input.AdvanceTo(end);
        }
        _command = default;
        if (!_inCommand && _buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = null;
            _length = 0;
        }
    }

    private async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken)
    {
        if (!_needMore && input.TryRead(out var buffered))
        {
            if (buffered.IsCanceled || buffered.IsCompleted || buffered.Buffer.PositionOf((byte)'\n') is not null || _literalRemaining > 0)
                return buffered;
            input.AdvanceTo(buffered.Buffer.Start, buffered.Buffer.End);
        }
        _needMore = false;
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        return await input.ReadAsync(cancellationToken).ConfigureAwait(false);
    }

    private FrameKind Closed()
    {
        Reset();
        return FrameKind.Closed;
    }

    private void Reset()
    {
        _inCommand = false;
        _discarding = false;
        _literalRemaining = 0;
        _isAppend = false;
        _length = 0;
    }

    private void StartCommand(ReadOnlySequence<byte> firstLine)
    {
        _inCommand = true;
        _length = 0;
        Span<byte> head = stackalloc byte[Math.Min(256, (int)firstLine.Length)];
        firstLine.Slice(0, head.Length).CopyTo(head);
        var space = head.IndexOf((byte)' ');
        var tag = space > 0 ? head[..space] : [];
        _tag = IsTag(tag) ? tag.ToArray() : [];
        _isAppend = false;
        if (space > 0)
        {
            var rest = head[(space + 1)..];
            var end = rest.IndexOf((byte)' ');
            var name = end < 0 ? rest : rest[..end];
            _isAppend = Ascii.EqualsIgnoreCase(name, "APPEND"u8);
        }
    }

    private static bool IsTag(ReadOnlySpan<byte> tag)
    {
        if (tag.IsEmpty) return false;
        foreach (var b in tag)
        {
            if (!ImapChars.IsTagChar(b)) return false;
        }
        return true;
    }

    private ReadOnlySpan<byte> TagOrStar() => _tag.Length > 0 ? _tag : "*"u8;

    private string? CheckLiteral(long length)
    {
        if (_isAppend)
        {
            return length > limits.MaxAppendBytes
                ? string.Create(CultureInfo.InvariantCulture, $"Message too large: {length} bytes; the limit is {limits.MaxAppendBytes} bytes")
                : null;
        }
        return _length + length > limits.MaxCommandBytes
            ? string.Create(CultureInfo.InvariantCulture, $"Literal too large: commands other than APPEND are limited to {limits.MaxCommandBytes} bytes")
            : null;
    }

    private void RejectLongLine(ReadOnlySequence<byte> line, bool complete)
    {
        if (!_inCommand) StartCommand(line);
        writer.Tagged(TagOrStar(), "BAD", "TOOBIG", string.Create(CultureInfo.InvariantCulture, $"Command line too long (the limit is {limits.MaxLineBytes} bytes)"));
        _discardingLine = !complete;
        Reset();
    }

    private readonly record struct LiteralMarker(long Length, bool NonSynchronizing);

    /// <summary>A literal announced at the end of a line: "{n}", "{n+}" or "~{n}".</summary>
    private static LiteralMarker? FindLiteral(ReadOnlySequence<byte> line)
    {
        if (line.Length < 3) return null;
        Span<byte> tail = stackalloc byte[(int)Math.Min(24, line.Length)];
        line.Slice(line.Length - tail.Length).CopyTo(tail);
        if (tail[^1] != (byte)'}') return null;
        var open = tail.LastIndexOf((byte)'{');
        if (open < 0) return null;
        var digits = tail[(open + 1)..^1];
        var nonSync = digits.Length > 0 && digits[^1] == (byte)'+';
        if (nonSync) digits = digits[..^1];
        if (digits.IsEmpty || digits.Length > 18 || digits.IndexOfAnyExceptInRange((byte)'0', (byte)'9') >= 0) return null;
        return new LiteralMarker(long.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture), nonSync);
    }

    private void Append(ReadOnlySequence<byte> bytes)
    {
        EnsureCapacity(_length + (int)bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += (int)bytes.Length;
    }

    private void Append(ReadOnlySpan<byte> bytes)
    {
        EnsureCapacity(_length + bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    private void EnsureCapacity(int size)
    {
        if (_buffer is not null && _buffer.Length >= size) return;
        var grown = ArrayPool<byte>.Shared.Rent(Math.Max(size, Math.Max(InitialBuffer, (_buffer?.Length ?? 0) * 2)));
        if (_buffer is not null)
        {
            _buffer.AsSpan(0, _length).CopyTo(grown);
            ArrayPool<byte>.Shared.Return(_buffer);
        }
        _buffer = grown;
    }
}
