namespace AgentMail.Mailbox.Authentication;

/// <summary>Sign-in throttling (configuration section <c>Authentication</c>).</summary>
public sealed class AuthenticationOptions
{
    public const string SectionName = "Authentication";

    /// <summary>Failures counted per address and per client IP within this window.</summary>
    public TimeSpan FailureWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Failures for one address before further attempts are refused until the window passes.</summary>
    public int MaxFailuresPerAddress { get; set; } = 10;

    /// <summary>Failures from one client IP (any addresses) before it is refused.</summary>
    public int MaxFailuresPerClient { get; set; } = 30;

    /// <summary>Pause before answering a failure, to slow guessing on one connection.</summary>
    public TimeSpan FailureDelay { get; set; } = TimeSpan.FromMilliseconds(500);
}
