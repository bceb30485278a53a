using AgentMail.Mailbox.Storage;

namespace AgentMail.Mailbox.Outbound;

/// <summary>
/// The durable outbound queue shared by API send and SMTP submission. A queued message holds one
/// reference on its blob while any recipient is still <c>queued</c>; the delivery worker releases
/// it when the last recipient reaches <c>delivered</c> or <c>failed</c>.
/// </summary>
internal static class OutboundQueue
{
    public static async Task<Guid> EnqueueAsync(MailboxTransaction tx, Guid grantId, Guid? messageId, byte[] blobSha256,
        string envelopeFrom, IReadOnlyCollection<string> recipients, DateTimeOffset expiresAt, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7();
        await using (var insert = tx.Command("""
            INSERT INTO outbound_messages (id, grant_id, message_id, blob_sha256, envelope_from, expires_at)
            VALUES ($1, $2, $3, $4, $5, $6)
            """))
        {
            insert.Parameters.AddWithValue(id);
            insert.Parameters.AddWithValue(grantId);
            insert.Parameters.AddWithValue(NpgsqlTypes.NpgsqlDbType.Uuid, (object?)messageId ?? DBNull.Value);
            insert.Parameters.AddWithValue(blobSha256);
            insert.Parameters.AddWithValue(envelopeFrom);
            insert.Parameters.AddWithValue(expiresAt);
            await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await using (var rcpt = tx.Command("""
            INSERT INTO outbound_recipients (outbound_id, recipient) SELECT $1, r FROM unnest($2::text[]) AS r
            ON CONFLICT DO NOTHING
            """))
        {
            rcpt.Parameters.AddWithValue(id);
            rcpt.Parameters.AddWithValue(recipients.ToArray());
            await rcpt.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        tx.NotifyOutbound();
        return id;
    }
}
