namespace AgentMail.Webhooks.Core.Http;

/// <summary>One signed notification ready to POST: <see cref="Body"/> is exactly the signed bytes (gzip-compressed when <see cref="Gzip"/>).</summary>
public sealed record WebhookRequest(Uri Url, ReadOnlyMemory<byte> Body, bool Gzip, string Signature);
