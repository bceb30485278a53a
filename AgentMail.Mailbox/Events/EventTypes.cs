namespace AgentMail.Mailbox.Events;

/// <summary>The event (webhook trigger) types, Nylas's names.</summary>
public static class EventTypes
{
    public const string MessageCreated = "message.created";
    public const string MessageUpdated = "message.updated";
    public const string MessageDeleted = "message.deleted";
    public const string MessageBounced = "message.bounced";
    public const string MessageDelivered = "message.delivered";
    public const string FolderCreated = "folder.created";
    public const string FolderUpdated = "folder.updated";
    public const string FolderDeleted = "folder.deleted";
    public const string GrantCreated = "grant.created";
    public const string GrantUpdated = "grant.updated";
    public const string GrantDeleted = "grant.deleted";

    public static IReadOnlyList<string> All { get; } =
    [
        MessageCreated, MessageUpdated, MessageDeleted, MessageBounced, MessageDelivered,
        FolderCreated, FolderUpdated, FolderDeleted,
        GrantCreated, GrantUpdated, GrantDeleted,
    ];
}
