namespace AgentMail.Mailbox.Objects;

public sealed record HeaderObject(string Name, string Value);
