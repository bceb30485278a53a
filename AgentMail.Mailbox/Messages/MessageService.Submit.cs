using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Events;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Grants;
using AgentMail.Mailbox.Objects;
using AgentMail.Mailbox.Outbound;
using AgentMail.Mailbox.Storage;

namespace AgentMail.Mailbox.Messages;

/// <param name="SentCopy">The message in Sent (an existing one when the same Message-ID was already there).</param>
public sealed record SubmitResult(MessageRecord SentCopy, bool Deduplicated, Guid OutboundId);

public sealed partial class MessageService
{
    /// <summary>
    /// Sends a message, identically for API send and SMTP submission: stored in Sent (\Seen,
    /// threaded, message.created) and queued for delivery to <paramref name="recipients"/>, in one
    /// transaction — a message is never in Sent without being queued, nor queued without its copy.
    /// </summary>
    public Task<SubmitResult> SubmitAsync(Guid grantId, MessageContent content, string envelopeFrom,
        IReadOnlyCollection<string> recipients, CancellationToken cancellationToken) =>
        SubmitAsync(grantId, content, envelopeFrom, recipients, metadata: null, cancellationToken);

    /// <summary>As above, with API metadata on the Sent copy (part of its message.created event).</summary>
    public async Task<SubmitResult> SubmitAsync(Guid grantId, MessageContent content, string envelopeFrom,
        IReadOnlyCollection<string> recipients, IReadOnlyDictionary<string, string>? metadata, CancellationToken cancellationToken)
    {
        var queueTo = CheckOutgoing(content, recipients);
        return await WithUploadedBlobAsync(content, uploadFirst: true, async _ =>
        {
            await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
            var expiresAt = clock.GetUtcNow() + options.Value.OutboundRetryPeriod;
            Guid? outboundId = null;
            // The queue's own reference keeps the bytes if the Sent copy is deleted before delivery.
            var stored = await AppendInTransactionAsync(tx, grantId, FolderTarget.ByRole(SystemFolder.SentRole), content,
                new AppendOptions { Flags = MessageFlags.Seen, Metadata = metadata }, blobUploaded: true, cancellationToken,
                alsoWrite: (message, batch) =>
                {
                    batch.BatchCommands.Add(Blobs.Reference(content.Sha256));
                    var (id, enqueue) = OutboundQueue.Enqueue(tx, grantId, message.Id, content.Sha256, envelopeFrom, queueTo, expiresAt);
                    batch.BatchCommands.Add(enqueue);
                    outboundId = id;
                }).ConfigureAwait(false);
            if (outboundId is null)
            {
                // The Sent copy already existed (same Message-ID): queue the delivery on its own.
                await Blobs.AddReferencesAsync(tx, content.Sha256, 1, cancellationToken).ConfigureAwait(false);
                outboundId = await OutboundQueue.EnqueueAsync(tx, grantId, stored.Message.Id, content.Sha256, envelopeFrom, queueTo, expiresAt, cancellationToken).ConfigureAwait(false);
            }
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return new SubmitResult(stored.Message, stored.Deduplicated, outboundId.Value);
        }, cancellationToken);
    }

