using System.Data;
using AgentMail.Mailbox.Messages;
using AgentMail.Mailbox.Storage;
using Npgsql;

namespace AgentMail.Imap.Storage;

/// <summary>Blob renderings a FETCH needs besides the message row.</summary>
[Flags]
public enum FetchColumns
{
    None = 0,
    Envelope = 1,
    BodyStructure = 2,
    Body = 4,
    Structure = 8,
    /// <summary>The first <see cref="ImapStore.PrefixBytes"/> of the message, from which FETCH serves sections that lie inside it.</summary>
    Prefix = 16,
}

/// <summary>One message as FETCH sees it.</summary>
public sealed class FetchRow
{
    public uint Uid { get; init; }
    public long ModSeq { get; set; }
    public MessageFlags Flags { get; set; }
    public string[] Keywords { get; set; } = [];
    public int Size { get; init; }
    public DateTimeOffset InternalDate { get; init; }
    public Guid Id { get; init; }
    public Guid ThreadId { get; init; }
    public byte[] Sha256 { get; init; } = [];
    public byte[]? Envelope { get; init; }
    public byte[]? BodyStructure { get; init; }
    public byte[]? Body { get; init; }
    public byte[]? Structure { get; init; }
    public byte[]? Prefix { get; init; }
}

/// <summary>A message's state as it changed (QRESYNC SELECT, catch-up).</summary>
public readonly record struct ChangedMessage(uint Uid, long ModSeq, MessageFlags Flags, string[] Keywords);

/// <summary>What SELECT/EXAMINE needs, read in one consistent snapshot.</summary>
public sealed record MailboxSnapshot(
    long UidValidity,
    long UidNext,
    long HighestModSeq,
    uint[] Uids,
    uint? FirstUnseenUid,
    string[] Keywords,
    IReadOnlyList<ChangedMessage> Changed,
    IReadOnlyList<uint> Expunged);

/// <summary>
/// A byte range of a blob to read (offset 0-based); served from <paramref name="Prefix"/>, the
/// message's first bytes already read with its row, when the range lies inside it.
/// </summary>
public readonly record struct SliceRequest(byte[] Sha256, long Offset, int Length, byte[]? Prefix = null)
{
    public bool InPrefix => Prefix is not null && Offset + Length <= Prefix.Length;
}

/// <summary>
/// The IMAP server's reads, in hand-written SQL over the mailbox database, every one scoped by
/// grant id. Changes never go through here: they go through the mailbox core's services.
/// </summary>
public sealed class ImapStore(MailboxDatabase database)
{
    /// <summary>
    /// How much of a message FETCH reads with its row when it asks for body sections: the header of
    /// most mail and the whole of a small message, so that those need no second query for the bytes.
    /// </summary>
    public const int PrefixBytes = 8192;

