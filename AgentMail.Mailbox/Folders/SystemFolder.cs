namespace AgentMail.Mailbox.Folders;

/// <summary>
/// A folder every grant has from creation: its API id (the role), its IMAP name and its
/// SPECIAL-USE attribute (RFC 6154 §2; INBOX has none in IMAP, Nylas calls it \Inbox).
/// </summary>
public sealed record SystemFolder(string Role, string Name, string? SpecialUse, string ApiAttribute)
{
    public const string InboxRole = "inbox";
    public const string SentRole = "sent";
    public const string DraftsRole = "drafts";
    public const string TrashRole = "trash";
    public const string JunkRole = "junk";
    public const string ArchiveRole = "archive";

    /// <summary>IMAP's one case-insensitive mailbox name (RFC 9051 §5.1).</summary>
    public const string InboxName = "INBOX";

    public static IReadOnlyList<SystemFolder> All { get; } =
    [
        new(InboxRole, InboxName, null, @"\Inbox"),
        new(SentRole, "Sent", @"\Sent", @"\Sent"),
        new(DraftsRole, "Drafts", @"\Drafts", @"\Drafts"),
        new(TrashRole, "Trash", @"\Trash", @"\Trash"),
        new(JunkRole, "Junk", @"\Junk", @"\Junk"),
        new(ArchiveRole, "Archive", @"\Archive", @"\Archive"),
    ];

    public static SystemFolder? ForRole(string? role) => role is null ? null : All.FirstOrDefault(f => f.Role == role);
}
