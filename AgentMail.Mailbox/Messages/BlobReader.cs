using System.Buffers;
using System.Data;
using AgentMail.Mailbox.Storage;
using Npgsql;

namespace AgentMail.Mailbox.Messages;

/// <summary>What ingest stored beside a blob's bytes: the structure and the IMAP renderings.</summary>
public sealed record RenderedContent(byte[] Structure, byte[] Envelope, byte[] BodyStructure, byte[] Body);

/// <summary>
/// Reads message bytes from the blob store without materializing more than asked: a slice is a
/// <c>substring()</c> of an uncompressed out-of-line value (Postgres fetches only the chunks that
/// cover it), streamed through a pooled buffer.
/// </summary>
public sealed class BlobReader(MailboxDatabase database)
{
    private const int ChunkSize = 64 * 1024;

    /// <summary>Copies bytes [offset, offset+length) of the blob to <paramref name="destination"/>; returns the count copied.</summary>
    public async Task<long> CopyRangeAsync(byte[] sha256, long offset, long length, Stream destination, CancellationToken cancellationToken)
    {
        if (offset < 0 || length < 0)
            throw new ArgumentOutOfRangeException(nameof(offset));
        if (length == 0)
            return 0;
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        // substring() is 1-based; lengths beyond the end are clipped by Postgres.
        await using var command = new NpgsqlCommand("SELECT substring(data FROM $2 FOR $3) FROM blobs WHERE sha256 = $1", connection);
        command.Parameters.AddWithValue(sha256);
        command.Parameters.AddWithValue((int)Math.Min(offset + 1, int.MaxValue));
        command.Parameters.AddWithValue((int)Math.Min(length, int.MaxValue));
        return await CopyFirstColumnAsync(command, destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Copies the whole blob to <paramref name="destination"/>.</summary>
    public async Task<long> CopyAllAsync(byte[] sha256, Stream destination, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT data FROM blobs WHERE sha256 = $1", connection);
        command.Parameters.AddWithValue(sha256);
        return await CopyFirstColumnAsync(command, destination, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The whole blob in memory: for callers that must (e.g. re-parsing for the API's body); prefer the streaming reads.</summary>
    public async Task<byte[]?> ReadAllAsync(byte[] sha256, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT data FROM blobs WHERE sha256 = $1", connection);
        command.Parameters.AddWithValue(sha256);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as byte[];
    }

    public async Task<RenderedContent?> ReadRenderedAsync(byte[] sha256, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("SELECT structure, envelope, body_structure, body FROM blobs WHERE sha256 = $1", connection);
        command.Parameters.AddWithValue(sha256);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            return null;
        return new RenderedContent(reader.GetFieldValue<byte[]>(0), reader.GetFieldValue<byte[]>(1), reader.GetFieldValue<byte[]>(2), reader.GetFieldValue<byte[]>(3));
    }

    private static async Task<long> CopyFirstColumnAsync(NpgsqlCommand command, Stream destination, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false) || await reader.IsDBNullAsync(0, cancellationToken).ConfigureAwait(false))
            return 0;
        await using var source = await reader.GetStreamAsync(0, cancellationToken).ConfigureAwait(false);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            long total = 0;
            int read;
            while ((read = await source.ReadAsync(buffer.AsMemory(0, ChunkSize), cancellationToken).ConfigureAwait(false)) > 0)
            {
                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken).ConfigureAwait(false);
                total += read;
            }
            return total;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
