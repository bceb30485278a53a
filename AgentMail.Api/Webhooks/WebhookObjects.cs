using AgentMail.Webhooks.Core.Deliveries;
using AgentMail.Webhooks.Core.Destinations;

namespace AgentMail.Api.Webhooks;

/// <summary>Nylas's webhook destination object. <see cref="WebhookSecret"/> only in the answers to create and rotate-secret.</summary>
public sealed record WebhookObject
{
    public required string Id { get; init; }
    public string Description { get; init; } = "";
    public required IReadOnlyList<string> TriggerTypes { get; init; }
    public required string WebhookUrl { get; init; }
    public string? WebhookSecret { get; init; }
    public required string Status { get; init; }
    public IReadOnlyList<string> NotificationEmailAddresses { get; init; } = [];
    public bool CompressedDelivery { get; init; }
    public long StatusUpdatedAt { get; init; }
    public long CreatedAt { get; init; }
    public long UpdatedAt { get; init; }

    public static WebhookObject From(WebhookDestination destination, bool withSecret = false) => new()
    {
        Id = destination.Id.ToString(),
        Description = destination.Description,
        TriggerTypes = destination.TriggerTypes,
        WebhookUrl = destination.WebhookUrl,
        WebhookSecret = withSecret ? destination.Secret : null,
        Status = destination.Status,
        NotificationEmailAddresses = destination.NotificationEmailAddresses,
        CompressedDelivery = destination.CompressedDelivery,
        StatusUpdatedAt = destination.StatusUpdatedAt.ToUnixTimeSeconds(),
        CreatedAt = destination.CreatedAt.ToUnixTimeSeconds(),
        UpdatedAt = destination.UpdatedAt.ToUnixTimeSeconds(),
    };
}

/// <summary>Nylas's delete answer: <c>data.status = "success"</c>.</summary>
public sealed record WebhookDeleted(string Status = "success");

/// <summary>
/// Beyond Nylas: one notification to one destination and every attempt at it. <see cref="Id"/> is
/// the notification's <c>id</c> (the receiver's dedup key); times are Unix seconds.
/// </summary>
public sealed record WebhookDeliveryObject
{
    public required string Id { get; init; }
    public required string WebhookId { get; init; }
    public required string TriggerType { get; init; }
    public required long EventId { get; init; }
    public required string Status { get; init; }
    public required int AttemptCount { get; init; }
    public required long CreatedAt { get; init; }
    public long? NextAttemptAt { get; init; }
    public long? CompletedAt { get; init; }
    public int? LastStatusCode { get; init; }
    public string? LastError { get; init; }
    public IReadOnlyList<WebhookAttemptObject> Attempts { get; init; } = [];

    public static WebhookDeliveryObject From(WebhookDelivery delivery) => new()
    {
        Id = delivery.Id.ToString(),
        WebhookId = delivery.DestinationId.ToString(),
        TriggerType = delivery.EventType,
        EventId = delivery.EventId,
        Status = delivery.Status,
        AttemptCount = delivery.Attempts,
        CreatedAt = delivery.CreatedAt.ToUnixTimeSeconds(),
        NextAttemptAt = delivery.NextAttemptAt?.ToUnixTimeSeconds(),
        CompletedAt = delivery.CompletedAt?.ToUnixTimeSeconds(),
        LastStatusCode = delivery.LastStatusCode,
        LastError = delivery.LastError,
        Attempts = delivery.AttemptLog.Select(a => new WebhookAttemptObject
        {
            Attempt = a.Attempt,
            Outcome = a.Outcome,
            StatusCode = a.StatusCode,
            Error = a.Error,
            ResponseBody = a.ResponseBody,
            Worker = a.Worker,
            StartedAt = a.StartedAt.ToUnixTimeMilliseconds(),
            FinishedAt = a.FinishedAt?.ToUnixTimeMilliseconds(),
            DurationMs = a.DurationMs,
        }).ToArray(),
    };
}

/// <summary>One POST of a delivery; <see cref="StartedAt"/> and <see cref="FinishedAt"/> in Unix milliseconds (timings).</summary>
public sealed record WebhookAttemptObject
{
    public required int Attempt { get; init; }

    /// <summary>in_progress, succeeded, failed, or abandoned (the worker stopped; another retried).</summary>
    public required string Outcome { get; init; }
    public int? StatusCode { get; init; }
    public string? Error { get; init; }
    public string? ResponseBody { get; init; }
    public required string Worker { get; init; }
    public required long StartedAt { get; init; }
    public long? FinishedAt { get; init; }
    public int? DurationMs { get; init; }
}
