namespace AgentMail.Api.Messages;

/// <summary>A message with <c>fields=raw_mime</c>: Nylas returns only these four fields, the message Base64url-encoded.</summary>
public sealed record RawMimeObject(string Id, string GrantId, string RawMime)
{
    public string Object { get; init; } = "message";
}
