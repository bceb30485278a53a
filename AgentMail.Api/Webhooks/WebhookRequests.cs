namespace AgentMail.Api.Webhooks;

/// <summary><c>POST /v3/webhooks</c>.</summary>
public sealed record CreateWebhookRequest
{
    public IReadOnlyList<string?>? TriggerTypes { get; init; }
    public string? WebhookUrl { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<string?>? NotificationEmailAddresses { get; init; }
    public bool? CompressedDelivery { get; init; }
}

/// <summary><c>PUT /v3/webhooks/{id}</c>: only the fields given change (Nylas: empty fields do not overwrite).</summary>
public sealed record UpdateWebhookRequest
{
    public IReadOnlyList<string?>? TriggerTypes { get; init; }
    public string? WebhookUrl { get; init; }
    public string? Description { get; init; }
    public IReadOnlyList<string?>? NotificationEmailAddresses { get; init; }
    public bool? CompressedDelivery { get; init; }

    /// <summary><c>active</c> or <c>pause</c>; failing and failed are the dispatcher's to set.</summary>
    public string? Status { get; init; }
}

/// <summary><c>POST /v3/webhooks/mock-payload</c> and <c>POST /v3/webhooks/send-test-event</c>.</summary>
public sealed record WebhookTestRequest
{
    public string? TriggerType { get; init; }
    public string? WebhookUrl { get; init; }
}
