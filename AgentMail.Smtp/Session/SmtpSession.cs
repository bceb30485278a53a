using System.IO.Pipelines;
using System.Net;
using AgentMail.Protocols.Listeners;
using AgentMail.Protocols.StartTls;
using AgentMail.Smtp.Protocol;
using Microsoft.AspNetCore.Connections;

namespace AgentMail.Smtp.Session;

/// <summary>
/// One SMTP session over a connection's pipes: the greeting, then command after command until
/// QUIT, a 421, or the client leaves. Replies are buffered while the client has pipelined more
/// commands and flushed before the server waits for input (RFC 2920 §3.1), so a pipelining
/// client gets one write per group of commands.
/// </summary>
internal sealed partial class SmtpSession : IAsyncDisposable
{
    private readonly ConnectionContext _connection;
    private readonly SmtpSessionServices _services;
    private readonly SmtpOptions _options;
    private readonly SessionRole _role;
    private readonly string _host;
    private readonly IPAddress? _client;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _commandWait;
    private readonly CancellationTokenSource _transferWait;

    private PipeReader _input;
    private PipeWriter _output;
    private TlsSession? _tls;
    private bool _isTls;
    private bool _canStartTls;
    private string? _clientName;
    private bool _esmtp;
    private Authenticated? _authenticated;
    private MailTransaction? _transaction;
    private int _errors;
    private int _authFailures;
    private bool _mustWait;
    private bool _pendingOutput;
    private bool _quit;

