using System.ComponentModel.DataAnnotations;

namespace AgentMail.Webhooks.Core;

/// <summary>
/// Configuration section <c>Webhooks</c>, read by the dispatcher and by the API's webhook
/// endpoints. Defaults follow Nylas (10 s timeout, 1 MB payloads, failing at 95 % failures over
/// 15 minutes, failed after 72 hours of failing); the timings are configurable so tests run in seconds.
/// </summary>
public sealed class WebhooksOptions : IValidatableObject
{
    public const string SectionName = "Webhooks";

    /// <summary>
    /// Lets destinations resolve to loopback, private, link-local and other non-public addresses.
    /// For development and tests only: in production it would let anyone with an API key make the
    /// dispatcher call internal services (SSRF).
    /// </summary>
    public bool AllowPrivateDestinations { get; set; }

    /// <summary>How long one attempt may take, from connecting to reading the response.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long the receiver has to echo the challenge when a destination is created or reactivated.</summary>
    public TimeSpan ChallengeTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Largest notification (uncompressed JSON) sent with the message body; above it, <c>&lt;type&gt;.truncated</c> without it.</summary>
    public int MaxPayloadBytes { get; set; } = 1024 * 1024;

    /// <summary>Most response bytes read from a receiver; a longer response is a failed attempt.</summary>
    public int MaxResponseBytes { get; set; } = 64 * 1024;

    /// <summary>Delay before the second attempt; each later one doubles it (with jitter) up to <see cref="RetryMaxDelay"/>.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromSeconds(10);

    public TimeSpan RetryMaxDelay { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a delivery is retried after its event before it is given up.</summary>
    public TimeSpan RetryPeriod { get; set; } = TimeSpan.FromHours(72);

    /// <summary>
    /// How long a claimed delivery stays invisible to other workers. Longer than
    /// <see cref="AttemptTimeout"/>, so only a worker that died mid-attempt loses its claim.
    /// </summary>
    public TimeSpan ClaimLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>The periodic sweep: how often a worker looks for work no notification announced (lost wake-ups, due retries).</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Deliveries one worker process runs at once.</summary>
    [Range(1, 100_000)]
    public int MaxConcurrentDeliveries { get; set; } = 256;

    /// <summary>Deliveries one worker process runs at once to one destination, so a slow receiver cannot take every slot.</summary>
    [Range(1, 10_000)]
    public int MaxConcurrencyPerDestination { get; set; } = 16;

    /// <summary>Outbox events fanned out per transaction.</summary>
    [Range(1, 100_000)]
    public int FanOutBatchSize { get; set; } = 500;

    /// <summary>The window over which the failure rate decides <c>failing</c>.</summary>
    public TimeSpan FailingWindow { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Share of failed attempts in <see cref="FailingWindow"/> that marks a destination failing.</summary>
    [Range(0.0, 1.0)]
    public double FailingThreshold { get; set; } = 0.95;

    /// <summary>Fewest attempts in the window before the failure rate counts (one failure alone is not an outage).</summary>
    [Range(1, int.MaxValue)]
    public int FailingMinimumAttempts { get; set; } = 10;

    /// <summary>How long a destination stays failing (at the threshold's failure rate) before it is failed and no longer delivered to.</summary>
    public TimeSpan FailedAfter { get; set; } = TimeSpan.FromHours(72);

    /// <summary>
    /// Sender (From and envelope) of the notice a destination's <c>notification_email_addresses</c>
    /// get when it becomes failing or failed. Empty: <c>no-reply@</c> the deployment's
    /// <c>Mailbox:Hostname</c>. A grant's address here makes remote bounces of the notices visible.
    /// </summary>
    public string? NotificationFrom { get; set; }

    /// <summary>Fewest time between two "failing" notices of one destination (one that flaps is told once); "failed" is always told.</summary>
    public TimeSpan NotificationInterval { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How often destination health is evaluated.</summary>
    public TimeSpan HealthCheckInterval { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>How long finished deliveries and their attempts are kept for the deliveries API.</summary>
    public TimeSpan DeliveryRetention { get; set; } = TimeSpan.FromDays(30);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (AttemptTimeout <= TimeSpan.Zero || ChallengeTimeout <= TimeSpan.Zero)
            yield return new ValidationResult("Webhooks:AttemptTimeout and Webhooks:ChallengeTimeout must be positive.");
        if (ClaimLease <= AttemptTimeout)
            yield return new ValidationResult("Webhooks:ClaimLease must be longer than Webhooks:AttemptTimeout, or a slow attempt could be delivered twice.");
        if (RetryBaseDelay <= TimeSpan.Zero || RetryMaxDelay < RetryBaseDelay)
            yield return new ValidationResult("Webhooks:RetryBaseDelay must be positive and at most Webhooks:RetryMaxDelay.");
        if (PollInterval <= TimeSpan.Zero || HealthCheckInterval <= TimeSpan.Zero)
            yield return new ValidationResult("Webhooks:PollInterval and Webhooks:HealthCheckInterval must be positive.");
        if (MaxPayloadBytes < 1024 || MaxResponseBytes < 0)
            yield return new ValidationResult("Webhooks:MaxPayloadBytes must be at least 1024 and Webhooks:MaxResponseBytes not negative.");
        if (!string.IsNullOrWhiteSpace(NotificationFrom) && AgentMail.Mailbox.Grants.EmailAddressRules.Validate(NotificationFrom) is { } invalid)
            yield return new ValidationResult($"Webhooks:NotificationFrom: {invalid}");
    }
}
