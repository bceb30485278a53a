using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Events;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Objects;
using AgentMail.Mailbox.Storage;

namespace AgentMail.Mailbox.Messages;

/// <param name="Moved">Each moved message before and after, in source-UID order (the order COPYUID pairs them).</param>
public sealed record MoveResult(long TargetUidValidity, IReadOnlyList<MovedMessage> Moved);

/// <param name="Source">The original; <paramref name="Copy"/> the new message (new API id, new UID).</param>
public sealed record CopiedMessage(MessageRecord Source, MessageRecord Copy);

public sealed record CopyResult(long TargetUidValidity, IReadOnlyList<CopiedMessage> Copied);

/// <param name="MovedToTrash">Messages moved to Trash (their \Deleted flag cleared).</param>
/// <param name="Purged">Messages deleted for good (they were in Trash).</param>
public sealed record DeleteResult(IReadOnlyList<MovedMessage> MovedToTrash, IReadOnlyList<MessageRecord> Purged)
{
    /// <summary>UIDs that left the given folder, ascending: what IMAP EXPUNGE reports.</summary>
    public IReadOnlyList<long> RemovedUids(long folderId) => MovedToTrash.Select(m => m.Before).Concat(Purged)
        .Where(m => m.FolderId == folderId).Select(m => m.Uid).Order().ToList();
}

