using System.Text.Json;
using AgentMail.Mailbox.Objects;
using Npgsql;

namespace AgentMail.Mailbox.Messages;

/// <summary>A stored message: its place (folder, UID, MODSEQ), its state (flags) and its summary.</summary>
public sealed record MessageRecord
{
    public required Guid Id { get; init; }
    public required Guid GrantId { get; init; }
    public required long FolderId { get; init; }
    public required string FolderPublicId { get; init; }
    public required long Uid { get; init; }
    public required long ModSeq { get; init; }
    public required MessageFlags Flags { get; init; }
    public required IReadOnlyList<string> Keywords { get; init; }
    public required Guid ThreadId { get; init; }
    public required byte[] BlobSha256 { get; init; }
    public required int Size { get; init; }
    public required DateTimeOffset InternalDate { get; init; }
    public DateTimeOffset? SentDate { get; init; }
    public string? MessageId { get; init; }
    public string? InReplyTo { get; init; }
    public IReadOnlyList<string> References { get; init; } = [];
    public string Subject { get; init; } = "";
    public IReadOnlyList<EmailParticipant> From { get; init; } = [];
    public IReadOnlyList<EmailParticipant> To { get; init; } = [];
    public IReadOnlyList<EmailParticipant> Cc { get; init; } = [];
    public IReadOnlyList<EmailParticipant> Bcc { get; init; } = [];
    public IReadOnlyList<EmailParticipant> ReplyTo { get; init; } = [];
    public string Snippet { get; init; } = "";
    public IReadOnlyList<AttachmentObject> Attachments { get; init; } = [];
    public bool HasAttachments { get; init; }
    public IReadOnlyDictionary<string, string> Metadata { get; init; } = new Dictionary<string, string>();
    public DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset UpdatedAt { get; init; }

    public bool Unread => !Flags.HasFlag(MessageFlags.Seen);
    public bool Starred => Flags.HasFlag(MessageFlags.Flagged);

    /// <summary>The API/webhook object, without body or headers (those need the raw bytes).</summary>
    public MessageObject ToObject() => new()
    {
        Id = Id.ToString(),
        GrantId = GrantId.ToString(),
        ThreadId = ThreadId.ToString(),
        Subject = Subject,
        From = From,
        To = To,
        Cc = Cc,
        Bcc = Bcc,
        ReplyTo = ReplyTo,
        Date = InternalDate.ToUnixTimeSeconds(),
        Unread = Unread,
        Starred = Starred,
        Snippet = Snippet,
        Folders = [FolderPublicId],
        Attachments = Attachments.Select(a => a with { GrantId = GrantId.ToString() }).ToArray(),
        Metadata = Metadata,
        CreatedAt = CreatedAt.ToUnixTimeSeconds(),
        InReplyTo = InReplyTo,
    };

    /// <summary>
    /// The select list every message query uses, for a messages table aliased <paramref name="alias"/>.
    /// The folder's public id comes from a scalar subquery so the list also works in RETURNING.
    /// Public so that a surface's own read queries (always scoped by grant) return the same record.
    /// </summary>
    public static string Columns(string alias) => $"""
        {alias}.id, {alias}.grant_id, {alias}.folder_id, (SELECT public_id FROM folders WHERE folders.id = {alias}.folder_id),
        {alias}.uid, {alias}.modseq, {alias}.flags, {alias}.keywords, {alias}.thread_id, {alias}.blob_sha256, {alias}.size,
        {alias}.internal_date, {alias}.sent_date, {alias}.message_id, {alias}.in_reply_to, {alias}.reference_ids, {alias}.subject,
        {alias}.from_list::text, {alias}.to_list::text, {alias}.cc_list::text, {alias}.bcc_list::text, {alias}.reply_to_list::text,
        {alias}.snippet, {alias}.attachments::text, {alias}.has_attachments, {alias}.metadata::text, {alias}.created_at, {alias}.updated_at
        """;

    /// <summary>Reads a row selected with <see cref="Columns"/>, starting at column <paramref name="o"/>.</summary>
    public static MessageRecord Read(NpgsqlDataReader r, int o = 0) => new()
    {
        Id = r.GetGuid(o),
        GrantId = r.GetGuid(o + 1),
        FolderId = r.GetInt64(o + 2),
        FolderPublicId = r.GetString(o + 3),
        Uid = r.GetInt64(o + 4),
        ModSeq = r.GetInt64(o + 5),
        Flags = (MessageFlags)r.GetInt16(o + 6),
        Keywords = r.GetFieldValue<string[]>(o + 7),
        ThreadId = r.GetGuid(o + 8),
        BlobSha256 = r.GetFieldValue<byte[]>(o + 9),
        Size = r.GetInt32(o + 10),
        InternalDate = r.GetFieldValue<DateTimeOffset>(o + 11),
        SentDate = r.IsDBNull(o + 12) ? null : r.GetFieldValue<DateTimeOffset>(o + 12),
        MessageId = r.IsDBNull(o + 13) ? null : r.GetString(o + 13),
        InReplyTo = r.IsDBNull(o + 14) ? null : r.GetString(o + 14),
        References = r.GetFieldValue<string[]>(o + 15),
        Subject = r.GetString(o + 16),
        From = Participants(r.GetString(o + 17)),
        To = Participants(r.GetString(o + 18)),
        Cc = Participants(r.GetString(o + 19)),
        Bcc = Participants(r.GetString(o + 20)),
        ReplyTo = Participants(r.GetString(o + 21)),
        Snippet = r.GetString(o + 22),
        Attachments = JsonSerializer.Deserialize(r.GetString(o + 23), MailboxJson.Default.ListAttachmentObject) ?? [],
        HasAttachments = r.GetBoolean(o + 24),
        Metadata = JsonSerializer.Deserialize(r.GetString(o + 25), MailboxJson.Default.DictionaryStringString) ?? [],
        CreatedAt = r.GetFieldValue<DateTimeOffset>(o + 26),
        UpdatedAt = r.GetFieldValue<DateTimeOffset>(o + 27),
    };

    public const int ColumnCount = 28;

    private static List<EmailParticipant> Participants(string json) =>
        JsonSerializer.Deserialize(json, MailboxJson.Default.ListEmailParticipant) ?? [];
}
