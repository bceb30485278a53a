using AgentMail.Mailbox.Storage;

namespace AgentMail.Mailbox.Messages;

/// <summary>
/// Content-addressed message bytes with a reference count: one row per distinct SHA-256, shared
/// by copies and by queued deliveries, dropped when the last reference goes.
/// </summary>
internal static class Blobs
{
    /// <summary>Takes one reference on the content, storing it (and what parsing produced) if it is new.</summary>
    public static async Task AcquireAsync(MailboxTransaction tx, MessageContent content, CancellationToken cancellationToken)
    {
        // The common case for a copy or a duplicate needs no upload of the bytes.
        if (await AddReferencesAsync(tx, content.Sha256, 1, cancellationToken).ConfigureAwait(false))
            return;
        await using var insert = tx.Command("""
            INSERT INTO blobs (sha256, size, ref_count, data, structure, envelope, body_structure, body)
            VALUES ($1, $2, 1, $3, $4, $5, $6, $7)
            ON CONFLICT (sha256) DO UPDATE SET ref_count = blobs.ref_count + 1
            """);
        insert.Parameters.AddWithValue(content.Sha256);
        insert.Parameters.AddWithValue(content.Size);
        insert.Parameters.AddWithValue(content.Raw);
        insert.Parameters.AddWithValue(content.Structure);
        insert.Parameters.AddWithValue(content.Envelope);
        insert.Parameters.AddWithValue(content.BodyStructure);
        insert.Parameters.AddWithValue(content.Body);
        await insert.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
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
