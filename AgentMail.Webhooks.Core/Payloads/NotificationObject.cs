namespace AgentMail.Webhooks.Core.Payloads;

/// <summary>
/// The <c>data.object</c> of a notification as JSON: <see cref="Json"/> in full, and for a message
/// <see cref="WithoutBody"/>, what a <c>.truncated</c> notification carries when the full one is too large.
/// </summary>
public sealed record NotificationObject(string Json, string? WithoutBody = null);
