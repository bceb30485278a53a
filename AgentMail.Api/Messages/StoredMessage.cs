using AgentMail.Mailbox.Messages;

namespace AgentMail.Api.Messages;

/// <summary>A message row with, when the response needs its body, the blob's structure and a prefix of its bytes.</summary>
public sealed record StoredMessage(MessageRecord Record, byte[]? Structure, byte[]? Prefix);
