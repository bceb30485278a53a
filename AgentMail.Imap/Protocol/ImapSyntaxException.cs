namespace AgentMail.Imap.Protocol;

/// <summary>
/// A command that does not follow the grammar (RFC 9051 §9): the session answers it with a
/// tagged BAD carrying <see cref="Exception.Message"/> and keeps going.
/// </summary>
public sealed class ImapSyntaxException(string message) : Exception(message);
