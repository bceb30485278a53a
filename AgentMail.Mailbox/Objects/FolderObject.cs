namespace AgentMail.Mailbox.Objects;

/// <summary>Nylas v3's folder object.</summary>
public sealed record FolderObject
{
    public string Object => "folder";
    public required string Id { get; init; }
    public required string GrantId { get; init; }

    /// <summary>The full hierarchical name, '/' delimited, as IMAP clients see it.</summary>
    public required string Name { get; init; }
    public string? ParentId { get; init; }
    public IReadOnlyList<string> Attributes { get; init; } = [];
    public int TotalCount { get; init; }
    public int UnreadCount { get; init; }
    public int ChildCount { get; init; }
    public bool SystemFolder { get; init; }
}
