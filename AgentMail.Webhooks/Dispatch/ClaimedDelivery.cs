using AgentMail.Mailbox.Events;

namespace AgentMail.Webhooks.Dispatch;

/// <summary>A delivery this worker holds a lease on, with everything one attempt needs.</summary>
public sealed record ClaimedDelivery(
    Guid Id,
    Guid DestinationId,
    long AttemptId,
    int Attempt,
    string WebhookUrl,
    string Secret,
    bool CompressedDelivery,
    StoredEvent Event);
