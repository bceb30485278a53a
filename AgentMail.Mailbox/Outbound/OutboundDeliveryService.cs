using AgentMail.Mailbox.Changes;
using AgentMail.Mailbox.Events;
using AgentMail.Mailbox.Folders;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Storage;
using Npgsql;
using NpgsqlTypes;

namespace AgentMail.Mailbox.Outbound;

/// <summary>
/// The delivery side of the outbound queue that <see cref="MessageService.SubmitAsync"/> fills:
/// claiming due recipients (any number of workers, each recipient worked by one), recording
/// what each attempt came to with its <c>message.delivered</c> / <c>message.bounced</c> event in
/// the same transaction, storing a bounce in the sender's INBOX, delivering to a grant of this
/// deployment, and releasing the queue's blob reference once the last recipient is final.
/// </summary>
/// <remarks>
/// Lock order, as everywhere in the core: the sender's grant row (key share, so a concurrent
/// grant deletion waits instead of deadlocking), then the outbound message row (serializes the
/// outcomes of one message, so exactly one transaction sees its last recipient become final),
/// then folder rows (a local delivery or a bounce), then blob rows.
/// </remarks>
public sealed class OutboundDeliveryService(MailboxDatabase database, ChangePublisher publisher, MessageService messages, TimeProvider clock)
{
    /// <summary>
    /// Claims up to <paramref name="maxRecipients"/> due recipients (<c>FOR UPDATE SKIP LOCKED</c>:
    /// concurrent claimers get disjoint sets) and leases them for <paramref name="lease"/>; grouped by message.
    /// </summary>
    public async Task<IReadOnlyList<OutboundClaim>> ClaimDueAsync(int maxRecipients, TimeSpan lease, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxRecipients);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(lease, TimeSpan.Zero);
        var claimId = Guid.CreateVersion7();
        var now = clock.GetUtcNow();
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            WITH due AS (
                SELECT outbound_id, recipient FROM outbound_recipients
                WHERE status = 'queued' AND next_attempt_at <= $1
                ORDER BY next_attempt_at
                LIMIT $2
                FOR UPDATE SKIP LOCKED),
            claimed AS (
                UPDATE outbound_recipients r SET claim_id = $3, next_attempt_at = $4
                FROM due WHERE r.outbound_id = due.outbound_id AND r.recipient = due.recipient
                RETURNING r.outbound_id, r.recipient, r.attempts)
            SELECT c.outbound_id, c.recipient, c.attempts, o.grant_id, o.message_id, o.blob_sha256, o.envelope_from, o.created_at, o.expires_at
            FROM claimed c JOIN outbound_messages o ON o.id = c.outbound_id
            ORDER BY c.outbound_id, c.recipient
            """, connection);
        command.Parameters.AddWithValue(now);
        command.Parameters.AddWithValue(maxRecipients);
        command.Parameters.AddWithValue(claimId);
        command.Parameters.AddWithValue(now + lease);

        var claims = new List<OutboundClaim>();
        List<OutboundRecipient>? recipients = null;
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var outboundId = reader.GetGuid(0);
            if (claims.Count == 0 || claims[^1].OutboundId != outboundId)
            {
                recipients = [];
                claims.Add(new OutboundClaim(claimId, outboundId, reader.IsDBNull(3) ? null : reader.GetGuid(3), reader.IsDBNull(4) ? null : reader.GetGuid(4),
                    reader.GetFieldValue<byte[]>(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7),
                    reader.GetFieldValue<DateTimeOffset>(8), recipients));
            }
            recipients!.Add(new OutboundRecipient(reader.GetString(1), reader.GetInt32(2)));
        }
        return claims;
    }

    /// <summary>The queued message's bytes (the queue holds a reference on them until the last recipient is final).</summary>
    public async Task<byte[]?> ReadMessageAsync(OutboundClaim claim, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            SELECT b.data FROM outbound_messages o JOIN blobs b ON b.sha256 = o.blob_sha256
            WHERE o.id = $1 AND o.grant_id IS NOT DISTINCT FROM $2
            """, connection);
        command.Parameters.AddWithValue(claim.OutboundId);
        command.Parameters.AddWithValue(NpgsqlDbType.Uuid, (object?)claim.GrantId ?? DBNull.Value);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }

    /// <summary>
    /// Records what attempts came to, in one transaction: each recipient's new state (attempt
    /// counted, reply kept), a <c>message.delivered</c> or <c>message.bounced</c> event per final
    /// outcome, <paramref name="bounce"/> (a DSN) in the sender's INBOX when something failed, and
    /// the blob released when no recipient remains queued. Outcomes for recipients this claim no
    /// longer holds (its lease was taken over) are ignored; returns how many were recorded.
    /// A bounce refused by the sender's quota is dropped; the events still say what happened.
    /// </summary>
    public async Task<int> RecordAsync(OutboundClaim claim, IReadOnlyList<DeliveryOutcome> outcomes, MessageContent? bounce, CancellationToken cancellationToken)
    {
        foreach (var outcome in outcomes)
        {
            if (outcome.Kind == DeliveryOutcomeKind.Deferred && outcome.RetryAt is null)
                throw new ArgumentException($"A deferred outcome needs RetryAt ({outcome.Recipient}).", nameof(outcomes));
        }
        if (outcomes.Count == 0)
            return 0;
        // A notice of the deployment itself has no sender mailbox to bounce to.
        var withBounce = bounce is not null && claim.GrantId is not null && outcomes.Any(o => o.Kind == DeliveryOutcomeKind.Failed);
        if (withBounce)
            messages.CheckSize(bounce!);

        async Task<int> RecordInTransactionAsync(bool _)
        {
            await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
            if (!await LockAsync(tx, claim, cancellationToken).ConfigureAwait(false))
                return 0;
            var now = clock.GetUtcNow();
            var recorded = await UpdateRecipientsAsync(tx, claim, outcomes, now, cancellationToken).ConfigureAwait(false);
            if (recorded.Count == 0)
                return 0;

            var sentCopy = await ReadSentCopyAsync(tx, claim, cancellationToken).ConfigureAwait(false);
            foreach (var outcome in outcomes)
            {
                if (outcome.Kind != DeliveryOutcomeKind.Deferred && recorded.TryGetValue(outcome.Recipient, out var attempts))
                    AddEvent(tx, claim, outcome, attempts, now, sentCopy);
            }
            if (withBounce && outcomes.Any(o => o.Kind == DeliveryOutcomeKind.Failed && recorded.ContainsKey(o.Recipient)))
                await AppendBounceAsync(tx, claim, bounce!, cancellationToken).ConfigureAwait(false);
            if (outcomes.Any(o => o.Kind != DeliveryOutcomeKind.Deferred && recorded.ContainsKey(o.Recipient)))
                await ReleaseIfFinalAsync(tx, claim, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return recorded.Count;
        }

        return withBounce
            ? await messages.WithUploadedBlobAsync(bounce!, uploadFirst: true, RecordInTransactionAsync, cancellationToken).ConfigureAwait(false)
            : await RecordInTransactionAsync(false).ConfigureAwait(false);
    }

    /// <summary>
    /// Delivers to a grant of this deployment: <paramref name="content"/> appended to its INBOX
    /// (message.created there, as for inbound mail) and the recipient recorded as delivered
    /// (message.delivered for the sender), in one transaction, so a retry can never store it twice.
    /// False when this claim no longer holds the recipient. Throws <see cref="MailboxException"/>
    /// (e.g. QuotaExceeded) with nothing changed; the caller records that as an outcome.
    /// </summary>
    public async Task<bool> DeliverLocallyAsync(OutboundClaim claim, string recipient, Guid recipientGrantId, MessageContent content, CancellationToken cancellationToken)
    {
        messages.CheckSize(content);
        return await messages.WithUploadedBlobAsync(content, uploadFirst: true, async _ =>
        {
            await using var tx = await database.BeginAsync(publisher, cancellationToken).ConfigureAwait(false);
            if (!await LockAsync(tx, claim, cancellationToken).ConfigureAwait(false))
                return false;
            await using (var held = tx.Command("""
                SELECT 1 FROM outbound_recipients
                WHERE outbound_id = $1 AND recipient = $2 AND claim_id = $3 AND status = 'queued'
                """))
            {
                held.Parameters.AddWithValue(claim.OutboundId);
                held.Parameters.AddWithValue(recipient);
                held.Parameters.AddWithValue(claim.ClaimId);
                if (await held.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is null)
                    return false;
            }
            // Inbound mail is never deduplicated by Message-ID: a list copy and a direct copy are both real.
            await messages.AppendInTransactionAsync(tx, recipientGrantId, FolderTarget.ByRole(SystemFolder.InboxRole), content,
                new AppendOptions { DeduplicateByMessageId = false }, blobUploaded: true, cancellationToken).ConfigureAwait(false);

            var now = clock.GetUtcNow();
            var outcome = new DeliveryOutcome(recipient, DeliveryOutcomeKind.Delivered, "250 2.0.0 Delivered to a mailbox of this deployment") { Status = "2.0.0" };
            var recorded = await UpdateRecipientsAsync(tx, claim, [outcome], now, cancellationToken).ConfigureAwait(false);
            AddEvent(tx, claim, outcome, recorded[recipient], now, await ReadSentCopyAsync(tx, claim, cancellationToken).ConfigureAwait(false));
            await ReleaseIfFinalAsync(tx, claim, cancellationToken).ConfigureAwait(false);
            await tx.CommitAsync(cancellationToken).ConfigureAwait(false);
            return true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Locks the sender's grant (key share; a notice has none) and the outbound message row; false when either is gone.</summary>
    private static async Task<bool> LockAsync(MailboxTransaction tx, OutboundClaim claim, CancellationToken cancellationToken)
    {
        await using var batch = tx.Batch();
        // Without a grant the first statement still returns its one row, so the reader reads the same either way.
        var grant = new NpgsqlBatchCommand(claim.GrantId is null ? "SELECT 1" : "SELECT 1 FROM grants WHERE id = $1 FOR KEY SHARE");
        if (claim.GrantId is { } grantId)
            grant.Parameters.AddWithValue(grantId);
        var message = new NpgsqlBatchCommand("SELECT 1 FROM outbound_messages WHERE id = $1 AND grant_id IS NOT DISTINCT FROM $2 FOR UPDATE");
        message.Parameters.AddWithValue(claim.OutboundId);
        message.Parameters.AddWithValue(NpgsqlDbType.Uuid, (object?)claim.GrantId ?? DBNull.Value);
        batch.BatchCommands.Add(grant);
        batch.BatchCommands.Add(message);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var grantExists = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        return grantExists && await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Applies the outcomes to the recipients this claim still holds; returns their attempt counts, by recipient.</summary>
    private static async Task<Dictionary<string, int>> UpdateRecipientsAsync(MailboxTransaction tx, OutboundClaim claim,
        IReadOnlyList<DeliveryOutcome> outcomes, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var update = tx.Command("""
            UPDATE outbound_recipients r SET
                status = u.status,
                attempts = r.attempts + 1,
                last_attempt_at = $3,
                last_response = u.response,
                next_attempt_at = COALESCE(u.retry_at, r.next_attempt_at),
                claim_id = NULL,
                final_at = CASE WHEN u.status = 'queued' THEN NULL ELSE $3 END
            FROM unnest($4::text[], $5::text[], $6::text[], $7::timestamptz[]) AS u(recipient, status, response, retry_at)
            WHERE r.outbound_id = $1 AND r.claim_id = $2 AND r.status = 'queued' AND r.recipient = u.recipient
            RETURNING r.recipient, r.attempts
            """);
        update.Parameters.AddWithValue(claim.OutboundId);
        update.Parameters.AddWithValue(claim.ClaimId);
        update.Parameters.AddWithValue(now);
        update.Parameters.AddWithValue(outcomes.Select(o => o.Recipient).ToArray());
        update.Parameters.AddWithValue(outcomes.Select(o => o.Kind switch
        {
            DeliveryOutcomeKind.Delivered => "delivered",
            DeliveryOutcomeKind.Failed => "failed",
            _ => "queued",
        }).ToArray());
        // Replies are the remote server's text: bounded, and without NUL (which text columns refuse).
        update.Parameters.AddWithValue(outcomes.Select(o => Bounded(o.Response)).ToArray());
        update.Parameters.Add(new NpgsqlParameter
        {
            NpgsqlDbType = NpgsqlDbType.Array | NpgsqlDbType.TimestampTz,
            Value = outcomes.Select(o => o.RetryAt is { } at ? (object)at : DBNull.Value).ToArray(),
        });
        var recorded = new Dictionary<string, int>(StringComparer.Ordinal);
        await using var reader = await update.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            recorded[reader.GetString(0)] = reader.GetInt32(1);
        return recorded;
    }

    private static async Task<MessageRecord?> ReadSentCopyAsync(MailboxTransaction tx, OutboundClaim claim, CancellationToken cancellationToken)
    {
        if (claim.MessageId is not { } messageId || claim.GrantId is not { } grantId)
            return null;
        await using var command = tx.Command($"SELECT {MessageRecord.Columns("m")} FROM messages m WHERE m.grant_id = $1 AND m.id = $2");
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(messageId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        return await reader.ReadAsync(cancellationToken).ConfigureAwait(false) ? MessageRecord.Read(reader) : null;
    }

    private static void AddEvent(MailboxTransaction tx, OutboundClaim claim, DeliveryOutcome outcome, int attempts, DateTimeOffset now, MessageRecord? sentCopy)
    {
        if (claim.GrantId is not { } grantId)
            return; // a notice: its outcome stays on its recipient row, there is no grant to tell
        var delivered = outcome.Kind == DeliveryOutcomeKind.Delivered;
        var payload = new DeliveryObject
        {
            Status = delivered ? "delivered" : "bounced",
            GrantId = grantId.ToString(),
            MessageId = sentCopy?.Id.ToString(),
            OutboundId = claim.OutboundId.ToString(),
            Recipient = outcome.Recipient,
            Attempts = attempts,
            Response = Bounded(outcome.Response),
            StatusCode = outcome.Status,
            RemoteMta = outcome.RemoteMta,
            Date = now.ToUnixTimeSeconds(),
            Message = sentCopy?.ToObject(),
        };
        tx.AddEvent(grantId, delivered ? EventTypes.MessageDelivered : EventTypes.MessageBounced,
            (sentCopy?.Id ?? claim.OutboundId).ToString(), OutboundJson.Serialize(payload));
    }

    /// <summary>The DSN in the sender's INBOX; when their quota refuses it, the failure is recorded without it.</summary>
    private async Task AppendBounceAsync(MailboxTransaction tx, OutboundClaim claim, MessageContent bounce, CancellationToken cancellationToken)
    {
        try
        {
            await messages.AppendInTransactionAsync(tx, claim.GrantId!.Value, FolderTarget.ByRole(SystemFolder.InboxRole), bounce,
                new AppendOptions { DeduplicateByMessageId = false }, blobUploaded: true, cancellationToken).ConfigureAwait(false);
        }
        catch (MailboxException e) when (e.Error is MailboxError.QuotaExceeded or MailboxError.GrantNotFound)
        {
            // Refused by its checks, before the append wrote anything or queued an event.
        }
    }

    /// <summary>Releases the queue's blob reference when no recipient remains queued (the caller holds the message row lock).</summary>
    private static async Task ReleaseIfFinalAsync(MailboxTransaction tx, OutboundClaim claim, CancellationToken cancellationToken)
    {
        await using (var remaining = tx.Command("SELECT EXISTS (SELECT 1 FROM outbound_recipients WHERE outbound_id = $1 AND status = 'queued')"))
        {
            remaining.Parameters.AddWithValue(claim.OutboundId);
            if (await remaining.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is true)
                return;
        }
        // The row stays as the delivery record; it no longer holds the bytes.
        await using (var detach = tx.Command("UPDATE outbound_messages SET blob_sha256 = NULL WHERE id = $1"))
        {
            detach.Parameters.AddWithValue(claim.OutboundId);
            await detach.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await Blobs.ReleaseAsync(tx, [claim.BlobSha256], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Deletes the records of messages whose every recipient became final before <paramref name="before"/>
    /// (their events remain in the outbox); returns how many. Queued messages are never touched.
    /// </summary>
    public async Task<int> PruneFinishedAsync(DateTimeOffset before, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            DELETE FROM outbound_messages o
            WHERE o.blob_sha256 IS NULL AND o.created_at < $1
              AND NOT EXISTS (SELECT 1 FROM outbound_recipients r WHERE r.outbound_id = o.id AND (r.status = 'queued' OR r.final_at >= $1))
            """, connection);
        command.Parameters.AddWithValue(before);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static string Bounded(string text)
    {
        var clean = text.Replace('\0', ' ');
        return clean.Length <= 2000 ? clean : clean[..2000];
    }
}