    /// <summary>
    /// Queues mail the deployment sends on its own behalf (a webhook destination's status notice):
    /// delivered by the same workers as any submission — locally to a grant's INBOX, or remotely —
    /// but with no sender grant, so no Sent copy, no quota, no delivery events and no bounce.
    /// Returns the outbound id.
    /// </summary>
    public async Task<Guid> QueueNoticeAsync(MessageContent content, string envelopeFrom, IReadOnlyCollection<string> recipients, CancellationToken cancellationToken)
    {
        var queueTo = CheckOutgoing(content, recipients);
        return await WithUploadedBlobAsync(content, uploadFirst: true, async _ =>
        {
            await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
            if (!await Blobs.AddReferencesAsync(tx, content.Sha256, 1, cancellationToken).ConfigureAwait(false))
                throw new BlobNotUploadedException(); // purged since the upload: upload again
            var id = await OutboundQueue.EnqueueAsync(tx, grantId: null, messageId: null, content.Sha256, envelopeFrom, queueTo,
                clock.GetUtcNow() + options.Value.OutboundRetryPeriod, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return id;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Size and recipients of a message to send; returns the recipients to queue (trimmed, each once).</summary>
    private string[] CheckOutgoing(MessageContent content, IReadOnlyCollection<string> recipients)
    {
        CheckSize(content);
        if (recipients.Count == 0)
            throw new MailboxException(MailboxError.InvalidArgument, "A message needs at least one recipient.");
        foreach (var recipient in recipients)
        {
            if (EmailAddressRules.Validate(recipient) is { } invalid)
                throw new MailboxException(MailboxError.InvalidEmail, invalid);
        }
        return recipients.Select(r => r.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).ToArray();
    }

    /// <summary>
    /// Replaces a message's content in place (a draft being edited): same API id and folder, a
    /// new UID (IMAP sees the old one expunged, as for any changed draft), one message.updated event.
    /// </summary>
    public async Task<MessageRecord> ReplaceContentAsync(Guid grantId, Guid messageId, MessageContent content, AppendOptions state, CancellationToken cancellationToken)
    {
        CheckSize(content);
        KeywordRules.Validate(state.Keywords);
        return await WithUploadedBlobAsync(content, uploadFirst: true, _ => ReplaceUploadedContentAsync(grantId, messageId, content, state, cancellationToken), cancellationToken).ConfigureAwait(false);
    }

    private async Task<MessageRecord> ReplaceUploadedContentAsync(Guid grantId, Guid messageId, MessageContent content, AppendOptions state, CancellationToken cancellationToken)
    {
        await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
        var (folders, messages) = await MessageRows.LockAndSelectAsync(tx, grantId, MessageSelection.Ids(messageId), [], onlyDeleted: false, cancellationToken).ConfigureAwait(false);
        var before = messages.SingleOrDefault()
            ?? throw new MailboxException(MailboxError.MessageNotFound, $"Message {messageId} does not exist.");
        var folder = folders[before.FolderId];

        await CheckQuotaAsync(tx, grantId, Math.Max(0, content.Size - before.Size), cancellationToken).ConfigureAwait(false);
        // Should a concurrent purge have removed the uploaded blob, the UPDATE's foreign key fails and the upload is retried.
        await Blobs.AddReferencesAsync(tx, content.Sha256, 1, cancellationToken).ConfigureAwait(false);
        var unseenDelta = (state.Flags.HasFlag(MessageFlags.Seen) ? 0 : 1) - (before.Unread ? 1 : 0);
        var bumped = await MessageRows.BumpFoldersAsync(tx,
            new Dictionary<long, FolderDelta> { [folder.Id] = new(0, unseenDelta, content.Size - before.Size, 1) }, cancellationToken).ConfigureAwait(false);
        var (modseq, uid) = bumped[folder.Id];
        var keywords = FlagChange.Replace(state.Flags, state.Keywords).ApplyTo(MessageFlags.None, []).Keywords;

        MessageRecord after;
        await using (var update = tx.Command($"""
            UPDATE messages SET uid = $3, modseq = $4, flags = $5, keywords = $6, blob_sha256 = $7, size = $8,
                sent_date = $9, message_id = $10, in_reply_to = $11, reference_ids = $12, subject = $13,
                from_list = $14, to_list = $15, cc_list = $16, bcc_list = $17, reply_to_list = $18, address_keys = $19,
                snippet = $20, attachments = $21, has_attachments = $22, search = $23::tsvector, updated_at = now()
            WHERE grant_id = $1 AND id = $2
            RETURNING {MessageRecord.Columns("messages")}
            """))
        {
            var p = update.Parameters;
            p.AddWithValue(grantId);
            p.AddWithValue(messageId);
            p.AddWithValue(uid);
            p.AddWithValue(modseq);
            p.AddWithValue((short)state.Flags);
            p.AddWithValue(keywords);
            p.AddWithValue(content.Sha256);
            p.AddWithValue(content.Size);
            p.AddWithValue(NpgsqlTypes.NpgsqlDbType.TimestampTz, content.SentDate is { } sentDate ? sentDate : DBNull.Value);
            p.Add(MessageRows.Text(content.MessageId));
            p.Add(MessageRows.Text(content.InReplyTo));
            p.AddWithValue(content.References.ToArray());
            p.AddWithValue(content.Subject);
            p.AddWithValue(NpgsqlTypes.NpgsqlDbType.Jsonb, Json(content.From));
            p.AddWithValue(NpgsqlTypes.NpgsqlDbType.Jsonb, Json(content.To));
            p.AddWithValue(NpgsqlTypes.NpgsqlDbType.Jsonb, Json(content.Cc));
            p.AddWithValue(NpgsqlTypes.NpgsqlDbType.Jsonb, Json(content.Bcc));
            p.AddWithValue(NpgsqlTypes.NpgsqlDbType.Jsonb, Json(content.ReplyTo));
            p.AddWithValue(content.AddressKeys());
            p.AddWithValue(content.Snippet);
            p.AddWithValue(NpgsqlTypes.NpgsqlDbType.Jsonb, System.Text.Json.JsonSerializer.Serialize(content.Attachments.ToList(), MailboxJson.Default.ListAttachmentObject));
            p.AddWithValue(content.HasAttachments);
            p.AddWithValue(content.SearchVector);
            await using var reader = await update.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            after = MessageRecord.Read(reader);
        }
        await MessageRows.LogExpungedAsync(tx, [(folder.Id, before.Uid, modseq)], cancellationToken).ConfigureAwait(false);
        await Blobs.ReleaseAsync(tx, [before.BlobSha256], cancellationToken).ConfigureAwait(false);
        tx.AddEvent(grantId, EventTypes.MessageUpdated, after.Id.ToString(), MailboxJson.Serialize(after.ToObject()));
        tx.Notify(new MailboxChange(grantId, ChangeKind.Messages, folder.Id, modseq));
        await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
        return after;
    }
}