    /// <summary>
    /// The folder's UIDs, counters, first unseen message and keywords in use — and, for QRESYNC,
    /// what changed and vanished since <paramref name="changedSince"/> — in one REPEATABLE READ
    /// snapshot, so the HIGHESTMODSEQ reported covers exactly the UIDs reported.
    /// </summary>
    public async Task<MailboxSnapshot?> LoadAsync(Guid grantId, long folderId, long? changedSince, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection, transaction);
        // The first statement proves the folder is the grant's, in the same snapshot (and a result
        // without it is discarded), so the others select by folder alone: that lets them answer from
        // the indexes on (folder_id, …) without visiting a row for its grant_id.
        batch.BatchCommands.Add(Command("SELECT uid_validity, uid_next, highest_modseq FROM folders WHERE grant_id = $1 AND id = $2", grantId, folderId));
        batch.BatchCommands.Add(Command("SELECT uid FROM messages WHERE folder_id = $1 ORDER BY uid", folderId));
        batch.BatchCommands.Add(Command("SELECT min(uid) FROM messages WHERE folder_id = $1 AND (flags & 1) = 0", folderId));
        batch.BatchCommands.Add(Command("""
            SELECT DISTINCT k FROM messages, unnest(keywords) AS k
            WHERE folder_id = $1 AND keywords <> '{}' ORDER BY k
            """, folderId));
        if (changedSince is { } since)
        {
            batch.BatchCommands.Add(Command("""
                SELECT uid, modseq, flags, keywords FROM messages
                WHERE folder_id = $1 AND modseq > $2 ORDER BY uid
                """, folderId, since));
            batch.BatchCommands.Add(Command("""
                SELECT e.uid FROM expunged_uids e JOIN folders f ON f.id = e.folder_id
                WHERE f.grant_id = $1 AND e.folder_id = $2 AND e.modseq > $3 ORDER BY e.uid
                """, grantId, folderId, since));
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) return null;
        var (uidValidity, uidNext, highest) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2));

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var uids = new List<uint>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) uids.Add((uint)reader.GetInt64(0));

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
        uint? firstUnseen = reader.IsDBNull(0) ? null : (uint)reader.GetInt64(0);

        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        var keywords = new List<string>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) keywords.Add(reader.GetString(0));

        var changed = new List<ChangedMessage>();
        var expunged = new List<uint>();
        if (changedSince is not null)
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                changed.Add(new ChangedMessage((uint)reader.GetInt64(0), reader.GetInt64(1), (MessageFlags)reader.GetInt16(2), reader.GetFieldValue<string[]>(3)));
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) expunged.Add((uint)reader.GetInt64(0));
        }
        return new MailboxSnapshot(uidValidity, uidNext, highest, [.. uids], firstUnseen, [.. keywords], changed, expunged);
    }

    /// <summary>The messages with these UIDs (ascending), with the blob renderings asked for.</summary>
    public async Task<List<FetchRow>> ReadMessagesAsync(Guid grantId, long folderId, IReadOnlyList<uint> uids, FetchColumns columns, long? changedSince, CancellationToken cancellationToken)
    {
        var select = new StringBuilder("SELECT m.uid, m.modseq, m.flags, m.keywords, m.size, m.internal_date, m.id, m.thread_id, m.blob_sha256");
        if ((columns & FetchColumns.Envelope) != 0) select.Append(", b.envelope");
        if ((columns & FetchColumns.BodyStructure) != 0) select.Append(", b.body_structure");
        if ((columns & FetchColumns.Body) != 0) select.Append(", b.body");
        if ((columns & FetchColumns.Structure) != 0) select.Append(", b.structure");
        if ((columns & FetchColumns.Prefix) != 0) select.Append(", substring(b.data FROM 1 FOR ").Append(PrefixBytes).Append(')');
        select.Append(" FROM messages m");
        if (columns != FetchColumns.None) select.Append(" JOIN blobs b ON b.sha256 = m.blob_sha256");
        select.Append(" WHERE m.grant_id = $1 AND m.folder_id = $2 AND m.uid = ANY($3)");
        if (changedSince is not null) select.Append(" AND m.modseq > $4");
        select.Append(" ORDER BY m.uid");

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(select.ToString(), connection);
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(folderId);
        command.Parameters.AddWithValue(ToInt64(uids));
        if (changedSince is { } since) command.Parameters.AddWithValue(since);

        var rows = new List<FetchRow>(uids.Count);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            var column = 9;
            rows.Add(new FetchRow
            {
                Uid = (uint)reader.GetInt64(0),
                ModSeq = reader.GetInt64(1),
                Flags = (MessageFlags)reader.GetInt16(2),
                Keywords = reader.GetFieldValue<string[]>(3),
                Size = reader.GetInt32(4),
                InternalDate = reader.GetFieldValue<DateTimeOffset>(5),
                Id = reader.GetGuid(6),
                ThreadId = reader.GetGuid(7),
                Sha256 = reader.GetFieldValue<byte[]>(8),
                Envelope = (columns & FetchColumns.Envelope) != 0 ? reader.GetFieldValue<byte[]>(column++) : null,
                BodyStructure = (columns & FetchColumns.BodyStructure) != 0 ? reader.GetFieldValue<byte[]>(column++) : null,
                Body = (columns & FetchColumns.Body) != 0 ? reader.GetFieldValue<byte[]>(column++) : null,
                Structure = (columns & FetchColumns.Structure) != 0 ? reader.GetFieldValue<byte[]>(column++) : null,
                Prefix = (columns & FetchColumns.Prefix) != 0 ? reader.GetFieldValue<byte[]>(column++) : null,
            });
        }
        return rows;
    }

    /// <summary>
    /// Several byte ranges of blobs in one round trip (Postgres reads only the TOAST chunks each
    /// range covers). The blobs were found through grant-scoped message rows.
    /// </summary>
    public async Task<byte[][]> ReadSlicesAsync(IReadOnlyList<SliceRequest> slices, CancellationToken cancellationToken)
    {
        var result = new byte[slices.Count][];
        var queried = new List<int>(slices.Count);
        for (var i = 0; i < slices.Count; i++)
        {
            var slice = slices[i];
            if (!slice.InPrefix) queried.Add(i);
            else if (slice.Offset == 0 && slice.Length == slice.Prefix!.Length) result[i] = slice.Prefix;
            else result[i] = slice.Prefix.AsSpan((int)slice.Offset, slice.Length).ToArray();
        }
        if (queried.Count == 0) return result;

        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            SELECT r.i, substring(b.data FROM r.o FOR r.l)
            FROM unnest($1::bytea[], $2::int[], $3::int[]) WITH ORDINALITY AS r(sha, o, l, i)
            JOIN blobs b ON b.sha256 = r.sha
            """, connection);
        command.Parameters.AddWithValue(queried.Select(i => slices[i].Sha256).ToArray());
        command.Parameters.AddWithValue(queried.Select(i => (int)Math.Min(slices[i].Offset + 1, int.MaxValue)).ToArray());
        command.Parameters.AddWithValue(queried.Select(i => slices[i].Length).ToArray());
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            result[queried[(int)reader.GetInt64(0) - 1]] = reader.GetFieldValue<byte[]>(1);
        for (var i = 0; i < result.Length; i++) result[i] ??= [];
        return result;
    }

    /// <summary>UIDs that left the folder after <paramref name="sinceModSeq"/> (QRESYNC VANISHED (EARLIER)).</summary>
    public async Task<List<uint>> ReadExpungedAsync(Guid grantId, long folderId, long sinceModSeq, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand("""
            SELECT e.uid FROM expunged_uids e JOIN folders f ON f.id = e.folder_id
            WHERE f.grant_id = $1 AND e.folder_id = $2 AND e.modseq > $3 ORDER BY e.uid
            """, connection);
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(folderId);
        command.Parameters.AddWithValue(sinceModSeq);
        var uids = new List<uint>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) uids.Add((uint)reader.GetInt64(0));
        return uids;
    }

    /// <summary>Messages flagged \Deleted in a folder (STATUS DELETED, RFC 9051 §6.3.11).</summary>
    public async Task<long> CountDeletedAsync(Guid grantId, long folderId, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(
            "SELECT count(*) FROM messages WHERE grant_id = $1 AND folder_id = $2 AND (flags & 8) <> 0", connection);
        command.Parameters.AddWithValue(grantId);
        command.Parameters.AddWithValue(folderId);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <summary>
    /// The periodic poll of every session in this process, in one round trip: each grant's
    /// credential version and each selected folder's HIGHESTMODSEQ.
    /// </summary>
    public async Task<(Dictionary<Guid, int> Credentials, Dictionary<long, long> Folders)> PollAsync(Guid[] grantIds, long[] folderIds, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var batch = new NpgsqlBatch(connection);
        batch.BatchCommands.Add(Command("SELECT id, credential_version FROM grants WHERE id = ANY($1)", grantIds));
        batch.BatchCommands.Add(Command("SELECT id, highest_modseq FROM folders WHERE grant_id = ANY($1) AND id = ANY($2)", grantIds, folderIds));
        var credentials = new Dictionary<Guid, int>(grantIds.Length);
        var folders = new Dictionary<long, long>(folderIds.Length);
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) credentials[reader.GetGuid(0)] = reader.GetInt32(1);
        await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) folders[reader.GetInt64(0)] = reader.GetInt64(1);
        return (credentials, folders);
    }

    /// <summary>Runs a query built by the SEARCH translator; <paramref name="read"/> reads each row.</summary>
    public async Task<List<T>> QueryAsync<T>(string sql, IReadOnlyList<object> parameters, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var connection = await database.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = new NpgsqlCommand(sql, connection);
        foreach (var parameter in parameters)
        {
            if (parameter is NpgsqlParameter typed) command.Parameters.Add(typed);
            else command.Parameters.AddWithValue(parameter);
        }
        var rows = new List<T>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) rows.Add(read(reader));
        return rows;
    }

    private static long[] ToInt64(IReadOnlyList<uint> uids)
    {
        var values = new long[uids.Count];
        for (var i = 0; i < values.Length; i++) values[i] = uids[i];
        return values;
    }

    private static NpgsqlBatchCommand Command(string sql, params object[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        foreach (var parameter in parameters) command.Parameters.AddWithValue(parameter);
        return command;
    }
}
