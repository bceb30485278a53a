using AgentMail.Mailbox.Grants;

namespace AgentMail.Mailbox.Authentication;

public enum AuthenticationFailure
{
    None,

    /// <summary>Unknown address, wrong password or no app password set: deliberately indistinguishable to the client.</summary>
    InvalidCredentials,

    /// <summary>Too many recent failures for this address or client address.</summary>
    Throttled,
}

/// <summary>The outcome of a sign-in. On success, <see cref="CredentialVersion"/> is what the session must keep matching.</summary>
public sealed record AuthenticationResult(Grant? Grant, AuthenticationFailure Failure)
{
    public bool Succeeded => Grant is not null;
    public int CredentialVersion => Grant?.CredentialVersion ?? 0;

    public static AuthenticationResult Fail(AuthenticationFailure failure) => new(null, failure);
}
