using AgentMail.Mailbox.Storage;
using Npgsql;

namespace AgentMail.Mailbox.Messages;

/// <summary>
/// Content-addressed message bytes with a reference count: one row per distinct SHA-256, shared
/// by copies and by queued deliveries, dropped when the last reference goes.
/// </summary>
internal static class Blobs
{
    /// <summary>
    /// Stores the content ahead of the transaction that references it (committed on its own, with
    /// no references yet), so that uploading a large message never happens under a folder lock.
    /// Unreferenced blobs are removed by <see cref="Storage.MailboxMaintenance"/> after a grace period.
    /// </summary>
    public static async Task UploadAsync(MailboxDatabase database, MessageContent content, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        if (content.Size > 64 * 1024)
        {
            // Spare the upload of a large duplicate (the same message delivered again, a copy).
            await using var exists = new NpgsqlCommand("SELECT 1 FROM blobs WHERE sha256 = $1", connection);
            exists.Parameters.AddWithValue(content.Sha256);
            if (await exists.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is not null)
                return;
        }
        await using var insert = new NpgsqlCommand("""
            INSERT INTO blobs (sha256, size, ref_count, data, structure, envelope, body_structure, body)
            VALUES ($1, $2, 0, $3, $4, $5, $6, $7)
            ON CONFLICT (sha256) DO NOTHING
            """, connection);
        insert.Parameters.AddWithValue(content.Sha256);
        insert.Parameters.AddWithValue(content.Size);
        insert.Parameters.AddWithValue(content.Raw);
        insert.Parameters.AddWithValue(content.Structure);
        insert.Parameters.AddWithValue(content.Envelope);
        insert.Parameters.AddWithValue(content.BodyStructure);
        insert.Parameters.AddWithValue(content.Body);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// A batch command taking one reference on an uploaded blob. It updates no row when a
    /// concurrent purge removed the blob meanwhile; the message row's foreign key then fails the
    /// batch and the caller uploads again and retries.
    /// </summary>
    public static NpgsqlBatchCommand Reference(byte[] sha256, int count = 1)
    {
        var command = new NpgsqlBatchCommand("UPDATE blobs SET ref_count = ref_count + $2 WHERE sha256 = $1");
        command.Parameters.AddWithValue(sha256);
        command.Parameters.AddWithValue(count);
        return command;
    }

    /// <summary>Adds references to an existing blob; false when there is no such blob.</summary>
    public static async Task<bool> AddReferencesAsync(MailboxTransaction tx, byte[] sha256, int count, CancellationToken cancellationToken)
    {
        await using var update = tx.Command("UPDATE blobs SET ref_count = ref_count + $2 WHERE sha256 = $1");
        update.Parameters.AddWithValue(sha256);
        update.Parameters.AddWithValue(count);
        return await update.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <summary>Releases one reference per item (repeats allowed) and drops blobs left unreferenced.</summary>
    public static async Task ReleaseAsync(MailboxTransaction tx, IEnumerable<byte[]> references, CancellationToken cancellationToken)
    {
        var counts = references.GroupBy(Convert.ToHexString).Select(g => (Sha: g.First(), Count: g.Count())).ToArray();
        if (counts.Length == 0)
            return;
        var orphans = new List<byte[]>();
        await using (var release = tx.Command("""
            UPDATE blobs SET ref_count = blobs.ref_count - r.n
            FROM unnest($1::bytea[], $2::int[]) AS r(sha, n)
            WHERE blobs.sha256 = r.sha
            RETURNING blobs.sha256, blobs.ref_count
            """))
        {
            release.Parameters.AddWithValue(counts.Select(c => c.Sha).ToArray());
            release.Parameters.AddWithValue(counts.Select(c => c.Count).ToArray());
            await using var reader = await release.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (reader.GetInt32(1) == 0)
                    orphans.Add(reader.GetFieldValue<byte[]>(0));
            }
        }
        if (orphans.Count == 0)
            return;
        // A separate statement: a row may not be updated and deleted by one statement.
        await using var drop = tx.Command("DELETE FROM blobs WHERE sha256 = ANY($1) AND ref_count = 0");
        drop.Parameters.AddWithValue(orphans.ToArray());
        await drop.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }
}
