using System.Text;
using AgentMail.Mailbox.Authentication;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Storage;
using AgentMail.Smtp.Protocol;
using AgentMail.Smtp.Submission;

namespace AgentMail.Smtp.Session;

internal sealed partial class SmtpSession
{
    /// <summary>The signed-in grant and the credential version it signed in with (watched for rotation).</summary>
    private sealed class Authenticated(Grant grant, CredentialWatch watch) : IAsyncDisposable
    {
        public Grant Grant { get; } = grant;
        public CredentialWatch Watch { get; } = watch;
        public bool Revoked => Watch.Revoked;

        /// <summary>When MAIL last read the credential version from the store (a timestamp; 0 before the first).</summary>
        public long VersionCheckedAt { get; set; }
        public ValueTask DisposeAsync() => Watch.DisposeAsync();
    }

    /// <summary>AUTH PLAIN (RFC 4616) and LOGIN, as RFC 4954 carries them; submission only, and only over TLS.</summary>
    private async Task AuthenticateAsync(SmtpCommand command)
    {
        if (_role == SessionRole.Mx)
        {
            Reply(SmtpReplies.AuthNotOffered);
            return;
        }
        if (!_isTls)
        {
            Reply(SmtpReplies.EncryptionRequired); // CLIENTS.md 15: 538 5.7.11 on 587 before STARTTLS
            return;
        }
        if (_clientName is null)
        {
            Reply(SmtpReplies.NeedHelo);
            return;
        }
        if (_authenticated is not null)
        {
            Reply(SmtpReplies.AlreadyAuthenticated);
            return;
        }

        string user, password;
        switch (command.Argument)
        {
            case "PLAIN":
            {
                var response = command.InitialResponse is { } initial ? Decode(initial) : await ContinueAsync("").ConfigureAwait(false);
                if (response.Error is { } error)
                {
                    Reply(error);
                    return;
                }
                // message = [authzid] NUL authcid NUL passwd (RFC 4616 §2)
                var parts = response.Text!.Split('\0');
                if (parts.Length != 3 || parts[1].Length == 0 || parts[0].Length > 0 && !string.Equals(parts[0], parts[1], StringComparison.OrdinalIgnoreCase))
                {
                    await FailAsync().ConfigureAwait(false);
                    return;
                }
                (user, password) = (parts[1], parts[2]);
                break;
            }
            case "LOGIN":
            {
                var name = command.InitialResponse is { } initial ? Decode(initial) : await ContinueAsync("VXNlcm5hbWU6").ConfigureAwait(false); // "Username:"
                if (name.Error is { } nameError)
                {
                    Reply(nameError);
                    return;
                }
                var secret = await ContinueAsync("UGFzc3dvcmQ6").ConfigureAwait(false); // "Password:"
                if (secret.Error is { } secretError)
                {
                    Reply(secretError);
                    return;
                }
                (user, password) = (name.Text!, secret.Text!);
                break;
            }
            default:
                Reply(SmtpReplies.UnknownMechanism);
                return;
        }

        AuthenticationResult result;
        try
        {
            result = await _services.Authenticator.AuthenticateAsync(user, password, _client, _transferWait.Token).ConfigureAwait(false);
        }
        catch (StoreUnavailableException)
        {
            Reply(SmtpReplies.AuthUnavailable);
            return;
        }
        switch (result.Failure)
        {
            case AuthenticationFailure.None:
                var watch = await CredentialWatch.StartAsync(_services.Changes, result.Grant!).ConfigureAwait(false);
                _authenticated = new Authenticated(result.Grant!, watch);
                Reply(SmtpReplies.AuthSucceeded);
                break;
            case AuthenticationFailure.Throttled:
                Reply(SmtpReplies.AuthThrottled);
                CountAuthFailure();
                break;
            default:
                await FailAsync().ConfigureAwait(false);
                break;
        }
    }

    private Task FailAsync()
    {
        Reply(SmtpReplies.AuthFailed);
        CountAuthFailure();
        return Task.CompletedTask;
    }

    private void CountAuthFailure()
    {
        if (++_authFailures >= _options.MaxAuthFailures)
            throw new SessionEndedException(SmtpReplies.TooManyAuthFailures(_host), "too many failed AUTH attempts");
    }

    private readonly record struct SaslResponse(string? Text, SmtpReply? Error);

    /// <summary>Sends a 334 challenge and reads the client's base64 line ("*" cancels: RFC 4954 §4).</summary>
    private async Task<SaslResponse> ContinueAsync(string challenge)
    {
        Reply(SmtpReplies.Challenge(challenge));
        var (status, line) = await ReadLineAsync(_options.MaxAuthLineLength, static l => Encoding.ASCII.GetString(l)).ConfigureAwait(false);
        return status switch
        {
            LineStatus.Closed => throw new SessionEndedException(null, "connection closed during AUTH"),
            LineStatus.TooLong => new SaslResponse(null, SmtpReplies.AuthLineTooLong),
            LineStatus.BareLineFeed => new SaslResponse(null, SmtpReplies.BareLineFeed),
            _ when line == "*" => new SaslResponse(null, SmtpReplies.AuthCancelled),
            _ => Decode(line),
        };
    }

    /// <summary>Strict base64 of UTF-8 text; "=" is the empty initial response (RFC 4954 §4).</summary>
    private static SaslResponse Decode(string base64)
    {
        if (base64 == "=")
            return new SaslResponse("", null);
        var bytes = new byte[(base64.Length + 3) / 4 * 3];
        if (base64.Length % 4 != 0 || base64.Any(char.IsWhiteSpace) || !Convert.TryFromBase64String(base64, bytes, out var written))
            return new SaslResponse(null, SmtpReplies.AuthBadBase64);
        try
        {
            return new SaslResponse(new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, written), null);
        }
        catch (DecoderFallbackException)
        {
            return new SaslResponse(null, SmtpReplies.AuthBadBase64);
        }
    }
}
