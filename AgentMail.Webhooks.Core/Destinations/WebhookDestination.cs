namespace AgentMail.Webhooks.Core.Destinations;

/// <summary>A webhook destination as stored: where to POST, which events, with which secret.</summary>
public sealed record WebhookDestination
{
    public required Guid Id { get; init; }
    public string Description { get; init; } = "";
    public required string WebhookUrl { get; init; }
    public required string Secret { get; init; }
    public required IReadOnlyList<string> TriggerTypes { get; init; }
    public required string Status { get; init; }
    public required DateTimeOffset StatusUpdatedAt { get; init; }
    public IReadOnlyList<string> NotificationEmailAddresses { get; init; } = [];
    public bool CompressedDelivery { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
}

/// <summary>What a new destination is made of (already validated, the URL already verified).</summary>
public sealed record NewWebhookDestination(
    string WebhookUrl,
    IReadOnlyList<string> TriggerTypes,
    string Description = "",
    IReadOnlyList<string>? NotificationEmailAddresses = null,
    bool CompressedDelivery = false);

/// <summary>A partial update: null leaves a field as it is (Nylas: empty fields do not overwrite).</summary>
public sealed record WebhookDestinationUpdate(
    string? WebhookUrl = null,
    IReadOnlyList<string>? TriggerTypes = null,
    string? Description = null,
    IReadOnlyList<string>? NotificationEmailAddresses = null,
    bool? CompressedDelivery = null,
    string? Status = null);
