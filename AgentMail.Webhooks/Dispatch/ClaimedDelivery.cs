using AgentMail.Mailbox.Events;

namespace AgentMail.Webhooks.Dispatch;

/// <summary>
/// A delivery this worker holds a lease on, with everything one attempt needs. <see cref="Attempt"/>
/// (the <c>webhook_delivery_attempt</c> sent) also identifies the claim when the outcome is recorded.
/// </summary>
public sealed record ClaimedDelivery(
    Guid Id,
    Guid DestinationId,
    int Attempt,
    DateTimeOffset StartedAt,
    string WebhookUrl,
    string Secret,
    bool CompressedDelivery,
    StoredEvent Event);
