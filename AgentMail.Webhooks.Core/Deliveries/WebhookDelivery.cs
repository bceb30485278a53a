namespace AgentMail.Webhooks.Core.Deliveries;

/// <summary>Delivery states: pending (waiting or in flight), delivered (a 2xx), failed (given up).</summary>
public static class DeliveryStatus
{
    public const string Pending = "pending";
    public const string Delivered = "delivered";
    public const string Failed = "failed";
}

/// <summary>One event for one destination, with every attempt made.</summary>
public sealed record WebhookDelivery
{
    public required Guid Id { get; init; }
    public required Guid DestinationId { get; init; }
    public required long EventId { get; init; }
    public required string EventType { get; init; }
    public required string Status { get; init; }
    public required int Attempts { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? NextAttemptAt { get; init; }
    public DateTimeOffset? CompletedAt { get; init; }
    public int? LastStatusCode { get; init; }
    public string? LastError { get; init; }
    public IReadOnlyList<DeliveryAttempt> AttemptLog { get; init; } = [];
}

/// <summary>
/// One POST. Outcome: succeeded, failed, abandoned (the worker making it stopped; another worker
/// retried after its claim expired), or in_progress (the one in flight, from the delivery's lease).
/// </summary>
public sealed record DeliveryAttempt(
    int Attempt,
    string Outcome,
    int? StatusCode,
    string? Error,
    string? ResponseBody,
    string Worker,
    DateTimeOffset StartedAt,
    DateTimeOffset? FinishedAt,
    int? DurationMs);

/// <summary>A page of deliveries, newest event first; <see cref="Next"/> (the last one's position) continues it.</summary>
public sealed record DeliveryPage(IReadOnlyList<WebhookDelivery> Deliveries, DeliveryPosition? Next);

/// <summary>Where a newest-first page of deliveries stopped: its last event.</summary>
public sealed record DeliveryPosition(long EventId);
