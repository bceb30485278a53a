using System.Text.Json;
using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Events;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Objects;
using AgentMail.Mailbox.Storage;
using AgentMail.Mailbox.Threads;
using Npgsql;
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

/// <summary>The folder an append goes to: by id, or a system folder by role (sparing a lookup).</summary>
internal readonly record struct FolderTarget(long? Id, string? Role)
{
    public static FolderTarget ById(long id) => new(id, null);
    public static FolderTarget ByRole(string role) => new(null, role);

    /// <summary>$1 grant, $2 folder id (or NULL), $3 role (or NULL): what the append's folder condition reads.</summary>
    public void AddParameters(NpgsqlParameterCollection parameters, Guid grantId)
    {
        parameters.AddWithValue(grantId);
        parameters.AddWithValue(NpgsqlDbType.Bigint, Id is { } id ? id : DBNull.Value);
        parameters.AddWithValue(NpgsqlDbType.Text, (object?)Role ?? DBNull.Value);
    }
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
        var likelyDuplicate = await PreflightAsync(grantId, folderId, content, append, cancellationToken).ConfigureAwait(false);
        return await WithUploadedBlobAsync(content, uploadFirst: !likelyDuplicate, async uploaded =>
        {
            await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
            var result = await AppendInTransactionAsync(tx, grantId, FolderTarget.ById(folderId), content, append, uploaded, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return result;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Checks, without locks, what would refuse or short-circuit the append — a missing folder, the
    /// quota, a Message-ID already there — so that the bytes are not uploaded for nothing. The
    /// locked checks inside the transaction remain the authority. Returns whether a duplicate is likely.
    /// </summary>
    private async Task<bool> PreflightAsync(Guid grantId, long folderId, MessageContent content, AppendOptions append, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            SELECT EXISTS (SELECT 1 FROM folders WHERE grant_id = $1 AND id = $2),
                   $3 AND EXISTS (SELECT 1 FROM messages WHERE grant_id = $1 AND message_id = $4 AND folder_id = $2),
                   (SELECT quota_bytes FROM grants WHERE id = $1),
                   COALESCE((SELECT sum(size_bytes) FROM folders WHERE grant_id = $1), 0)::bigint
            """, connection);
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(folderId);
        command.Parameters.AddWithValue(append.DeduplicateByMessageId && content.MessageId is not null);
        command.Parameters.Add(MessageRows.Text(content.MessageId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        if (!reader.GetBoolean(0))
            throw new MailboxException(MailboxError.FolderNotFound, "The folder does not exist.");
        var duplicate = reader.GetBoolean(1);
        if (!duplicate && !reader.IsDBNull(2))
            CheckQuota(reader.GetInt64(2), reader.GetInt64(3), content.Size);
        return duplicate;
    }

    /// <summary>
    /// Runs an operation that references the content's blob, uploading it first (or, when
    /// <paramref name="uploadFirst"/> is false, only once the operation finds it needs it). Should a
    /// concurrent purge remove the unreferenced blob in between, the message row's foreign key
    /// fails; the content is uploaded again and the operation retried.
    /// </summary>
    internal async Task<T> WithUploadedBlobAsync<T>(MessageContent content, bool uploadFirst, Func<bool, Task<T>> operation, CancellationToken cancellationToken)
    {
        var uploaded = false;
        for (var attempt = 0; ; attempt++)
        {
            if (uploadFirst || attempt > 0)
            {
                await Blobs.UploadAsync(database, content, cancellationToken).ConfigureAwait(false);
                uploaded = true;
            }
            try
            {
                return await operation(uploaded).ConfigureAwait(false);
            }
            catch (BlobNotUploadedException) when (attempt < 2)
            {
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation && e.ConstraintName == "messages_blob_sha256_fkey" && attempt < 2)
            {
            }
        }
    }

    private static void CheckQuota(long quota, long used, long growth)
    {
        if (used + growth > quota)
            throw new MailboxException(MailboxError.QuotaExceeded, $"Storage quota exceeded: {used} of {quota} bytes used, {growth} more needed.");
    }

    /// <summary>The operation needs the blob that was skipped as a likely duplicate.</summary>
    private sealed class BlobNotUploadedException : Exception;

    /// <summary>
    /// The append itself, in the caller's transaction, with the blob already uploaded. The folder
    /// lock is held for two round trips: one batch locks the folder and checks Message-ID, quota
    /// and the conversation; one batch writes the blob reference, the folder counters, the thread,
    /// the message, its event and whatever <paramref name="alsoWrite"/> adds for the new message
    /// (not called when an existing message is returned).
    /// </summary>
    internal async Task<AppendResult> AppendInTransactionAsync(MailboxTransaction tx, Guid grantId, FolderTarget target, MessageContent content,
        AppendOptions append, bool blobUploaded, CancellationToken cancellationToken, Action<MessageRecord, NpgsqlBatch>? alsoWrite = null)
    {
        var now = Microseconds(clock.GetUtcNow());
        var receivedAt = Microseconds((append.InternalDate ?? now).ToUniversalTime());

        Folder folder;
        MessageRecord? duplicate = null;
        long quota, used;
        Guid? knownThread;
        await using (var check = tx.Batch())
        {
            // $2/$3: the folder by id, or a system folder by role (which every grant has).
            const string folderId = "COALESCE($2, (SELECT id FROM folders WHERE grant_id = $1 AND role = $3))";
            var lockFolder = new NpgsqlBatchCommand($"SELECT {Folder.Columns} FROM folders WHERE grant_id = $1 AND id = {folderId} FOR UPDATE");
            target.AddParameters(lockFolder.Parameters, grantId);
            var findDuplicate = new NpgsqlBatchCommand($"""
                SELECT {MessageRecord.Columns("m")} FROM messages m
                WHERE m.grant_id = $1 AND m.message_id = $4 AND m.folder_id = {folderId} AND $5 ORDER BY m.uid LIMIT 1
                """);
            target.AddParameters(findDuplicate.Parameters, grantId);
            findDuplicate.Parameters.Add(MessageRows.Text(content.MessageId));
            findDuplicate.Parameters.AddWithValue(append.DeduplicateByMessageId && content.MessageId is not null);
            var usage = new NpgsqlBatchCommand("""
                SELECT g.quota_bytes, COALESCE((SELECT sum(size_bytes) FROM folders WHERE grant_id = g.id), 0)::bigint
                FROM grants g WHERE g.id = $1
                """);
            usage.Parameters.AddWithValue(grantId);
            check.BatchCommands.Add(lockFolder);
            check.BatchCommands.Add(findDuplicate);
            check.BatchCommands.Add(usage);
            check.BatchCommands.Add(ThreadResolver.Lookup(grantId, content, receivedAt));

            await using var reader = await check.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                throw target.Role is null
                    ? new MailboxException(MailboxError.FolderNotFound, "The folder does not exist.")
                    : new MailboxException(MailboxError.GrantNotFound, "The grant does not exist."); // every grant has its system folders
            }
            folder = Folder.Read(reader);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                duplicate = MessageRecord.Read(reader);
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            (quota, used) = (reader.GetInt64(0), reader.GetInt64(1));
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            knownThread = reader.IsDBNull(0) ? null : reader.GetGuid(0);
        }
        if (duplicate is not null)
            return new AppendResult(duplicate, Deduplicated: true, folder.UidValidity);
        CheckQuota(quota, used, content.Size);
        if (!blobUploaded)
            throw new BlobNotUploadedException();

        // The folder row is locked: its UIDNEXT and HIGHESTMODSEQ are ours to take.
        var (threadId, joinThread) = ThreadResolver.Join(knownThread, grantId, content, receivedAt);
        var keywords = FlagChange.Replace(append.Flags, append.Keywords).ApplyTo(MessageFlags.None, []).Keywords;
        var message = new MessageRecord
        {
            Id = Guid.CreateVersion7(),
            GrantId = grantId,
            FolderId = folder.Id,
            FolderPublicId = folder.PublicId,
            Uid = folder.UidNext,
            ModSeq = folder.HighestModSeq + 1,
            Flags = append.Flags,
            Keywords = keywords,
            ThreadId = threadId,
            BlobSha256 = content.Sha256,
            Size = content.Size,
            InternalDate = receivedAt,
            SentDate = content.SentDate,
            MessageId = content.MessageId,
            InReplyTo = content.InReplyTo,
            References = content.References,
            Subject = content.Subject,
            From = content.From,
            To = content.To,
            Cc = content.Cc,
            Bcc = content.Bcc,
            ReplyTo = content.ReplyTo,
            Snippet = content.Snippet,
            Attachments = content.Attachments,
            HasAttachments = content.HasAttachments,
            Metadata = new Dictionary<string, string>(append.Metadata ?? new Dictionary<string, string>()),
            CreatedAt = now,
            UpdatedAt = now,
        };

        await using (var write = tx.Batch())
        {
            write.BatchCommands.Add(Blobs.Reference(content.Sha256));
            var bump = new NpgsqlBatchCommand("""
                UPDATE folders SET uid_next = $2 + 1, highest_modseq = $3, message_count = message_count + 1,
                    unseen_count = unseen_count + $4, size_bytes = size_bytes + $5, updated_at = $6
                WHERE id = $1
                """);
            bump.Parameters.AddWithValue(folder.Id);
            bump.Parameters.AddWithValue(message.Uid);
            bump.Parameters.AddWithValue(message.ModSeq);
            bump.Parameters.AddWithValue(message.Unread ? 1 : 0);
            bump.Parameters.AddWithValue((long)content.Size);
            bump.Parameters.AddWithValue(now);
            write.BatchCommands.Add(bump);
            write.BatchCommands.Add(joinThread);
            write.BatchCommands.Add(InsertMessage(message, content));
            alsoWrite?.Invoke(message, write);
            tx.AddEvent(grantId, EventTypes.MessageCreated, message.Id.ToString(), MailboxJson.Serialize(message.ToObject()));
            tx.AddEventsTo(write);
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        tx.Notify(new MailboxChange(grantId, ChangeKind.Messages, folder.Id, message.ModSeq));
        return new AppendResult(message, Deduplicated: false, folder.UidValidity);
    }

    private static NpgsqlBatchCommand InsertMessage(MessageRecord m, MessageContent content)
    {
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO messages (id, grant_id, folder_id, uid, modseq, flags, keywords, thread_id, blob_sha256, size,
                internal_date, sent_date, message_id, in_reply_to, reference_ids, subject,
                from_list, to_list, cc_list, bcc_list, reply_to_list, address_keys, snippet, attachments, has_attachments,
                metadata, search, created_at, updated_at)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16,
                $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27::tsvector, $28, $28)
            """);
        var p = insert.Parameters;
        p.AddWithValue(m.Id);
        p.AddWithValue(m.GrantId);
        p.AddWithValue(m.FolderId);
        p.AddWithValue(m.Uid);
        p.AddWithValue(m.ModSeq);
        p.AddWithValue((short)m.Flags);
        p.AddWithValue(m.Keywords.ToArray());
        p.AddWithValue(m.ThreadId);
        p.AddWithValue(m.BlobSha256);
        p.AddWithValue(m.Size);
        p.AddWithValue(m.InternalDate);
        p.AddWithValue(NpgsqlDbType.TimestampTz, m.SentDate is { } sent ? sent : DBNull.Value);
        p.Add(MessageRows.Text(m.MessageId));
        p.Add(MessageRows.Text(m.InReplyTo));
        p.AddWithValue(m.References.ToArray());
        p.AddWithValue(m.Subject);
        p.AddWithValue(NpgsqlDbType.Jsonb, Json(m.From));
        p.AddWithValue(NpgsqlDbType.Jsonb, Json(m.To));
        p.AddWithValue(NpgsqlDbType.Jsonb, Json(m.Cc));
        p.AddWithValue(NpgsqlDbType.Jsonb, Json(m.Bcc));
        p.AddWithValue(NpgsqlDbType.Jsonb, Json(m.ReplyTo));
        p.AddWithValue(content.AddressKeys());
        p.AddWithValue(m.Snippet);
        p.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(m.Attachments.ToList(), MailboxJson.Default.ListAttachmentObject));
        p.AddWithValue(m.HasAttachments);
        p.AddWithValue(NpgsqlDbType.Jsonb, JsonSerializer.Serialize(new Dictionary<string, string>(m.Metadata), MailboxJson.Default.DictionaryStringString));
        p.AddWithValue(content.SearchVector);
        p.AddWithValue(m.CreatedAt);
        return insert;
    }

    /// <summary>Postgres keeps microseconds: the record built here must equal the row read back.</summary>
    private static DateTimeOffset Microseconds(DateTimeOffset value) => new(value.Ticks - value.Ticks % 10, value.Offset);

    private static string Json(IReadOnlyList<EmailParticipant> participants) =>
        JsonSerializer.Serialize(participants.ToList(), MailboxJson.Default.ListEmailParticipant);
}
