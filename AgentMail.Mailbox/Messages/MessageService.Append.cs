using System.Text.Json;
using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Events;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Objects;
using AgentMail.Mailbox.Storage;
using AgentMail.Mailbox.Threads;
using NpgsqlTypes;

namespace AgentMail.Mailbox.Messages;

public sealed record AppendOptions
{
    public MessageFlags Flags { get; init; }
    public IReadOnlyList<string> Keywords { get; init; } = [];

    /// <summary>IMAP APPEND's date-time; now when absent.</summary>
    public DateTimeOffset? InternalDate { get; init; }

    /// <summary>
    /// When the folder already holds a message with the same Message-ID, return it and store
    /// nothing (a client APPENDing its copy of what it just sent over SMTP).
    /// </summary>
    public bool DeduplicateByMessageId { get; init; } = true;
    public IReadOnlyDictionary<string, string>? Metadata { get; init; }
}

/// <param name="Deduplicated">True when an existing message was returned and nothing was stored.</param>
public sealed record AppendResult(MessageRecord Message, bool Deduplicated, long UidValidity);

public sealed partial class MessageService
{
    /// <summary>Stores a message in a folder: a new UID and MODSEQ there, one message.created event.</summary>
    public async Task<AppendResult> AppendAsync(Guid grantId, long folderId, MessageContent content, AppendOptions append, CancellationToken cancellationToken)
    {
        CheckSize(content);
        KeywordRules.Validate(append.Keywords);
        await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
        var folder = await FolderRows.LockOneAsync(tx, grantId, folderId, cancellationToken).ConfigureAwait(false);
        var result = await AppendLockedAsync(tx, folder, content, append, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    /// <summary>The append itself, in the caller's transaction, with <paramref name="folder"/> locked.</summary>
    private async Task<AppendResult> AppendLockedAsync(MailboxTransaction tx, Folder folder, MessageContent content, AppendOptions append, CancellationToken cancellationToken)
    {
        if (append.DeduplicateByMessageId && content.MessageId is not null
            && await FindByMessageIdAsync(tx, folder, content.MessageId, cancellationToken).ConfigureAwait(false) is { } existing)
        {
            return new AppendResult(existing, Deduplicated: true, folder.UidValidity);
        }

        await CheckQuotaAsync(tx, folder.GrantId, content.Size, cancellationToken).ConfigureAwait(false);
        await Blobs.AcquireAsync(tx, content, cancellationToken).ConfigureAwait(false);
        var receivedAt = append.InternalDate ?? clock.GetUtcNow();
        var threadId = await ThreadResolver.ResolveAsync(tx, folder.GrantId, content, receivedAt, cancellationToken).ConfigureAwait(false);

        var unseen = append.Flags.HasFlag(MessageFlags.Seen) ? 0 : 1;
        var bumped = await MessageRows.BumpFoldersAsync(tx,
            new Dictionary<long, FolderDelta> { [folder.Id] = new(1, unseen, content.Size, 1) }, cancellationToken).ConfigureAwait(false);
        var (modseq, uid) = bumped[folder.Id];
        var keywords = FlagChange.Replace(append.Flags, append.Keywords).ApplyTo(MessageFlags.None, []).Keywords;

        await using var insert = tx.Command($"""
            INSERT INTO messages (id, grant_id, folder_id, uid, modseq, flags, keywords, thread_id, blob_sha256, size,
                internal_date, sent_date, message_id, in_reply_to, reference_ids, subject,
                from_list, to_list, cc_list, bcc_list, reply_to_list, address_keys, snippet, attachments, has_attachments,
                metadata, search)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, to_tsvector('simple', $27))
            RETURNING {MessageRecord.Columns("messages")}
            """);
        var p = insert.Parameters;
        p.AddWithValue(Guid.CreateVersion7());
        p.AddWithValue(folder.GrantId);
        p.AddWithValue(folder.Id);
        p.AddWithValue(uid);
        p.AddWithValue(modseq);
        p.AddWithValue((short)append.Flags);
        p.AddWithValue(keywords);
        p.AddWithValue(threadId);
        p.AddWithValue(content.Sha256);
        p.AddWithValue(content.Size);
        p.AddWithValue(receivedAt);
        p.AddWithValue(NpgsqlDbType.TimestampTz, content.SentDate is { } sent ? sent : DBNull.Value);
        p.Add(MessageRows.Text(content.MessageId));
        p.Add(MessageRows.Text(content.InReplyTo));
        p.AddWithValue(content.References.ToArray());
        p.AddWithValue(content.Subject);
        p.AddWithValue(NpgsqlDbType.Jsonb, Json(content.From));
        p.AddWithValue(NpgsqlDbType.Jsonb, Json(content.To));
        p.AddWithValue(NpgsqlDbType.Jsonb, Json(content.Cc));
        p.AddWithValue(NpgsqlDbType.Jsonb, Json(content.Bcc));
        p.AddWithValue(NpgsqlDbType.Jsonb, Json(content.ReplyTo));
        p.AddWithValue(content.AddressKeys());
        p.AddWithValue(content.Snippet);
        p.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(content.Attachments.ToList(), MailboxJson.Default.ListAttachmentObject));
        p.AddWithValue(content.Attachments.Count > 0);
        p.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(
            new Dictionary<string, string>(append.Metadata ?? new Dictionary<string, string>()), MailboxJson.Default.DictionaryStringString));
        p.AddWithValue(content.SearchText);

        MessageRecord message;
        await using (var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            message = MessageRecord.Read(reader);
        }
        tx.AddEvent(folder.GrantId, EventTypes.MessageCreated, message.Id.ToString(), MailboxJson.Serialize(message.ToObject()));
        tx.Notify(new MailboxChange(folder.GrantId, ChangeKind.Messages, folder.Id, modseq));
        return new AppendResult(message, Deduplicated: false, folder.UidValidity);
    }

    private static async Task<MessageRecord?> FindByMessageIdAsync(MailboxTransaction tx, Folder folder, string messageId, CancellationToken cancellationToken)
    {
        await using var command = tx.Command($"""
            SELECT {MessageRecord.Columns("m")} FROM messages m
            WHERE m.grant_id = $1 AND m.message_id = $2 AND m.folder_id = $3 ORDER BY m.uid LIMIT 1
            """);
        command.Parameters.AddWithValue(folder.GrantId);
        command.Parameters.AddWithValue(messageId);
        command.Parameters.AddWithValue(folder.Id);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? MessageRecord.Read(reader) : null;
    }

    private static string Json(IReadOnlyList<EmailParticipant> participants) =>
        JsonSerializer.Serialize(participants.ToList(), MailboxJson.Default.ListEmailParticipant);
}
