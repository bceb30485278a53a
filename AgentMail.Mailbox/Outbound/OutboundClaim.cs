namespace AgentMail.Mailbox.Outbound;

/// <summary>A recipient of a queued message, as claimed: <see cref="Attempts"/> counts the attempts already recorded.</summary>
public sealed record OutboundRecipient(string Address, int Attempts);

/// <summary>
/// A delivery worker's claim on the due recipients of one queued message. Until the lease runs out
/// no other worker sees these recipients as due, and only this claim can record their outcome
/// (<see cref="OutboundDeliveryService.RecordAsync"/>, <see cref="OutboundDeliveryService.DeliverLocallyAsync"/>).
/// </summary>
/// <param name="GrantId">The sender's grant; null for a notice of the deployment itself (nobody to report outcomes or bounces to).</param>
/// <param name="MessageId">The Sent copy's API id, when the message was submitted with one.</param>
public sealed record OutboundClaim(
    Guid ClaimId,
    Guid OutboundId,
    Guid? GrantId,
    Guid? MessageId,
    byte[] BlobSha256,
    string EnvelopeFrom,
    DateTimeOffset QueuedAt,
    DateTimeOffset ExpiresAt,
    IReadOnlyList<OutboundRecipient> Recipients);
