using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Events;
using AgentMail.Mailbox.Objects;
using AgentMail.Mailbox.Storage;
using Npgsql;

namespace AgentMail.Mailbox.Messages;

/// <param name="Matched">Every selected message as it is after the change (changed or not).</param>
/// <param name="Changed">The messages whose flags actually changed, with their new MODSEQ.</param>
/// <param name="Modified">Messages left alone because their MODSEQ exceeded UNCHANGEDSINCE (RFC 7162 §3.1.3).</param>
public sealed record FlagUpdateResult(IReadOnlyList<MessageRecord> Matched, IReadOnlyList<MessageRecord> Changed, IReadOnlyList<MessageRecord> Modified);

public sealed partial class MessageService
{
    /// <summary>
    /// Adds, removes or replaces flags and keywords. Messages whose state does not change keep
    /// their MODSEQ and produce no event; every folder with changes gets one new MODSEQ, shared by
    /// its messages changed here, and each changed message one message.updated event.
    /// </summary>
    public async Task<FlagUpdateResult> SetFlagsAsync(Guid grantId, MessageSelection selection, FlagChange change,
        long? unchangedSince = null, CancellationToken cancellationToken = default)
    {
        KeywordRules.Validate(change.Keywords);
        await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
        var (folders, messages) = await MessageRows.LockAndSelectAsync(tx, grantId, selection, [], onlyDeleted: false, cancellationToken).ConfigureAwait(false);

        var modified = new List<MessageRecord>();
        var pending = new List<(MessageRecord Before, MessageFlags Flags, string[] Keywords)>();
        foreach (var message in messages)
        {
            var (flags, keywords) = change.ApplyTo(message.Flags, message.Keywords);
            if (flags == message.Flags && keywords.SequenceEqual(message.Keywords, StringComparer.Ordinal))
                continue;
            if (unchangedSince is { } limit && message.ModSeq > limit)
            {
                modified.Add(message);
                continue;
            }
            pending.Add((message, flags, keywords));
        }
        if (pending.Count == 0)
            return new FlagUpdateResult(messages, [], modified);

        var deltas = new Dictionary<long, FolderDelta>();
        foreach (var (before, flags, _) in pending)
        {
            var unseenDelta = (flags.HasFlag(MessageFlags.Seen) ? 0 : 1) - (before.Unread ? 1 : 0);
            deltas[before.FolderId] = deltas.GetValueOrDefault(before.FolderId) + new FolderDelta(0, unseenDelta, 0, 0);
        }
        // The folders are locked: each one's next MODSEQ is its HIGHESTMODSEQ + 1, so the folder
        // counters, the messages and their events go in one round trip.
        var modseqs = deltas.Keys.ToDictionary(id => id, id => folders[id].HighestModSeq + 1);
        var now = clock.GetUtcNow();
        var changedById = new Dictionary<Guid, MessageRecord>(pending.Count);
        await using (var write = tx.Batch())
        {
            write.BatchCommands.Add(MessageRows.BumpFoldersCommand(deltas));
            var update = new NpgsqlBatchCommand("""
                UPDATE messages m SET flags = u.flags, keywords = COALESCE(string_to_array(NULLIF(u.keywords, ''), ' '), '{}'),
                    modseq = u.modseq, updated_at = now()
                FROM unnest($1::uuid[], $2::smallint[], $3::text[], $4::bigint[]) AS u(id, flags, keywords, modseq)
                WHERE m.id = u.id
                """);
            // Keywords are atoms (no spaces, KeywordRules), so a space-joined string carries each row's set.
            update.Parameters.AddWithValue(pending.Select(p => p.Before.Id).ToArray());
            update.Parameters.AddWithValue(pending.Select(p => (short)p.Flags).ToArray());
            update.Parameters.AddWithValue(pending.Select(p => string.Join(' ', p.Keywords)).ToArray());
            update.Parameters.AddWithValue(pending.Select(p => modseqs[p.Before.FolderId]).ToArray());
            write.BatchCommands.Add(update);

            foreach (var (before, flags, keywords) in pending)
            {
                var after = before with { Flags = flags, Keywords = keywords, ModSeq = modseqs[before.FolderId], UpdatedAt = now };
                changedById[after.Id] = after;
                tx.AddEvent(grantId, EventTypes.MessageUpdated, after.Id.ToString(), MailboxJson.Serialize(after.ToObject()));
            }
            tx.AddEventsTo(write);
            await write.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        foreach (var (folderId, modseq) in modseqs)
            tx.Notify(new MailboxChange(grantId, ChangeKind.Messages, folderId, modseq));
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);

        var matched = messages.Select(m => changedById.GetValueOrDefault(m.Id, m)).ToList();
        return new FlagUpdateResult(matched, [.. changedById.Values], modified);
    }

    /// <summary>Replaces the API metadata of a message (not visible to IMAP, so no MODSEQ change).</summary>
    public async Task<MessageRecord> SetMetadataAsync(Guid grantId, Guid messageId, IReadOnlyDictionary<string, string> metadata, CancellationToken cancellationToken)
    {
        await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
        await using var update = tx.Command($"""
            UPDATE messages SET metadata = $3, updated_at = now() WHERE grant_id = $1 AND id = $2
            RETURNING {MessageRecord.Columns("messages")}
            """);
        update.Parameters.AddWithValue(grantId);
        update.Parameters.AddWithValue(messageId);
        update.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Jsonb,
            System.Text.Json.JsonSerializer.Serialize(new Dictionary<string, string>(metadata), MailboxJson.Default.DictionaryStringString));
        MessageRecord message;
        await using (var reader = await update.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                throw new MailboxException(MailboxError.MessageNotFound, $"Message {messageId} does not exist.");
            message = MessageRecord.Read(reader);
        }
        tx.AddEvent(grantId, EventTypes.MessageUpdated, message.Id.ToString(), MailboxJson.Serialize(message.ToObject()));
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return message;
    }
}
