using System.Diagnostics;
using AgentMail.Imap.Commands;

namespace AgentMail.Imap.Session;

public sealed partial class ImapSession
{
    private bool _expectStrayDone;

    /// <summary>
    /// IDLE (RFC 2177, RFC 9051 §6.3.13): "+ idling", then every change as it happens — woken by
    /// the change feed through <see cref="PipeReader.CancelPendingRead"/>, so no thread waits —
    /// "* OK Still here" every <see cref="ImapOptions.IdleKeepaliveInterval"/> (CLIENTS.md 5), until
    /// DONE. After <see cref="ImapOptions.MaxIdleDuration"/> the server ends it with the tagged OK
    /// itself so the client re-issues IDLE; the DONE the client may still send then is ignored.
    /// </summary>
    internal async Task<CommandResult> IdleAsync(CancellationToken cancellationToken)
    {
        Writer.Raw("+ idling\r\n"u8);
        var started = Stopwatch.GetTimestamp();
        Interlocked.And(ref _wake, ~(int)(Wake.Keepalive | Wake.Changed | Wake.TimedOut));
        _idling = true;
        var keepalive = _services.Options.IdleKeepaliveInterval;
        var maxIdle = _services.Options.MaxIdleDuration;
        _timer.Change(keepalive < maxIdle ? keepalive : maxIdle, keepalive < maxIdle ? keepalive : maxIdle);
        try
        {
            while (true)
            {
                var wake = (Wake)Interlocked.Exchange(ref _wake, 0);
                if ((wake & Wake.Shutdown) != 0)
                {
                    Writer.UntaggedLine("BYE [UNAVAILABLE] Server shutting down");
                    throw new SessionEndedException();
                }
                if ((wake & Wake.Revoked) != 0)
                {
                    Writer.UntaggedLine("BYE [AUTHENTICATIONFAILED] The account's app password changed or the account was removed; sign in again");
                    throw new SessionEndedException();
                }
                await RefreshAsync(allowExpunge: true, cancellationToken).ConfigureAwait(false);
                if ((wake & Wake.Keepalive) != 0)
                {
                    if (Stopwatch.GetElapsedTime(started) >= maxIdle)
                    {
                        _expectStrayDone = true;
                        Writer.Tagged(Tag, "OK", null, "IDLE ended by the server after " + Describe(maxIdle) + "; issue IDLE again");
                        return CommandResult.Written;
                    }
                    Writer.UntaggedLine("OK Still here");
                }

                var (line, woken) = await Framer.ReadLineAsync(cancellationToken).ConfigureAwait(false);
                if (woken) continue;
                if (line is null) throw new Protocol.ConnectionClosedException();
                return line.Equals("DONE", StringComparison.OrdinalIgnoreCase)
                    ? CommandResult.Ok("IDLE terminated")
                    : CommandResult.Bad("Expected DONE to end IDLE");
            }
        }
        finally
        {
            _idling = false;
            _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>A DONE that crossed the server's own end of IDLE on the wire is not a command.</summary>
    private bool IsStrayDone(ReadOnlySpan<byte> command)
    {
        var stray = _expectStrayDone && Ascii.EqualsIgnoreCase(command, "DONE"u8);
        _expectStrayDone = false;
        return stray;
    }
}