    public SmtpSession(ConnectionContext connection, MailEndpointFeature endpoint, SmtpSessionServices services)
    {
        _connection = connection;
        _services = services;
        _options = services.Options;
        _host = services.Hostname;
        _logger = services.Logger;
        _role = endpoint.Endpoint.Name == MailPorts.Mx.Name ? SessionRole.Mx : SessionRole.Submission;
        _isTls = endpoint.IsImplicitTls;
        _canStartTls = !endpoint.IsImplicitTls;
        _client = (connection.RemoteEndPoint as IPEndPoint)?.Address;
        _input = connection.Transport.Input;
        _output = connection.Transport.Output;
        // A command wait also ends when the server shuts down; a transfer in progress is let finish.
        _commandWait = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed, services.Stopping);
        _transferWait = CancellationTokenSource.CreateLinkedTokenSource(connection.ConnectionClosed);
    }

    public async Task RunAsync()
    {
        SmtpTelemetry.Sessions.Add(1, new KeyValuePair<string, object?>("role", _role.ToString()));
        try
        {
            Reply(SmtpReplies.Greeting(_host));
            while (!_quit)
            {
                var (status, parsed) = await ReadLineAsync(_options.MaxCommandLineLength, static line => SmtpCommandParser.Parse(line)).ConfigureAwait(false);
                switch (status)
                {
                    case LineStatus.Closed:
                        return;
                    case LineStatus.TooLong:
                        Reply(SmtpReplies.LineTooLong);
                        continue;
                    case LineStatus.BareLineFeed:
                        Reply(SmtpReplies.BareLineFeed);
                        continue;
                }
                if (parsed.Error is { } error)
                {
                    Reply(error);
                    continue;
                }
                await ExecuteAsync(parsed.Command!).ConfigureAwait(false);
            }
            await FlushAsync().ConfigureAwait(false);
        }
        catch (SessionEndedException ended)
        {
            LogSessionEnded(_logger, _client, ended.Message);
            if (ended.Reply is { } reply && !_connection.ConnectionClosed.IsCancellationRequested)
            {
                try
                {
                    reply.WriteTo(_output);
                    _pendingOutput = true;
                    await FlushAsync().ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException or SessionEndedException or OperationCanceledException or InvalidOperationException)
                {
                    // The client is gone or not reading; nobody to tell.
                }
            }
        }
        catch (Exception e) when (e is IOException or ConnectionResetException or ConnectionAbortedException or OperationCanceledException)
        {
            LogConnectionLost(_logger, _client, e.Message);
        }
    }

    private async Task ExecuteAsync(SmtpCommand command)
    {
        // Credentials rotated or the grant deleted since AUTH: the session ends at its next command.
        if (_authenticated is { Revoked: true } && command.Verb != SmtpVerb.Quit)
            throw new SessionEndedException(SmtpReplies.CredentialsChanged(_host), "credentials changed");

        switch (command.Verb)
        {
            case SmtpVerb.Ehlo:
            case SmtpVerb.Helo:
                Hello(command);
                break;
            case SmtpVerb.StartTls:
                await StartTlsAsync().ConfigureAwait(false);
                break;
            case SmtpVerb.Auth:
                await AuthenticateAsync(command).ConfigureAwait(false);
                break;
            case SmtpVerb.Mail:
                await MailAsync(command).ConfigureAwait(false);
                break;
            case SmtpVerb.Rcpt:
                await RcptAsync(command).ConfigureAwait(false);
                break;
            case SmtpVerb.Data:
                await DataAsync().ConfigureAwait(false);
                break;
            case SmtpVerb.Bdat:
                await BdatAsync(command).ConfigureAwait(false);
                break;
            case SmtpVerb.Rset:
                ResetTransaction();
                Reply(SmtpReplies.ResetOk);
                break;
            case SmtpVerb.Noop:
                Reply(SmtpReplies.Ok);
                break;
            case SmtpVerb.Quit:
                Reply(SmtpReplies.Bye(_host));
                _quit = true;
                break;
            case SmtpVerb.Vrfy:
                Reply(SmtpReplies.CannotVerify); // RFC 5321 §3.5.3; no address harvesting
                break;
            case SmtpVerb.Help:
                Reply(SmtpReplies.Help);
                break;
            default:
                Reply(SmtpReplies.NotImplemented); // EXPN
                break;
        }
    }

    private void Hello(SmtpCommand command)
    {
        ResetTransaction(); // RFC 5321 §4.1.4: EHLO/HELO clear the transaction
        _clientName = command.Argument;
        _esmtp = command.Verb == SmtpVerb.Ehlo;
        if (!_esmtp)
        {
            Reply(SmtpReplies.Helo(_host, command.Argument));
            return;
        }
        List<string> lines =
        [
            $"{_host} Hello {command.Argument}",
            "PIPELINING",
            $"SIZE {_services.MaxMessageBytes}",
            "8BITMIME",
            "ENHANCEDSTATUSCODES",
            "SMTPUTF8",
            "CHUNKING",
        ];
        if (_canStartTls && !_isTls)
            lines.Add("STARTTLS");
        // RFC 4954 §4 / RFC 8314: never offer a password prompt in plain text.
        if (_role == SessionRole.Submission && _isTls)
            lines.Add("AUTH PLAIN LOGIN");
        Reply(new SmtpReply(250, null, [.. lines]));
    }

    private async Task StartTlsAsync()
    {
        if (_isTls)
        {
            Reply(SmtpReplies.TlsActive);
            return;
        }
        if (_clientName is null)
        {
            Reply(SmtpReplies.NeedHelo);
            return;
        }
        var ready = new System.Buffers.ArrayBufferWriter<byte>(64);
        SmtpReplies.ReadyForTls.WriteTo(ready);
        // Our own replies still buffered (a pipelined EHLO) go first, in plain text.
        await FlushAsync().ConfigureAwait(false);
        try
        {
            _tls = await StartTlsUpgrade.UpgradeAsync(_connection, ready.WrittenMemory, _services.Certificates, _transferWait.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is System.Security.Authentication.AuthenticationException or IOException or OperationCanceledException)
        {
            throw new SessionEndedException(null, "TLS handshake failed: " + e.Message);
        }
        if (_tls.DiscardedPlaintextBytes > 0)
            LogDiscardedPlaintext(_logger, _client, _tls.DiscardedPlaintextBytes);
        _input = _tls.Transport.Input;
        _output = _tls.Transport.Output;
        _isTls = true;
        _mustWait = false;
        // RFC 3207 §4.2: forget everything learned before TLS; the client must EHLO again.
        _clientName = null;
        _esmtp = false;
        ResetTransaction();
    }

    private void ResetTransaction()
    {
        _transaction?.Dispose();
        _transaction = null;
    }

    /// <summary>Queues a reply for the next flush. Permanent failures count towards <see cref="SmtpOptions.MaxErrors"/>.</summary>
    private void Reply(SmtpReply reply)
    {
        reply.WriteTo(_output);
        _pendingOutput = true;
        if (reply.Code >= 500 && ++_errors >= _options.MaxErrors)
            throw new SessionEndedException(SmtpReplies.TooManyErrors(_host), "too many errors");
    }

    public async ValueTask DisposeAsync()
    {
        ResetTransaction();
        if (_authenticated is not null)
            await _authenticated.DisposeAsync().ConfigureAwait(false);
        if (_tls is not null)
            await _tls.DisposeAsync().ConfigureAwait(false);
        _commandWait.Dispose();
        _transferWait.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "SMTP session from {Client} ended: {Reason}")]
    private static partial void LogSessionEnded(ILogger logger, IPAddress? client, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "SMTP connection from {Client} lost: {Reason}")]
    private static partial void LogConnectionLost(ILogger logger, IPAddress? client, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "SMTP client {Client} pipelined {Bytes} plain-text bytes after STARTTLS; discarded (CVE-2011-0411 class)")]
    private static partial void LogDiscardedPlaintext(ILogger logger, IPAddress? client, long bytes);
}
