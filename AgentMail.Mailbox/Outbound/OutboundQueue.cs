using AgentMail.Mailbox.Storage;
using Npgsql;

namespace AgentMail.Mailbox.Outbound;

/// <summary>
/// The durable outbound queue shared by API send and SMTP submission. A queued message holds one
/// reference on its blob while any recipient is still <c>queued</c>; the delivery worker releases
/// it when the last recipient reaches <c>delivered</c> or <c>failed</c>.
/// </summary>
internal static class OutboundQueue
{
    public static async Task<Guid> EnqueueAsync(MailboxTransaction tx, Guid? grantId, Guid? messageId, byte[] blobSha256,
        string envelopeFrom, IReadOnlyCollection<string> recipients, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var (id, command) = Enqueue(tx, grantId, messageId, blobSha256, envelopeFrom, recipients, expiresAt);
        await using var batch = tx.Batch();
        batch.BatchCommands.Add(command);
        await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        return id;
    }

    /// <summary>
    /// The message and its recipients as one statement, for a caller's batch. A null
    /// <paramref name="grantId"/> queues a notice of the deployment itself (no sender mailbox).
    /// </summary>
    public static (Guid Id, NpgsqlBatchCommand Command) Enqueue(MailboxTransaction tx, Guid? grantId, Guid? messageId, byte[] blobSha256,
        string envelopeFrom, IReadOnlyCollection<string> recipients, DateTimeOffset expiresAt)
    {
        var id = Guid.CreateVersion7();
        // The recipients' foreign key is checked at the end of the statement, when the message row exists.
        var command = new NpgsqlBatchCommand("""
            WITH queued AS (
                INSERT INTO outbound_messages (id, grant_id, message_id, blob_sha256, envelope_from, expires_at)
                VALUES ($1, $2, $3, $4, $5, $6))
            INSERT INTO outbound_recipients (outbound_id, recipient) SELECT $1, r FROM unnest($7::text[]) AS r
            ON CONFLICT DO NOTHING
            """);
        command.Parameters.AddWithValue(id);
        command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Uuid, (object?)grantId ?? DBNull.Value);
        command.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Uuid, (object?)messageId ?? DBNull.Value);
        command.Parameters.AddWithValue(blobSha256);
        command.Parameters.AddWithValue(envelopeFrom);
        command.Parameters.AddWithValue(expiresAt);
        command.Parameters.AddWithValue(recipients.ToArray());
        tx.NotifyOutbound();
        return (id, command);
    }
}
