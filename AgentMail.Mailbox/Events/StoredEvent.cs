namespace AgentMail.Mailbox.Events;

/// <summary>An outbox row: one change, written in the transaction that made it.</summary>
public sealed record StoredEvent(long Id, Guid GrantId, string Type, string ObjectId, string Payload, DateTimeOffset CreatedAt);
