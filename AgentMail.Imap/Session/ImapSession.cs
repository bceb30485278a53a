using System.Diagnostics;
using System.IO.Pipelines;
using System.Net;
using AgentMail.Imap.Commands;
using AgentMail.Imap.Protocol;
using AgentMail.Mailbox;
using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Storage;
using AgentMail.Protocols.Listeners;
using AgentMail.Protocols.StartTls;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;

namespace AgentMail.Imap.Session;

/// <summary>The connection states of RFC 9051 §3.</summary>
public enum SessionState
{
    NotAuthenticated,
    Authenticated,
    Selected,
    Logout,
}

/// <summary>
/// One IMAP connection: reads commands one at a time through the <see cref="CommandFramer"/>,
/// runs them, reports what other sessions and surfaces changed in the selected mailbox where
/// RFC 9051 §7 allows it, and answers with the tagged completion. Everything that may wake it
/// from another thread — a change notification, a timer, a credential rotation, shutdown — only
/// sets a flag and, when the session is waiting for input, cancels that wait
/// (<see cref="PipeReader.CancelPendingRead"/>).
/// </summary>
public sealed partial class ImapSession : IAsyncDisposable
{
    [Flags]
    private enum Wake
    {
        None = 0,
        TimedOut = 1,
        Revoked = 2,
        Keepalive = 4,
        Changed = 8,
        Shutdown = 16,
    }

    private readonly ConnectionContext _connection;
    private readonly ImapServices _services;
    private readonly MailEndpointFeature _endpoint;
    private readonly ITimer _timer;
    private TlsSession? _tls;
    private byte[] _tag = new byte[32];
    private int _tagLength;
    private int _wake;
    private volatile bool _idling;
    private volatile SelectedMailbox? _selected;
    private IAsyncDisposable? _subscription;
    private string? _leaseKey;

