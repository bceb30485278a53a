using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Events;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Objects;
using AgentMail.Mailbox.Storage;
using Npgsql;
using NpgsqlTypes;

namespace AgentMail.Mailbox.Messages;

/// <summary>
/// The row-level steps that several operations share (select, move, purge), each inside the
/// caller's transaction and with the folders involved already locked.
/// </summary>
internal static class MessageRows
{
    private static readonly string FolderOfGrant = Folder.BelongsToGrantSql("$2", "$1");

    /// <summary>
    /// Locks the folders a selection touches (plus <paramref name="extraFolders"/>) and reads the
    /// selected messages. Messages selected by id can move between reading their folder and
    /// locking it; the read is retried until the locked set covers them.
    /// </summary>
    public static async Task<(Dictionary<long, Folder> Folders, List<MessageRecord> Messages)> LockAndSelectAsync(
        MailboxTransaction tx, Guid grantId, MessageSelection selection, IReadOnlyCollection<long> extraFolders,
        bool onlyDeleted, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            var folderIds = selection switch
            {
                MessageSelection.ByUids byUids => [byUids.FolderId],
                MessageSelection.ByIds byIds => await FoldersOfAsync(tx, grantId, byIds.MessageIds, cancellationToken).ConfigureAwait(false),
                _ => throw new ArgumentOutOfRangeException(nameof(selection)),
            };
            // One round trip: the folder locks, then (under them) the messages.
            Dictionary<long, Folder> folders;
            List<MessageRecord> messages;
            await using (var batch = tx.Batch())
            {
                batch.BatchCommands.Add(FolderRows.LockCommand(grantId, folderIds.Concat(extraFolders)));
                batch.BatchCommands.Add(SelectCommand(grantId, selection, onlyDeleted));
                await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                folders = await FolderRows.ReadLockedAsync(reader, cancellationToken).ConfigureAwait(false);
                await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
                messages = await ReadMessagesAsync(reader, cancellationToken).ConfigureAwait(false);
            }
            if (selection is MessageSelection.ByUids uids && !folders.ContainsKey(uids.FolderId))
                throw new MailboxException(MailboxError.FolderNotFound, "The folder does not exist.");
            foreach (var extra in extraFolders)
            {
                if (!folders.ContainsKey(extra))
                    throw new MailboxException(MailboxError.FolderNotFound, "The target folder does not exist.");
            }
            if (messages.All(m => folders.ContainsKey(m.FolderId)) || attempt == 5)
                return (folders, messages.Where(m => folders.ContainsKey(m.FolderId)).ToList());
        }
    }

    private static async Task<long[]> FoldersOfAsync(MailboxTransaction tx, Guid grantId, IReadOnlyList<Guid> ids, CancellationToken cancellationToken)
    {
        await using var command = tx.Command("SELECT DISTINCT folder_id FROM messages WHERE grant_id = $1 AND id = ANY($2)");
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(ids.ToArray());
        var folders = new List<long>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            folders.Add(reader.GetInt64(0));
        return [.. folders];
    }

    public static async Task<List<MessageRecord>> SelectAsync(MailboxTransaction tx, Guid grantId, MessageSelection selection, bool onlyDeleted, CancellationToken cancellationToken)
    {
        await using var batch = tx.Batch();
        batch.BatchCommands.Add(SelectCommand(grantId, selection, onlyDeleted));
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await ReadMessagesAsync(reader, cancellationToken).ConfigureAwait(false);
    }

    private static NpgsqlBatchCommand SelectCommand(Guid grantId, MessageSelection selection, bool onlyDeleted)
    {
        var deletedFilter = onlyDeleted ? $" AND (m.flags & {(short)MessageFlags.Deleted}) <> 0" : "";
        // By UIDs: one index range scan over the folder from the lowest to the highest UID asked for,
        // the ranges in between tested per row. Its plan stays that scan whatever the values, so the
        // statement's cached generic plan is as good as a fresh one (a join of the ranges with the
        // folder is planned as a scan of the whole folder once the planner cannot see the arrays).
        var command = new NpgsqlBatchCommand(selection switch
        {
            MessageSelection.ByUids { Ranges.Count: 1 } => $"""
                SELECT {MessageRecord.Columns("m")} FROM messages m
                WHERE m.folder_id = $2 AND m.uid BETWEEN $3 AND $4 AND {FolderOfGrant}{deletedFilter} ORDER BY m.uid
                """,
            MessageSelection.ByUids => $"""
                SELECT {MessageRecord.Columns("m")} FROM messages m
                WHERE m.folder_id = $2 AND m.uid BETWEEN $5 AND $6 AND {FolderOfGrant}
                    AND EXISTS (SELECT 1 FROM unnest($3::bigint[], $4::bigint[]) AS r(lo, hi) WHERE m.uid BETWEEN r.lo AND r.hi){deletedFilter}
                ORDER BY m.uid
                """,
            _ => $"""
                SELECT {MessageRecord.Columns("m")} FROM messages m
                WHERE m.grant_id = $1 AND m.id = ANY($2){deletedFilter} ORDER BY m.folder_id, m.uid
                """,
        });
        command.Parameters.AddWithValue(grantId);
        switch (selection)
        {
            case MessageSelection.ByUids { Ranges: [var range] } single:
                command.Parameters.AddWithValue(single.FolderId);
                command.Parameters.AddWithValue(range.Start);
                command.Parameters.AddWithValue(range.End);
                break;
            case MessageSelection.ByUids byUids:
                command.Parameters.AddWithValue(byUids.FolderId);
                command.Parameters.AddWithValue(byUids.Ranges.Select(r => r.Start).ToArray());
                command.Parameters.AddWithValue(byUids.Ranges.Select(r => r.End).ToArray());
                command.Parameters.AddWithValue(byUids.Ranges.Count == 0 ? 1L : byUids.Ranges[0].Start);
                command.Parameters.AddWithValue(byUids.Ranges.Count == 0 ? 0L : byUids.Ranges[^1].End);
                break;
            case MessageSelection.ByIds byIds:
                command.Parameters.AddWithValue(byIds.MessageIds.ToArray());
                break;
        }
        return command;
    }

    private static async Task<List<MessageRecord>> ReadMessagesAsync(NpgsqlDataReader reader, CancellationToken cancellationToken)
    {
        var messages = new List<MessageRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            messages.Add(MessageRecord.Read(reader));
        return messages;
    }

    /// <summary>
    /// Allocates one MODSEQ in each folder and adjusts its counters: the single write to a folder
    /// row per operation. Returns per folder the new HIGHESTMODSEQ and the first UID allocated
    /// (when the delta allocates any).
    /// </summary>
    public static async Task<Dictionary<long, (long ModSeq, long FirstUid)>> BumpFoldersAsync(MailboxTransaction tx, IReadOnlyDictionary<long, FolderDelta> deltas, CancellationToken cancellationToken)
    {
        await using var batch = tx.Batch();
        batch.BatchCommands.Add(BumpFoldersCommand(deltas));
        var result = new Dictionary<long, (long, long)>(deltas.Count);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            result[reader.GetInt64(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        return result;
    }

    /// <summary>
    /// <see cref="BumpFoldersAsync"/> as a batch command, for a caller that holds the folders'
    /// locks and so already knows what it returns: each folder's HIGHESTMODSEQ + 1 and UIDNEXT.
    /// </summary>
    public static NpgsqlBatchCommand BumpFoldersCommand(IReadOnlyDictionary<long, FolderDelta> deltas)
    {
        var ids = deltas.Keys.Order().ToArray();
        var command = new NpgsqlBatchCommand("""
            UPDATE folders f SET
                highest_modseq = f.highest_modseq + 1,
                uid_next = f.uid_next + d.uids,
                message_count = f.message_count + d.messages,
                unseen_count = f.unseen_count + d.unseen,
                size_bytes = f.size_bytes + d.bytes,
                updated_at = now()
            FROM unnest($1::bigint[], $2::int[], $3::int[], $4::bigint[], $5::int[]) AS d(id, messages, unseen, bytes, uids)
            WHERE f.id = d.id
            RETURNING f.id, f.highest_modseq, f.uid_next - d.uids
            """);
        command.Parameters.AddWithValue(ids);
        command.Parameters.AddWithValue(ids.Select(i => deltas[i].Messages).ToArray());
        command.Parameters.AddWithValue(ids.Select(i => deltas[i].Unseen).ToArray());
        command.Parameters.AddWithValue(ids.Select(i => deltas[i].Bytes).ToArray());
        command.Parameters.AddWithValue(ids.Select(i => deltas[i].Uids).ToArray());
        return command;
    }

    /// <summary>
    /// Moves messages into <paramref name="target"/> (locked by the caller, as are their folders):
    /// new UIDs in source-UID order (RFC 6851 §4.3 pairs them in COPYUID), the API id kept, the
    /// old UIDs logged as expunged, one message.updated event each.
    /// </summary>
    public static async Task<List<MovedMessage>> MoveAsync(MailboxTransaction tx, Folder target, IReadOnlyList<MessageRecord> messages,
        MessageFlags clearFlags, CancellationToken cancellationToken)
    {
        var moving = messages.Where(m => m.FolderId != target.Id).OrderBy(m => m.FolderId).ThenBy(m => m.Uid).ToList();
        if (moving.Count == 0)
            return [];

        var deltas = new Dictionary<long, FolderDelta>();
        foreach (var message in moving)
        {
            var unseen = message.Unread ? 1 : 0;
            deltas[message.FolderId] = deltas.GetValueOrDefault(message.FolderId) + new FolderDelta(-1, -unseen, -message.Size, 0);
            deltas[target.Id] = deltas.GetValueOrDefault(target.Id) + new FolderDelta(1, unseen, message.Size, 1);
        }
        var bumped = await BumpFoldersAsync(tx, deltas, cancellationToken).ConfigureAwait(false);
        var (targetModSeq, firstUid) = bumped[target.Id];

        var newUids = moving.Select((_, i) => firstUid + i).ToArray();
        await using (var update = tx.Command($"""
            UPDATE messages m SET folder_id = $1, uid = u.uid, modseq = $2, flags = m.flags & ~$3::smallint, updated_at = now()
            FROM unnest($4::uuid[], $5::bigint[]) AS u(id, uid)
            WHERE m.id = u.id
            """))
        {
            update.Parameters.AddWithValue(target.Id);
            update.Parameters.AddWithValue(targetModSeq);
            update.Parameters.AddWithValue((short)clearFlags);
            update.Parameters.AddWithValue(moving.Select(m => m.Id).ToArray());
            update.Parameters.AddWithValue(newUids);
            await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await LogExpungedAsync(tx, moving.Select(m => (m.FolderId, m.Uid, bumped[m.FolderId].ModSeq)), cancellationToken).ConfigureAwait(false);

        var moved = new List<MovedMessage>(moving.Count);
        for (var i = 0; i < moving.Count; i++)
        {
            var before = moving[i];
            var after = before with
            {
                FolderId = target.Id,
                FolderPublicId = target.PublicId,
                Uid = newUids[i],
                ModSeq = targetModSeq,
                Flags = before.Flags & ~clearFlags,
                UpdatedAt = DateTimeOffset.UtcNow,
            };
            moved.Add(new MovedMessage(before, after));
            tx.AddEvent(after.GrantId, EventTypes.MessageUpdated, after.Id.ToString(), MailboxJson.Serialize(after.ToObject()));
        }
        foreach (var (folderId, (modseq, _)) in bumped)
            tx.Notify(new MailboxChange(target.GrantId, ChangeKind.Messages, folderId, modseq));
        return moved;
    }

    /// <summary>Deletes messages for good: expunge log, counters, blob references, one message.deleted each.</summary>
    public static async Task PurgeAsync(MailboxTransaction tx, IReadOnlyList<MessageRecord> messages, CancellationToken cancellationToken)
    {
        if (messages.Count == 0)
            return;
        var deltas = new Dictionary<long, FolderDelta>();
        foreach (var message in messages)
            deltas[message.FolderId] = deltas.GetValueOrDefault(message.FolderId) + new FolderDelta(-1, message.Unread ? -1 : 0, -message.Size, 0);
        var bumped = await BumpFoldersAsync(tx, deltas, cancellationToken).ConfigureAwait(false);

        await using (var delete = tx.Command("DELETE FROM messages WHERE id = ANY($1)"))
        {
            delete.Parameters.AddWithValue(messages.Select(m => m.Id).ToArray());
            await delete.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await LogExpungedAsync(tx, messages.Select(m => (m.FolderId, m.Uid, bumped[m.FolderId].ModSeq)), cancellationToken).ConfigureAwait(false);
        await Blobs.ReleaseAsync(tx, messages.Select(m => m.BlobSha256), cancellationToken).ConfigureAwait(false);

        foreach (var message in messages)
            tx.AddEvent(message.GrantId, EventTypes.MessageDeleted, message.Id.ToString(), MailboxJson.Serialize(message.ToObject()));
        var grantId = messages[0].GrantId;
        foreach (var (folderId, (modseq, _)) in bumped)
            tx.Notify(new MailboxChange(grantId, ChangeKind.Messages, folderId, modseq));
    }

    public static async Task LogExpungedAsync(MailboxTransaction tx, IEnumerable<(long FolderId, long Uid, long ModSeq)> expunged, CancellationToken cancellationToken)
    {
        var rows = expunged.ToArray();
        if (rows.Length == 0)
            return;
        await using var insert = tx.Command("""
            INSERT INTO expunged_uids (folder_id, uid, modseq)
            SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::bigint[])
            ON CONFLICT (folder_id, uid) DO UPDATE SET modseq = EXCLUDED.modseq
            """);
        insert.Parameters.AddWithValue(rows.Select(r => r.FolderId).ToArray());
        insert.Parameters.AddWithValue(rows.Select(r => r.Uid).ToArray());
        insert.Parameters.AddWithValue(rows.Select(r => r.ModSeq).ToArray());
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A parameter for a nullable text value (Npgsql needs the type when the value is null).</summary>
    public static Npgsql.NpgsqlParameter Text(string? value) => new() { NpgsqlDbType = NpgsqlDbType.Text, Value = (object?)value ?? DBNull.Value };
}

/// <summary>Changes to one folder row's counters within an operation.</summary>
internal readonly record struct FolderDelta(int Messages, int Unseen, long Bytes, int Uids)
{
    public static FolderDelta operator +(FolderDelta a, FolderDelta b) =>
        new(a.Messages + b.Messages, a.Unseen + b.Unseen, a.Bytes + b.Bytes, a.Uids + b.Uids);
}

/// <summary>A message before and after a move.</summary>
public sealed record MovedMessage(MessageRecord Before, MessageRecord After);
