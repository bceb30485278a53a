using AgentMail.Imap.Protocol;
using AgentMail.Imap.Session;
using AgentMail.Mailbox.Authentication;

namespace AgentMail.Imap.Commands;

/// <summary>STARTTLS (RFC 9051 §6.2.1) on the plain port; pipelined plain text after it is discarded.</summary>
public sealed record StartTlsCommand : ImapCommand
{
    public override string Name => "STARTTLS";
    public override CommandStates States => CommandStates.NotAuthenticated;

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (session.IsTls) return CommandResult.Bad("TLS is already active");
        await session.StartTlsAsync(cancellationToken).ConfigureAwait(false);
        return CommandResult.Written;
    }
}

/// <summary>LOGIN (RFC 9051 §6.2.3) with the grant's e-mail address and app password; refused before TLS.</summary>
public sealed record LoginCommand(string User, string Password) : ImapCommand
{
    public override string Name => "LOGIN";
    public override CommandStates States => CommandStates.NotAuthenticated;

    public static LoginCommand Parse(ref ImapReader reader)
    {
        reader.Space();
        var user = reader.AString();
        reader.Space();
        var password = reader.AString();
        return new LoginCommand(user, password);
    }

    public override Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken) =>
        Authentication.SignInAsync(session, User, Password, cancellationToken);

    /// <summary>Never prints the password.</summary>
    public override string ToString() => $"LOGIN {User} ***";
}

/// <summary>
/// AUTHENTICATE PLAIN (RFC 4616) with SASL-IR (RFC 4959) or, without an initial response, a "+ "
/// continuation — with the space (CLIENTS.md 6) — answered by one base64 line; "*" cancels.
/// </summary>
public sealed record AuthenticateCommand(string Mechanism, string? InitialResponse) : ImapCommand
{
    public override string Name => "AUTHENTICATE";
    public override CommandStates States => CommandStates.NotAuthenticated;

    public static AuthenticateCommand Parse(ref ImapReader reader)
    {
        reader.Space();
        var mechanism = Encoding.ASCII.GetString(reader.Atom()).ToUpperInvariant();
        string? initial = null;
        if (reader.TryConsume((byte)' '))
            initial = reader.TryConsume((byte)'=') ? "" : Encoding.ASCII.GetString(reader.Take(IsBase64Char, "a base64 initial response"));
        return new AuthenticateCommand(mechanism, initial);
    }

    private static bool IsBase64Char(byte b) => char.IsAsciiLetterOrDigit((char)b) || b is (byte)'+' or (byte)'/' or (byte)'=';

    public override async Task<CommandResult> ExecuteAsync(ImapSession session, CancellationToken cancellationToken)
    {
        if (Mechanism != "PLAIN") return CommandResult.No("CANNOT", $"Unsupported authentication mechanism {Mechanism}; use PLAIN");
        if (!session.IsTls) return Authentication.PrivacyRequired;

        var response = InitialResponse;
        if (response is null)
        {
            session.Writer.Raw("+ \r\n"u8);
            response = await session.ReadContinuationAsync(cancellationToken).ConfigureAwait(false);
            if (response is null) throw new ConnectionClosedException();
            if (response == "*") return CommandResult.Bad("AUTHENTICATE cancelled");
        }

        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(response);
        }
        catch (FormatException)
        {
            return CommandResult.Bad("Invalid base64 in the SASL response");
        }

        // message = [authzid] NUL authcid NUL passwd (RFC 4616 §2)
        var first = Array.IndexOf(decoded, (byte)0);
        var second = first < 0 ? -1 : Array.IndexOf(decoded, (byte)0, first + 1);
        if (first < 0 || second < 0 || Array.IndexOf(decoded, (byte)0, second + 1) >= 0)
            return CommandResult.Bad("Malformed PLAIN response (expected authzid NUL authcid NUL password)");
        var authzid = Encoding.UTF8.GetString(decoded, 0, first);
        var authcid = Encoding.UTF8.GetString(decoded, first + 1, second - first - 1);
        var password = Encoding.UTF8.GetString(decoded, second + 1, decoded.Length - second - 1);
        if (authzid.Length > 0 && !authzid.Equals(authcid, StringComparison.OrdinalIgnoreCase))
            return CommandResult.No("AUTHORIZATIONFAILED", "Signing in as another user is not supported");
        return await Authentication.SignInAsync(session, authcid, password, cancellationToken).ConfigureAwait(false);
    }
}

/// <summary>What LOGIN and AUTHENTICATE share: the TLS rule, the authenticator, its answers.</summary>
internal static class Authentication
{
    public static CommandResult PrivacyRequired { get; } =
        CommandResult.No("PRIVACYREQUIRED", "Sign-in needs TLS: issue STARTTLS first, or connect to the IMAPS port");

    public static async Task<CommandResult> SignInAsync(ImapSession session, string user, string password, CancellationToken cancellationToken)
    {
        // DESIGN.md: plain-text credentials are never accepted before TLS (RFC 9051 §6.2.3, LOGINDISABLED).
        if (!session.IsTls) return PrivacyRequired;
        var result = await session.Services.Authenticator.AuthenticateAsync(user, password, session.RemoteAddress, cancellationToken).ConfigureAwait(false);
        return result.Failure switch
        {
            AuthenticationFailure.None => await session.CompleteSignInAsync(result.Grant!, result.CredentialVersion, cancellationToken).ConfigureAwait(false),
            AuthenticationFailure.Throttled => CommandResult.No("UNAVAILABLE", "Too many failed sign-ins; try again later"),
            _ => CommandResult.No("AUTHENTICATIONFAILED", "Invalid credentials"),
        };
    }
}
