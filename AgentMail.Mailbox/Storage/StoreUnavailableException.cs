namespace AgentMail.Mailbox.Storage;

/// <summary>
/// The mailbox store (Postgres) cannot be reached, or its schema is not migrated yet. Surfaces
/// answer with a temporary failure (HTTP 503, IMAP NO [UNAVAILABLE], SMTP 451 4.3.0); nothing was changed.
/// </summary>
public sealed class StoreUnavailableException(string message, Exception? inner = null) : Exception(message, inner);
