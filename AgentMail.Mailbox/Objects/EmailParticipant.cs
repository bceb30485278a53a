namespace AgentMail.Mailbox.Objects;

/// <summary>A name/address pair as Nylas writes it (<c>{"name": ..., "email": ...}</c>).</summary>
public sealed record EmailParticipant(string? Name, string Email);
