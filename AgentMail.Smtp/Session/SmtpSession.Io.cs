using System.Buffers;
using System.IO.Pipelines;
using AgentMail.Smtp.Protocol;

namespace AgentMail.Smtp.Session;

internal sealed partial class SmtpSession
{
    private enum LineStatus
    {
        Line,
        TooLong,
        BareLineFeed,
        Closed,
    }

    /// <summary>
    /// Reads one line of at most <paramref name="maxLength"/> octets, CRLF included, and parses it
    /// (without CRLF) in place before the pipe moves on. A longer line is discarded through its end
    /// as it arrives — never buffered — and reported as <see cref="LineStatus.TooLong"/>; a line
    /// ended by a bare LF is <see cref="LineStatus.BareLineFeed"/> (RFC 5321 §2.3.8).
    /// </summary>
    private async ValueTask<(LineStatus Status, T Value)> ReadLineAsync<T>(int maxLength, Func<ReadOnlySequence<byte>, T> parse)
    {
        var discarding = false;
        while (true)
        {
            var result = await ReadAsync(_commandWait, _options.CommandTimeout, deadline: null).ConfigureAwait(false);
            var buffer = result.Buffer;
            var lf = buffer.PositionOf((byte)'\n');
            if (lf is not { } end)
            {
                if (discarding || buffer.Length >= maxLength)
                {
                    discarding = true;
                    _input.AdvanceTo(buffer.End);
                }
                else
                {
                    _input.AdvanceTo(buffer.Start, buffer.End);
                    _mustWait = true;
                }
                if (result.IsCompleted)
                    return (LineStatus.Closed, default!);
                continue;
            }

            var next = buffer.GetPosition(1, end);
            var line = buffer.Slice(0, end);
            if (discarding || line.Length + 1 > maxLength)
            {
                _input.AdvanceTo(next);
                return (LineStatus.TooLong, default!);
            }
            if (line.IsEmpty || line.Slice(line.Length - 1).FirstSpan[0] != '\r')
            {
                _input.AdvanceTo(next);
                return (LineStatus.BareLineFeed, default!);
            }
            var value = parse(line.Slice(0, line.Length - 1));
            _input.AdvanceTo(next);
            return (LineStatus.Line, value);
        }
    }

    /// <summary>
    /// What is buffered, or — after flushing our replies, as RFC 2920 requires before waiting —
    /// the next bytes to arrive within <paramref name="timeout"/> (and before <paramref name="deadline"/>).
    /// A timeout ends the session with 421 4.4.2 (RFC 5321 §4.5.3.2); a shutdown with 421 4.3.2.
    /// </summary>
    private async ValueTask<ReadResult> ReadAsync(CancellationTokenSource wait, TimeSpan timeout, DateTimeOffset? deadline)
    {
        if (!_mustWait && _input.TryRead(out var ready))
            return ready;
        _mustWait = false;
        await FlushAsync().ConfigureAwait(false);
        if (deadline is { } until)
        {
            var left = until - _services.Clock.GetUtcNow();
            if (left <= TimeSpan.Zero)
                throw new SessionEndedException(SmtpReplies.Timeout(_host), "transfer took longer than allowed");
            timeout = left < timeout ? left : timeout;
        }
        wait.CancelAfter(timeout);
        try
        {
            return await _input.ReadAsync(wait.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!_connection.ConnectionClosed.IsCancellationRequested)
        {
            throw _services.Stopping.IsCancellationRequested && ReferenceEquals(wait, _commandWait)
                ? new SessionEndedException(SmtpReplies.ShuttingDown(_host), "server shutting down")
                : new SessionEndedException(SmtpReplies.Timeout(_host), "timeout");
        }
        finally
        {
            wait.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Sends the buffered replies; a client that does not read them within the command timeout is dropped.</summary>
    private async ValueTask FlushAsync()
    {
        if (!_pendingOutput)
            return;
        _pendingOutput = false;
        _transferWait.CancelAfter(_options.CommandTimeout);
        try
        {
            var flushed = await _output.FlushAsync(_transferWait.Token).ConfigureAwait(false);
            if (flushed.IsCompleted || flushed.IsCanceled)
                throw new SessionEndedException(null, "connection closed");
        }
        catch (OperationCanceledException)
        {
            throw new SessionEndedException(null, "client not reading replies");
        }
        finally
        {
            _transferWait.CancelAfter(Timeout.InfiniteTimeSpan);
        }
    }
}