public sealed partial class MessageService
{
    /// <summary>
    /// Moves messages to another folder of the grant: the API id stays, the UID is new, the old
    /// UID is logged as expunged; one message.updated event each. Messages already there stay.
    /// </summary>
    public async Task<MoveResult> MoveAsync(Guid grantId, MessageSelection selection, long targetFolderId, CancellationToken cancellationToken)
    {
        await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
        var (folders, messages) = await MessageRows.LockAndSelectAsync(tx, grantId, selection, [targetFolderId], onlyDeleted: false, cancellationToken).ConfigureAwait(false);
        var target = folders[targetFolderId];
        var moved = await MessageRows.MoveAsync(tx, target, messages, MessageFlags.None, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new MoveResult(target.UidValidity, moved);
    }

    /// <summary>
    /// Copies messages into a folder: new messages (new API ids and UIDs) sharing the source's
    /// blob, with its flags and keywords and thread; one message.created event each.
    /// </summary>
    public async Task<CopyResult> CopyAsync(Guid grantId, MessageSelection selection, long targetFolderId, CancellationToken cancellationToken)
    {
        await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
        var (folders, messages) = await MessageRows.LockAndSelectAsync(tx, grantId, selection, [targetFolderId], onlyDeleted: false, cancellationToken).ConfigureAwait(false);
        var target = folders[targetFolderId];
        if (messages.Count == 0)
            return new CopyResult(target.UidValidity, []);
        messages = messages.OrderBy(m => m.FolderId).ThenBy(m => m.Uid).ToList();

        var bytes = messages.Sum(m => (long)m.Size);
        await CheckQuotaAsync(tx, grantId, bytes, cancellationToken).ConfigureAwait(false);
        var unseen = messages.Count(m => m.Unread);
        var bumped = await MessageRows.BumpFoldersAsync(tx,
            new Dictionary<long, FolderDelta> { [target.Id] = new(messages.Count, unseen, bytes, messages.Count) }, cancellationToken).ConfigureAwait(false);
        var (modseq, firstUid) = bumped[target.Id];

        var newIds = messages.Select(_ => Guid.CreateVersion7()).ToArray();
        var copies = new List<MessageRecord>(messages.Count);
        await using (var insert = tx.Command($"""
            INSERT INTO messages (id, grant_id, folder_id, uid, modseq, flags, keywords, thread_id, blob_sha256, size,
                internal_date, sent_date, message_id, in_reply_to, reference_ids, subject,
                from_list, to_list, cc_list, bcc_list, reply_to_list, address_keys, snippet, attachments, has_attachments,
                metadata, search)
            SELECT c.new_id, s.grant_id, $1, c.uid, $2, s.flags, s.keywords, s.thread_id, s.blob_sha256, s.size,
                s.internal_date, s.sent_date, s.message_id, s.in_reply_to, s.reference_ids, s.subject,
                s.from_list, s.to_list, s.cc_list, s.bcc_list, s.reply_to_list, s.address_keys, s.snippet, s.attachments, s.has_attachments,
                s.metadata, s.search
            FROM unnest($3::uuid[], $4::uuid[], $5::bigint[]) AS c(source_id, new_id, uid)
            JOIN messages s ON s.id = c.source_id
            RETURNING {MessageRecord.Columns("messages")}
            """))
        {
            insert.Parameters.AddWithValue(target.Id);
            insert.Parameters.AddWithValue(modseq);
            insert.Parameters.AddWithValue(messages.Select(m => m.Id).ToArray());
            insert.Parameters.AddWithValue(newIds);
            insert.Parameters.AddWithValue(messages.Select((_, i) => firstUid + i).ToArray());
            await using var reader = await insert.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                copies.Add(MessageRecord.Read(reader));
        }
        foreach (var group in messages.GroupBy(m => Convert.ToHexString(m.BlobSha256)))
            await Blobs.AddReferencesAsync(tx, group.First().BlobSha256, group.Count(), cancellationToken).ConfigureAwait(false);

        var copyById = copies.ToDictionary(c => c.Id);
        var copied = messages.Select((m, i) => new CopiedMessage(m, copyById[newIds[i]])).ToList();
        foreach (var copy in copied)
            tx.AddEvent(grantId, EventTypes.MessageCreated, copy.Copy.Id.ToString(), MailboxJson.Serialize(copy.Copy.ToObject()));
        tx.Notify(new MailboxChange(grantId, ChangeKind.Messages, target.Id, modseq));
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new CopyResult(target.UidValidity, copied);
    }

    /// <summary>
    /// Deletes messages the way DESIGN.md defines it for every surface: moved to Trash (with
    /// \Deleted cleared, so expunging Trash later is a deliberate act), or, for messages already
    /// in Trash, deleted for good.
    /// </summary>
    public Task<DeleteResult> DeleteAsync(Guid grantId, MessageSelection selection, CancellationToken cancellationToken) =>
        DeleteCoreAsync(grantId, selection, onlyDeleted: false, cancellationToken);

    /// <summary>
    /// IMAP EXPUNGE / UID EXPUNGE / CLOSE: the folder's messages flagged \Deleted (within
    /// <paramref name="uids"/> when given) go to Trash, or are purged when the folder is Trash.
    /// </summary>
    public Task<DeleteResult> ExpungeAsync(Guid grantId, long folderId, IReadOnlyList<UidRange>? uids, CancellationToken cancellationToken) =>
        DeleteCoreAsync(grantId, MessageSelection.Uids(folderId, uids ?? [new UidRange(1, long.MaxValue)]), onlyDeleted: true, cancellationToken);

    private async Task<DeleteResult> DeleteCoreAsync(Guid grantId, MessageSelection selection, bool onlyDeleted, CancellationToken cancellationToken)
    {
        await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
        var trash = await FolderRows.FindByRoleAsync(tx, grantId, SystemFolder.TrashRole, cancellationToken).ConfigureAwait(false)
            ?? throw new MailboxException(MailboxError.GrantNotFound, "The grant does not exist.");
        var (folders, messages) = await MessageRows.LockAndSelectAsync(tx, grantId, selection, [trash.Id], onlyDeleted, cancellationToken).ConfigureAwait(false);
        trash = folders[trash.Id];

        var purged = messages.Where(m => m.FolderId == trash.Id).ToList();
        var toTrash = messages.Where(m => m.FolderId != trash.Id).ToList();
        // Purge first: both steps bump Trash, and moving second lets the move read Trash's UIDNEXT fresh.
        await MessageRows.PurgeAsync(tx, purged, cancellationToken).ConfigureAwait(false);
        var moved = await MessageRows.MoveAsync(tx, trash, toTrash, MessageFlags.Deleted, cancellationToken).ConfigureAwait(false);
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return new DeleteResult(moved, purged);
    }
}