    public ImapSession(ConnectionContext connection, ImapServices services)
    {
        _connection = connection;
        _services = services;
        _endpoint = connection.Features.Get<MailEndpointFeature>()
            ?? throw new InvalidOperationException("IMAP connections come from the mail listeners (MailEndpointFeature missing).");
        IsTls = _endpoint.IsImplicitTls;
        RemoteAddress = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        Bind(connection.Transport);
        _timer = services.Clock.CreateTimer(static state => ((ImapSession)state!).OnTimer(), this, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    public string Id => _connection.ConnectionId;
    public IPAddress? RemoteAddress { get; }
    public bool IsTls { get; private set; }
    public ImapServices Services => _services;
    public SessionState State { get; internal set; } = SessionState.NotAuthenticated;
    public Grant? Grant { get; private set; }
    public int CredentialVersion { get; private set; }
    public Extensions Enabled { get; internal set; }
    public ResponseWriter Writer { get; private set; } = null!;
    internal CommandFramer Framer { get; private set; } = null!;
    internal PipeReader Input { get; private set; } = null!;

    /// <summary>The SEARCHRES saved result ("$", RFC 5182), as UIDs.</summary>
    public IReadOnlyList<uint>? SavedResult { get; internal set; }

    public SelectedMailbox? Selected
    {
        get => _selected;
        internal set => _selected = value;
    }

    /// <summary>The tag of the command being executed.</summary>
    public ReadOnlySpan<byte> Tag => _tag.AsSpan(0, _tagLength);

    public Guid GrantId => Grant?.Id ?? throw new InvalidOperationException("Not authenticated.");

    public bool CondStore => (Enabled & (Extensions.CondStore | Extensions.QResync)) != 0;
    public bool QResync => (Enabled & Extensions.QResync) != 0;
    public bool Rev2 => (Enabled & Extensions.Imap4rev2) != 0;

    /// <summary>Mailbox names and quoted strings in UTF-8 (RFC 6855 / IMAP4rev2) rather than modified UTF-7.</summary>
    public bool Utf8Names => (Enabled & (Extensions.Utf8Accept | Extensions.Imap4rev2)) != 0;

    public string CurrentCapabilities => State switch
    {
        SessionState.NotAuthenticated => IsTls ? Capabilities.NotAuthenticated : Capabilities.BeforeTls,
        _ => _services.Capabilities,
    };

    private void Bind(IDuplexPipe transport)
    {
        Input = transport.Input;
        Writer = new ResponseWriter(transport.Output);
        var options = _services.Options;
        Framer = new CommandFramer(Input, Writer, new FramerLimits(options.MaxLineBytes, options.MaxCommandBytes, _services.Mailbox.MaxMessageBytes));
    }

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        ImapTelemetry.Connections.Add(1);
        try
        {
            Writer.UntaggedLine($"OK [CAPABILITY {CurrentCapabilities}] AgentMail IMAP4rev2 server ready");
            ArmInactivityTimer();
            while (State != SessionState.Logout)
            {
                var frame = await Framer.ReadCommandAsync(cancellationToken).ConfigureAwait(false);
                if (frame == FrameKind.Closed) break;
                if (frame == FrameKind.Woken)
                {
                    if (EndOnWake()) break;
                    continue;
                }
                _timer.Change(Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
                await ExecuteAsync(cancellationToken).ConfigureAwait(false);
                ArmInactivityTimer();
            }
            await Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ConnectionClosedException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client went away; nothing to answer.
        }
        catch (SessionEndedException)
        {
            await TryFlushAsync().ConfigureAwait(false);
        }
        catch (Exception e)
        {
            LogSessionFailed(_services.Logger, e, Id);
            Writer.UntaggedLine("BYE [SERVERBUG] Internal server error");
            await TryFlushAsync().ConfigureAwait(false);
        }
        finally
        {
            ImapTelemetry.Connections.Add(-1);
        }
    }

    /// <summary>Handles a wake-up while waiting for a command; true when the session must end.</summary>
    private bool EndOnWake()
    {
        var wake = (Wake)Interlocked.Exchange(ref _wake, 0);
        if ((wake & Wake.Shutdown) != 0)
        {
            Writer.UntaggedLine("BYE [UNAVAILABLE] Server shutting down");
            return true;
        }
        if ((wake & Wake.TimedOut) != 0)
        {
            var limit = State == SessionState.NotAuthenticated ? _services.Options.UnauthenticatedTimeout : _services.Options.InactivityTimeout;
            Writer.UntaggedLine($"BYE Autologout: no command for {Describe(limit)}");
            return true;
        }
        // A rotation is answered at the next command (its BYE); keep that news for then.
        if ((wake & Wake.Revoked) != 0) Interlocked.Or(ref _wake, (int)Wake.Revoked);
        return false;
    }

    private static string Describe(TimeSpan span)
    {
        var (value, unit) = span.TotalMinutes >= 1 && span.TotalSeconds % 60 == 0 ? (span.TotalMinutes, "minute") : (Math.Round(span.TotalSeconds), "second");
        return value == 1 ? $"1 {unit}" : string.Create(System.Globalization.CultureInfo.InvariantCulture, $"{value:0} {unit}s");
    }

    private async Task ExecuteAsync(CancellationToken cancellationToken)
    {
        if (IsStrayDone(Framer.Command.Span))
        {
            Framer.ReleaseFastPath();
            return;
        }
        ImapCommand command;
        try
        {
            var text = Framer.Command;
            command = CommandParser.Parse(text, out var tagLength);
            SetTag(text.Span[..tagLength]);
        }
        catch (ImapSyntaxException e)
        {
            var text = Framer.Command.Span;
            SetTag(text[..CommandParser.TagLength(text)]);
            if (_tagLength == 0)
                Writer.UntaggedLine(text.IsEmpty ? "BAD Empty command line" : $"BAD {e.Message}");
            else
                Writer.Tagged(Tag, "BAD", null, e.Message);
            ImapTelemetry.Commands.Add(1, new KeyValuePair<string, object?>("command", "invalid"), new KeyValuePair<string, object?>("status", "BAD"));
            return;
        }
        finally
        {
            Framer.ReleaseFastPath();
        }

        if ((Wake)Volatile.Read(ref _wake) is var pending && (pending & (Wake.Revoked | Wake.Shutdown)) != 0)
        {
            Writer.UntaggedLine((pending & Wake.Shutdown) != 0
                ? "BYE [UNAVAILABLE] Server shutting down"
                : "BYE [AUTHENTICATIONFAILED] The account's app password changed or the account was removed; sign in again");
            throw new SessionEndedException();
        }

        using var activity = ImapTelemetry.ActivitySource.StartActivity("IMAP " + command.Name, ActivityKind.Server);
        var started = Stopwatch.GetTimestamp();
        CommandResult result;
        if (StateError(command) is { } stateError)
        {
            result = stateError;
        }
        else
        {
            try
            {
                result = await command.ExecuteAsync(this, cancellationToken).ConfigureAwait(false);
            }
            catch (ImapSyntaxException e)
            {
                result = CommandResult.Bad(e.Message);
            }
            catch (MailboxException e)
            {
                result = MapMailboxError(e);
            }
            catch (MailboxNotFoundException e)
            {
                result = CommandResult.No(e.TryCreate ? "TRYCREATE" : "NONEXISTENT", e.Message);
            }
            catch (StoreUnavailableException)
            {
                result = CommandResult.No("UNAVAILABLE", "The mailbox store is temporarily unavailable; try again");
            }
            catch (Exception e) when (e is not (ConnectionClosedException or OperationCanceledException or IOException or SessionEndedException))
            {
                LogCommandFailed(_services.Logger, e, command.Name, Id);
                result = CommandResult.No("SERVERBUG", "Internal server error; the command was not completed");
            }
        }

        if (result.Status != CommandStatus.Written)
        {
            if (Selected is not null && result.Status != CommandStatus.Bad)
                await RefreshAsync(command.AllowsExpungeResponses, cancellationToken).ConfigureAwait(false);
            Writer.Tagged(Tag, result.StatusText, result.Code, result.Text);
        }
        activity?.SetTag("imap.status", result.StatusText);
        ImapTelemetry.Commands.Add(1, new KeyValuePair<string, object?>("command", command.Name), new KeyValuePair<string, object?>("status", result.StatusText));
        ImapTelemetry.CommandDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("command", command.Name));
    }

    private void SetTag(ReadOnlySpan<byte> tag)
    {
        if (tag.Length > _tag.Length) _tag = new byte[Math.Max(tag.Length, _tag.Length * 2)];
        tag.CopyTo(_tag);
        _tagLength = tag.Length;
    }

    private CommandResult? StateError(ImapCommand command)
    {
        var allowed = command.States;
        var ok = State switch
        {
            SessionState.NotAuthenticated => (allowed & CommandStates.NotAuthenticated) != 0,
            SessionState.Authenticated => (allowed & CommandStates.Authenticated) != 0,
            SessionState.Selected => (allowed & CommandStates.Selected) != 0,
            _ => false,
        };
        if (ok) return null;
        return State switch
        {
            SessionState.NotAuthenticated => CommandResult.No(null, $"{command.Name} needs you to sign in first (LOGIN or AUTHENTICATE)"),
            SessionState.Authenticated when (allowed & CommandStates.Selected) != 0 => CommandResult.No(null, $"{command.Name} needs a selected mailbox (SELECT or EXAMINE)"),
            _ => CommandResult.No(null, $"{command.Name} is not allowed after signing in"),
        };
    }

    internal static CommandResult MapMailboxError(MailboxException e) => e.Error switch
    {
        MailboxError.FolderNotFound => CommandResult.No("NONEXISTENT", e.Message),
        MailboxError.FolderAlreadyExists => CommandResult.No("ALREADYEXISTS", e.Message),
        MailboxError.FolderHasChildren => CommandResult.No("HASCHILDREN", e.Message),
        MailboxError.QuotaExceeded => CommandResult.No("OVERQUOTA", e.Message),
        MailboxError.MessageTooLarge => CommandResult.No("TOOBIG", e.Message),
        MailboxError.InvalidFolderName or MailboxError.SystemFolderImmutable => CommandResult.No("CANNOT", e.Message),
        MailboxError.MessageNotFound => CommandResult.No("NONEXISTENT", e.Message),
        MailboxError.GrantNotFound => throw new SessionEndedException(),
        _ => CommandResult.No("CANNOT", e.Message),
    };

    /// <summary>Switches to TLS after STARTTLS (RFC 9051 §6.2.1): the reply is written by the upgrade, then everything is read anew.</summary>
    internal async Task StartTlsAsync(CancellationToken cancellationToken)
    {
        await Writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        var reply = new byte[_tagLength + 31];
        Tag.CopyTo(reply);
        " OK Begin TLS negotiation now\r\n"u8.CopyTo(reply.AsSpan(_tagLength));
        _tls = await StartTlsUpgrade.UpgradeAsync(_connection, reply, _services.Certificates, cancellationToken).ConfigureAwait(false);
        if (_tls.DiscardedPlaintextBytes > 0) LogDiscardedPlaintext(_services.Logger, Id, _tls.DiscardedPlaintextBytes);
        IsTls = true;
        Bind(_tls.Transport);
    }

    /// <summary>Called for every change to the signed-in grant, on the notifying thread: flags only.</summary>
    private void OnChange(MailboxChange change)
    {
        switch (change.Kind)
        {
            case ChangeKind.Messages:
                var selected = Selected;
                if (selected is not null && selected.FolderId == change.FolderId && change.ModSeq > selected.KnownModSeq)
                {
                    selected.MarkDirty();
                    WakeUp(Wake.Changed, cancelRead: _idling);
                }
                break;
            case ChangeKind.Credentials when change.CredentialVersion != CredentialVersion:
            case ChangeKind.GrantDeleted:
                WakeUp(Wake.Revoked, cancelRead: _idling);
                break;
        }
    }

    /// <summary>The periodic poll's findings (<see cref="SessionRegistry"/>): whatever notifications were lost.</summary>
    internal void OnPoll(int? credentialVersion, long? folderModSeq, long folderId)
    {
        if (Grant is null) return;
        if (credentialVersion != CredentialVersion)
        {
            WakeUp(Wake.Revoked, cancelRead: _idling);
            return;
        }
        var selected = Selected;
        if (selected is not null && selected.FolderId == folderId && (folderModSeq is null || folderModSeq > selected.KnownModSeq))
        {
            selected.MarkDirty();
            WakeUp(Wake.Changed, cancelRead: _idling);
        }
    }

    internal void OnShutdown() => WakeUp(Wake.Shutdown, cancelRead: true);

    private void WakeUp(Wake reason, bool cancelRead)
    {
        Interlocked.Or(ref _wake, (int)reason);
        if (cancelRead) Input.CancelPendingRead();
    }

    private void OnTimer()
    {
        if (_idling) WakeUp(Wake.Keepalive, cancelRead: true);
        else WakeUp(Wake.TimedOut, cancelRead: true);
    }

    private void ArmInactivityTimer()
    {
        var timeout = State == SessionState.NotAuthenticated ? _services.Options.UnauthenticatedTimeout : _services.Options.InactivityTimeout;
        _timer.Change(timeout, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Signs the client in as <paramref name="grant"/>: the connection slot, the change feed, the registry.</summary>
    internal async Task<CommandResult> CompleteSignInAsync(Grant grant, int credentialVersion, CancellationToken cancellationToken)
    {
        var key = SessionRegistry.LeaseKey(grant.Id);
        var lease = await _services.Redis.TryAcquireLeaseAsync(key, LeaseHolder, _services.Options.MaxConnectionsPerGrant, _services.Options.ConnectionLeaseTtl).ConfigureAwait(false);
        if (lease == Mailbox.Redis.LeaseResult.LimitReached)
        {
            // Decision (docs/architecture.md): BYE with [LIMIT], then the tagged NO, then close —
            // the older connections are untouched (CLIENTS.md 17).
            var text = $"Too many connections for this account (the limit is {_services.Options.MaxConnectionsPerGrant}); close another one and retry";
            Writer.UntaggedLine($"BYE [LIMIT] {text}");
            Writer.Tagged(Tag, "NO", "LIMIT", text);
            throw new SessionEndedException();
        }
        if (lease == Mailbox.Redis.LeaseResult.Unavailable) LogLeaseUnavailable(_services.Logger, grant.Id);
        else _leaseKey = key;

        Grant = grant;
        CredentialVersion = credentialVersion;
        State = SessionState.Authenticated;
        _subscription = await _services.Changes.SubscribeAsync(grant.Id, OnChange, cancellationToken).ConfigureAwait(false);
        _services.Registry.Add(this);
        return CommandResult.Ok($"CAPABILITY {_services.Capabilities}", "Signed in");
    }

    internal string LeaseHolder => $"{SessionRegistry.ProcessId}:{Id}";

    internal async Task RenewLeaseAsync()
    {
        if (_leaseKey is { } key)
            await _services.Redis.RenewLeaseAsync(key, LeaseHolder, _services.Options.ConnectionLeaseTtl).ConfigureAwait(false);
    }

    private async Task TryFlushAsync()
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            await Writer.FlushAsync(timeout.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is ConnectionClosedException or OperationCanceledException or IOException or ObjectDisposedException or InvalidOperationException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        State = SessionState.Logout;
        await _timer.DisposeAsync().ConfigureAwait(false);
        _services.Registry.Remove(this);
        if (_subscription is not null) await _subscription.DisposeAsync().ConfigureAwait(false);
        if (_leaseKey is not null) await _services.Redis.ReleaseLeaseAsync(_leaseKey, LeaseHolder).ConfigureAwait(false);
        Framer.ReleaseCommand();
        if (_tls is not null) await _tls.DisposeAsync().ConfigureAwait(false);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "IMAP session {ConnectionId} failed")]
    private static partial void LogSessionFailed(ILogger logger, Exception e, string connectionId);

    [LoggerMessage(Level = LogLevel.Error, Message = "IMAP {Command} failed on {ConnectionId}")]
    private static partial void LogCommandFailed(ILogger logger, Exception e, string command, string connectionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "STARTTLS on {ConnectionId} discarded {Bytes} bytes of pipelined plain text")]
    private static partial void LogDiscardedPlaintext(ILogger logger, string connectionId, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis is unavailable: the connection limit of grant {GrantId} is not enforced for this connection")]
    private static partial void LogLeaseUnavailable(ILogger logger, Guid grantId);
}

/// <summary>The session has said BYE (or must stop): close the connection after flushing.</summary>
public sealed class SessionEndedException() : Exception("The session ended.");
