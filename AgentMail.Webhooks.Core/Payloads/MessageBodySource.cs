namespace AgentMail.Webhooks.Core.Payloads;

/// <summary>
/// What rendering a message's body needs: its blob, the structure stored at ingest, and the first
/// bytes of the raw message (up to <see cref="NotificationObjects.PrefixBytes"/>), which hold the
/// body of nearly every message.
/// </summary>
public sealed record MessageBodySource(byte[] Sha256, byte[] Structure, byte[] Prefix);
