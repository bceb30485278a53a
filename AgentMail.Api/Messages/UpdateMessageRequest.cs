namespace AgentMail.Api.Messages;

/// <summary><c>PUT /messages/{id}</c> (and, for each of its messages, <c>PUT /threads/{id}</c>). Absent fields stay as they are.</summary>
public sealed record UpdateMessageRequest
{
    public bool? Unread { get; init; }
    public bool? Starred { get; init; }

    /// <summary>The folder to move to, as a one-element list: a message is in exactly one folder here.</summary>
    public List<string>? Folders { get; init; }
    public Dictionary<string, string>? Metadata { get; init; }
}
