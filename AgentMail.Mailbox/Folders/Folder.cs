using AgentMail.Mailbox.Objects;
using Npgsql;

namespace AgentMail.Mailbox.Folders;

/// <summary>A folder (IMAP mailbox) with its IMAP identity and counters.</summary>
public sealed record Folder
{
    public const char Delimiter = '/';

    public required long Id { get; init; }
    public required Guid GrantId { get; init; }
    public required string PublicId { get; init; }

    /// <summary>Full hierarchical name, '/' delimited, UTF-8 (IMAP converts to modified UTF-7 as needed).</summary>
    public required string Name { get; init; }

    /// <summary>The system role (inbox, sent, …), null for a folder the user created.</summary>
    public string? Role { get; init; }
    public required long UidValidity { get; init; }
    public required long UidNext { get; init; }
    public required long HighestModSeq { get; init; }
    public required int MessageCount { get; init; }
    public required int UnseenCount { get; init; }
    public required long SizeBytes { get; init; }
    public required bool Subscribed { get; init; }
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public SystemFolder? System => SystemFolder.ForRole(Role);
    public bool IsSystem => Role is not null;
    public bool IsInbox => Role == SystemFolder.InboxRole;

    /// <summary>The name of the parent folder, null at the top level.</summary>
    public string? ParentName => Name.LastIndexOf(Delimiter) is var i and > 0 ? Name[..i] : null;

    /// <summary>The API object. <paramref name="parentPublicId"/> and <paramref name="childCount"/> come from the folder list.</summary>
    public FolderObject ToObject(string? parentPublicId = null, int childCount = 0) => new()
    {
        Id = PublicId,
        GrantId = GrantId.ToString(),
        Name = Name,
        ParentId = parentPublicId,
        Attributes = System is { } s ? [s.ApiAttribute] : [],
        TotalCount = MessageCount,
        UnreadCount = UnseenCount,
        ChildCount = childCount,
        SystemFolder = IsSystem,
    };

    /// <summary>
    /// SQL: the folder <paramref name="folder"/> belongs to the grant <paramref name="grant"/> (both
    /// parameter references, such as <c>$2</c> and <c>$1</c>). Uncorrelated, so PostgreSQL tests it
    /// once per statement: a folder scan then needs no per-row grant filter, which would pull in an
    /// index on grant_id and every row's heap page.
    /// </summary>
    public static string BelongsToGrantSql(string folder, string grant) =>
        $"EXISTS (SELECT 1 FROM folders f WHERE f.id = {folder} AND f.grant_id = {grant})";

    internal const string Columns = """
        id, grant_id, public_id, name, role, uid_validity, uid_next, highest_modseq,
        message_count, unseen_count, size_bytes, subscribed, created_at, updated_at
        """;

    internal static Folder Read(NpgsqlDataReader r) => new()
    {
        Id = r.GetInt64(0),
        GrantId = r.GetGuid(1),
        PublicId = r.GetString(2),
        Name = r.GetString(3),
        Role = r.IsDBNull(4) ? null : r.GetString(4),
        UidValidity = r.GetInt64(5),
        UidNext = r.GetInt64(6),
        HighestModSeq = r.GetInt64(7),
        MessageCount = r.GetInt32(8),
        UnseenCount = r.GetInt32(9),
        SizeBytes = r.GetInt64(10),
        Subscribed = r.GetBoolean(11),
        CreatedAt = r.GetFieldValue<DateTimeOffset>(12),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(13),
    };
}
