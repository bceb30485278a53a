namespace AgentMail.Webhooks.Core.Http;

/// <summary>
/// What one POST to a receiver came to. <see cref="Retryable"/>: timeouts, network errors, 408,
/// 429, 5xx, overlong responses. <see cref="RetryAfter"/>: the receiver's Retry-After, if it sent one.
/// </summary>
public sealed record SendResult(bool Succeeded, bool Retryable, int? StatusCode, string? Error, string? ResponseBody, TimeSpan Duration)
{
    public TimeSpan? RetryAfter { get; init; }
}

/// <summary>The outcome of the challenge sent when a destination is created or reactivated.</summary>
public sealed record ChallengeResult(bool Verified, string? Error);
